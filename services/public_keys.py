"""The release's public keys as assets (``[signing] publish_keys = true``).

The PAI runbook publishes ``minisign.pub`` on the Releases page "so users can verify downloads
independently of the repo". What is attached is what the release commit says, never the working
copy: the minisign key file or the ssh allowed_signers file is read from git at the tag's commit
(an edited, uncommitted ``minisign.pub`` is not published), and an OpenPGP key (the gpg backend's
``signing.fingerprint``, the signed tag's ``tag_key``) is exported with ``gpg --export --armor``
and checked to hold exactly the pinned key and no secret material before it is used.

The files are written under the session's directory (``.release/<tag>/public-keys/``), from where
the draft uploads them and the review compares their sha256 with the attached assets, like any
other expected file. They are written again (atomically, only when they differ) each time the
draft or the review runs, so what GitHub carries is always checked against the tag's own key.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from services import tools
from services.atomic import write_bytes_atomic
from services.blocker import Blocker
from services.errors import ConsoleError

if TYPE_CHECKING:
    from services.policy import Policy
    from services.repo import Repository

KIND = "public-key"  # ExpectedFile.kind of a key asset
FOLDER = "public-keys"  # under .release/<tag>/
ARMOR_HEADER = b"-----BEGIN PGP PUBLIC KEY BLOCK-----"
OFF = "or set [signing] publish_keys = false"


class PublicKeyError(ConsoleError):
    """A public key the policy publishes cannot be attached truthfully."""


@dataclass(frozen=True)
class KeyAsset:
    """One public key the release carries."""

    name: str  # the asset's name on the release (and in the download folder)
    source: str  # "file": a repository path read at the tag; "openpgp": a fingerprint exported
    value: str  # the repository path (posix, relative) or the normalised fingerprint
    what: str  # in words, for notes and errors (never branched on: prose is no type tag)
    kind: str  # "minisign" | "ssh" | "openpgp": what checks it, which the code branches on

    def path(self, release_dir: Path) -> Path:
        """Where the draft uploads it from: the session's own directory."""
        return release_dir / FOLDER / self.name


def _normalise(fingerprint: str) -> str:
    return fingerprint.replace(" ", "").upper().removeprefix("0X")


def repository_path(value: str) -> str:
    """``value`` as a path inside the repository ("" when it points outside it)."""
    if not value or os.path.isabs(os.path.expanduser(value)):
        return ""
    rel = posixpath.normpath(value.replace(os.sep, "/"))
    return "" if rel == "." or rel == ".." or rel.startswith("../") else rel


def unpublishable(signing: Mapping[str, Any]) -> str:
    """Why the policy's ``[signing]`` values (as :mod:`services.policy` reads them) leave nothing
    true to publish ("" when they are fine): the end of the policy's one-sentence error."""
    backend = signing.get("signing_backend", "minisign")
    files = {"minisign": ("signing.public_key", signing.get("signing_public_key") or ""),
             "ssh": ("signing.allowed_signers", signing.get("signing_allowed_signers") or "")}
    if signing.get("tag_signing") == "ssh" and signing.get("signing_allowed_signers"):
        backend_files = [backend, "ssh"]
    else:
        backend_files = [backend]
    for key, value in (files[b] for b in backend_files if b in files):
        if not repository_path(value):
            return (f"{key} ({value or 'not set'}) is not a file in the repository, so no "
                    "committed key can be attached; commit the key and name its path in the "
                    "repository, or remove publish_keys")
    if backend == "gpg" and not signing.get("signing_fingerprint"):
        return ("signing.fingerprint is not set, so there is no OpenPGP key to export; pin it, "
                "or remove publish_keys")
    tag_key = signing.get("tag_key") or signing.get("signing_fingerprint") \
        if signing.get("tag_signing") == "openpgp" else signing.get("signing_allowed_signers")
    if backend == "none" and not (signing.get("tag_signing") != "none" and tag_key):
        return ("nothing is signed with a key it could publish (signing.backend is \"none\" and "
                "the tag has no key to publish); remove publish_keys")
    return ""


def planned(policy: Policy) -> list[KeyAsset]:
    """The keys the release carries under ``policy`` ([] unless ``publish_keys``), in upload order.

    An OpenPGP key that both signs the files and the tag is one file; two different keys are two.
    """
    if not policy.signing_publish_keys:
        return []
    result: list[KeyAsset] = []
    backend = policy.signing_backend
    if backend == "minisign":
        rel = repository_path(policy.signing_public_key or "minisign.pub")
        result.append(KeyAsset(posixpath.basename(rel), "file", rel, "minisign public key",
                               "minisign"))
    if backend == "ssh" or (policy.tag_signing == "ssh" and policy.signing_allowed_signers):
        rel = repository_path(policy.signing_allowed_signers)  # ssh-signed files or tag
        result.append(KeyAsset(posixpath.basename(rel), "file", rel, "ssh allowed signers file",
                               "ssh"))
    # an asset name: "Release Console" gave "release console-tag-key.asc", a space GitHub
    # would rewrite in the download URL the notes point at
    slug = re.sub(r"[^a-z0-9._]+", "-", policy.project_name.lower()).strip("-.")
    project = f"{slug}-" if slug else ""
    signing = _normalise(policy.signing_fingerprint) if backend == "gpg" else ""
    tag = _normalise(policy.tag_key or policy.signing_fingerprint) \
        if policy.tag_signing == "openpgp" else ""
    if signing:
        both = " and tags" if tag == signing else ""
        result.append(KeyAsset(f"{project}release-key.asc", "openpgp", signing,
                               f"OpenPGP key that signs the files{both}", "openpgp"))
    if tag and tag != signing:
        result.append(KeyAsset(f"{project}tag-key.asc", "openpgp", tag,
                               "OpenPGP key that signs the tag", "openpgp"))
    return [k for k in result if k.name and k.value]


def files_key(policy: Policy) -> KeyAsset | None:
    """The attached key that checks the files' signatures with the policy's backend: the
    minisign key or the ssh allowed signers file, never another backend's (with gpg signing the
    files, an allowed_signers attached for an ssh-signed tag is the tagger's, not the files')."""
    kind = {"minisign": "minisign", "ssh": "ssh"}.get(policy.signing_backend)
    return next((k for k in planned(policy) if kind is not None and k.kind == kind), None)


def signers_key(policy: Policy) -> KeyAsset | None:
    """The attached ssh allowed signers file, when the release carries one."""
    return next((k for k in planned(policy) if k.kind == "ssh"), None)


WILD = "\x00"  # a {tag} or {version} in a name pattern: any text


def _other_assets(policy: Policy) -> list[tuple[str, str]]:
    """(name pattern, what it is) of every other file the release carries, {tag}/{version} as
    :data:`WILD`: the same files, in the same order, as the draft's expected files."""
    from services.provenance import FILE_NAME
    from services.signing import signature_suffix

    suffix = signature_suffix(policy.signing_backend)
    result: list[tuple[str, str]] = []
    for spec in policy.artifacts:
        name = spec.filename(tag=WILD, version=WILD, project=policy.project_name)
        checksum = policy.checksum_file_for(name)
        result += [(name, f"the {spec.arch} artifact"),
                   *([(checksum, f"the {spec.arch} artifact's checksum file")] if checksum else []),
                   *([(name + suffix, f"the {spec.arch} artifact's signature")] if suffix else [])]
    combined = policy.combined_checksum_name(tag=WILD, version=WILD)
    if combined:
        result.append((combined, "the combined checksum list"))
        if suffix and policy.checksum_sign_combined:
            result.append((combined + suffix, "the combined list's signature"))
    return [*result, (FILE_NAME, "the provenance index")]


def name_clash(policy: Policy) -> str:
    """Why a key would be attached under a name another of the release's files has ("" when
    none would): GitHub holds one asset per name, so users would get one file as the other (or
    the draft would replace one with the other on every run)."""
    keys = planned(policy)
    for index, key in enumerate(keys):
        this = f"the {key.what}" + (f" ({key.value})" if key.source == "file" else "")
        for other in keys[:index]:
            if other.name == key.name:
                return (f"{this} and the {other.what} ({other.value}) would both be attached as "
                        f"{key.name}; rename one of the files, or remove publish_keys")
        for pattern, what in _other_assets(policy):
            if re.fullmatch(".+".join(re.escape(part) for part in pattern.split(WILD)), key.name):
                return (f"{this} would be attached as {key.name}, a name {what} can have; rename "
                        "one of them, or remove publish_keys")
    return ""


def tag_key_asset(policy: Policy) -> KeyAsset | None:
    """The attached file holding the signed tag's OpenPGP key (None: none is attached)."""
    tag = _normalise(policy.tag_key or policy.signing_fingerprint)
    return next((k for k in planned(policy) if k.source == "openpgp" and k.value == tag), None) \
        if policy.tag_signing == "openpgp" else None


def blockers(policy: Policy, repo: Repository, tag: str) -> list[Blocker]:
    """Key files missing from the tag's commit (cheap, local: the draft's ``check``)."""
    result = []
    for key in planned(policy):
        if key.source == "file" and repo.show(f"refs/tags/{tag}^{{commit}}", key.value) is None:
            err = _not_committed(key, tag)
            result.append(Blocker(err.message, err.remedy))
    return result


def _not_committed(key: KeyAsset, tag: str) -> PublicKeyError:
    return PublicKeyError(
        f"{key.value} (the {key.what}) is not committed at {tag}, so it cannot be attached to "
        "the release.", remedy=f"Commit it and release a new version, {OFF}.")


def key_bytes(policy: Policy, repo: Repository, key: KeyAsset, *, commit: str, tag: str) -> bytes:
    """The bytes of ``key`` as the release publishes them: read at ``commit``, or exported."""
    if key.source == "file":
        data = repo.show(commit, key.value)
        if data is None:
            raise _not_committed(key, tag)
        return data
    return export_openpgp(key.value, key.what)


def export_openpgp(fingerprint: str, what: str = "OpenPGP key") -> bytes:
    """``gpg --export --armor`` of the pinned key, refused unless it holds exactly that key."""
    from services.signing.gpg import gpg_env

    proc = tools.run("gpg", "--batch", "--armor", "--export-options", "export-minimal",
                     "--export", fingerprint, env=gpg_env(), timeout=60)
    data = proc.stdout
    if proc.returncode != 0 or not data.strip():
        raise PublicKeyError(f"The {what}, {fingerprint}, is not in this machine's GnuPG "
                             "keyring, so it cannot be attached to the release.",
                             remedy="Import its public key here (`gpg --armor --export "
                             f"{fingerprint} > key.asc` where it is, such as the signing "
                             f"workstation, then `gpg --import key.asc` here), {OFF}.")
    problem = _export_problem(data, fingerprint)
    if problem:
        raise PublicKeyError(f"gpg's export of the {what} {fingerprint} {problem}; nothing was "
                             "attached.", remedy="Check the keyring and the pinned fingerprint.")
    return data


def _export_problem(data: bytes, fingerprint: str) -> str:
    """Why an export is not exactly the pinned public key ("" when it is)."""
    if not data.lstrip().startswith(ARMOR_HEADER) or b"PRIVATE KEY" in data:
        return "is not an armored public key block"
    proc = tools.run("gpg", "--batch", "--with-colons", "--import-options", "show-only",
                     "--import", input_bytes=data, timeout=60)
    keys: list[set[str]] = []
    record = ""
    for line in proc.stdout.decode("utf-8", "replace").splitlines():
        fields = line.split(":")
        if fields[0] in {"pub", "sub", "sec", "ssb"}:
            record = fields[0]
            if record in {"sec", "ssb"}:
                return "holds secret key material"
            if record == "pub":
                keys.append(set())
        elif fields[0] == "fpr" and keys and record and len(fields) > 9:
            keys[-1].add(fields[9].upper())
            record = ""
    if proc.returncode != 0 or len(keys) != 1:
        return f"holds {len(keys)} keys, not exactly the pinned one"
    if fingerprint not in keys[0]:
        return "holds another key"
    return ""


def write(policy: Policy, repo: Repository, release_dir: Path, *, commit: str,
          tag: str) -> list[tuple[KeyAsset, Path, bytes]]:
    """Write every planned key where the draft uploads it from (only when it differs), and
    return (key, path, bytes) for each; nothing is written unless every key could be had."""
    made = [(key, key.path(release_dir), key_bytes(policy, repo, key, commit=commit, tag=tag))
            for key in planned(policy)]
    for _key, path, data in made:
        if not path.is_file() or path.read_bytes() != data:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_bytes_atomic(path, data)
    return made


def signer_problem(key: KeyAsset, key_path: Path, signatures: Sequence[Path], tag: str) -> str:
    """Why the attached minisign key could not verify the attached signatures ("" when it can).

    The sign step verified them against the pinned key in the working copy; what is published is
    the key committed at the tag. Should the two differ, users would get signatures their key
    cannot check: the key ids are compared (no file is hashed again)."""
    from services.signing import SigningError
    from services.signing.minisign import key_id_text, public_key_id, signature_key_id

    if key.kind != "minisign":
        return ""
    try:
        published = public_key_id(key_path)
    except SigningError:
        return f"{key.value} committed at {tag} is not a minisign public key"
    for signature in signatures:
        made_by = signature_key_id(signature)
        if made_by is not None and made_by != published:
            return (f"{signature.name} was made by minisign key {key_id_text(made_by)}, but "
                    f"{key.value} committed at {tag} is key {key_id_text(published)}, so users "
                    "could not verify it with the attached key")
    return ""


def tag_problem(policy: Policy, repo: Repository, key: KeyAsset, key_path: Path, tag: str) -> str:
    """Why the attached allowed_signers could not verify the ssh-signed tag ("" when it can).

    The tag step verified the tag with the working copy's file; users get the one committed at
    the tag (the notes' ``git -c gpg.ssh.allowedSignersFile=... verify-tag``). A tagger's key
    added to the file but not committed made a tag the attached file rejects: checked here with
    the very file the draft uploads, before anything goes to GitHub."""
    if policy.tag_signing != "ssh" or key.kind != "ssh":
        return ""
    # no timeout: that would run git detached, out of the console's process group, as the tag
    # step's own verify-tag is not (a kill of the console must take ssh-keygen with it)
    checked = repo.output("-c", f"gpg.ssh.allowedSignersFile={key_path.resolve()}",
                          "verify-tag", tag)
    if checked.status == 0:
        return ""
    said = tools.last_line(checked.stderr.encode()).removeprefix("error: ")
    return (f"the tag {tag} does not verify with {key.value} as committed at it ({said}), so "
            "users could not check it with the attached file")

