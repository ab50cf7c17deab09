"""What a release must carry: the files to upload, the notes, the title, the commit.

Everything is derived from the policy and the working tree, never from what GitHub already shows,
so the review compares GitHub against the captain's own files. Hashing goes through
``services.checksums`` (streamed, parallel, refusing files that change while read), the same code
that made the checksum files, so there is one sha256 in the console.
"""

from __future__ import annotations

import mimetypes
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from services import artifacts, public_keys
from services.errors import ConsoleError
from services.evidence import ChecksumsEvidence
from services.policy import Policy
from services.provenance import FILE_NAME as PROVENANCE
from services.session import Session
from services.step_protocol import Blocker, ProgressCallback

if TYPE_CHECKING:
    from services.repo import Repository

CONTENT_TYPES = {
    ".iso": "application/x-iso9660-image", ".sha256": "text/plain", ".minisig": "text/plain",
    ".asc": "application/pgp-signature", ".sig": "application/octet-stream",
    ".json": "application/json", ".whl": "application/zip", ".gz": "application/gzip",
    ".zip": "application/zip", ".txt": "text/plain",
}


class ReleaseInputError(ConsoleError):
    """A local input of the GitHub steps (notes, artifacts, tag) is missing or unusable."""


def signature_suffix(backend: str) -> str:
    """The suffix the policy's signing backend gives its signature files ("" when none signs).

    Read from the backend classes themselves (no backend is constructed, no key is touched),
    so the draft expects exactly the files the sign step writes.
    """
    from services.signing.gpg import GpgBackend
    from services.signing.minisign import MinisignBackend
    from services.signing.ssh import SshBackend

    for cls in (MinisignBackend, GpgBackend, SshBackend):
        if cls.name == backend:
            return cls.suffix
    return ""


def content_type(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if name.endswith("SUMS"):
        return "text/plain"
    return CONTENT_TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"


@dataclass(frozen=True)
class ExpectedFile:
    name: str
    path: Path
    kind: str  # artifact, checksum, signature, checksums, provenance, public-key

    @property
    def exists(self) -> bool:
        return self.path.is_file()

    @property
    def size(self) -> int:
        return self.path.stat().st_size

    @property
    def content_type(self) -> str:
        if self.kind == public_keys.KIND:  # an .asc key is no signature
            return "application/pgp-keys" if self.name.endswith(".asc") else "text/plain"
        return content_type(self.name)


def expected_files(policy: Policy, root: Path, session: Session,
                   release_dir: Path) -> list[ExpectedFile]:
    """Every file the draft must carry, in upload order (each artifact followed by its extras).

    ``release_dir`` is the session's own directory (``.release/<tag>``), where the provenance
    index is looked for when the artifacts directory has none, and where the public keys the
    policy publishes are written from the tag (:func:`services.public_keys.write`) before the
    draft uploads them or the review compares them.
    """
    directory = artifacts.artifacts_dir(policy, root)
    suffix = signature_suffix(policy.signing_backend)
    files: list[ExpectedFile] = []
    for art in artifacts.expected(policy, root, tag=session.tag, version=session.version):
        files.append(ExpectedFile(art.name, art.path, "artifact"))
        checksum = policy.checksum_file_for(art.name)
        if checksum is not None:  # per_file = "" means no per-file checksum files
            files.append(ExpectedFile(checksum, directory / checksum, "checksum"))
        if suffix:
            files.append(ExpectedFile(art.name + suffix, directory / (art.name + suffix),
                                      "signature"))
    combined = policy.combined_checksum_name(tag=session.tag, version=session.version)
    if combined is not None:
        files.append(ExpectedFile(combined, directory / combined, "checksums"))
        if suffix and policy.checksum_sign_combined:  # users verify one signature, then the list
            files.append(ExpectedFile(combined + suffix, directory / (combined + suffix),
                                      "signature"))
    for candidate in (directory / PROVENANCE, release_dir / PROVENANCE):
        if candidate.is_file():
            files.append(ExpectedFile(PROVENANCE, candidate, "provenance"))
            break
    files += [ExpectedFile(key.name, key.path(release_dir), public_keys.KIND)
              for key in public_keys.planned(policy)]
    return files


# --- local digests -------------------------------------------------------------------------------

def hash_all(files: Sequence[ExpectedFile],
             progress: ProgressCallback | None = None) -> dict[str, str]:
    """sha256 of every file, each read once (streamed and in parallel); ``progress`` gets one
    ``hash`` event per file. A file that changes while it is read is refused."""
    from services import checksums

    if not files:
        return {}
    digests = checksums.hash_files([f.path for f in files], progress, per_file=True, phase="hash")
    return {f.name: d.sha256 for f, d in zip(files, digests, strict=True)}


def checksummed(session: Session) -> ChecksumsEvidence | None:
    """The checksums step's evidence while that step is done (what the digests below trust)."""
    return session.evidence(ChecksumsEvidence, done=True)


def _by_name(recorded: ChecksumsEvidence | None) -> dict[str, Mapping[str, Any]]:
    return recorded.by_name() if recorded is not None else {}


def local_digests(files: Sequence[ExpectedFile], recorded: ChecksumsEvidence | None,
                  progress: ProgressCallback | None = None) -> dict[str, str]:
    """The sha256 of each local file that exists, hashing only what has to be hashed.

    The review runs on every screen load and again right before publishing: re-reading every
    multi-GiB ISO each time would make both slow. An artifact whose size and modification time
    are still those the checksums step recorded takes that step's digest (the same fingerprint
    the checksums step's revalidation trusts); anything else (artifacts without a record or
    touched since, and the small checksum, signature and provenance files) is hashed.
    ``recorded`` is the checksums step's evidence (:func:`checksummed`).
    """
    records = _by_name(recorded)
    known: dict[str, str] = {}
    to_hash: list[ExpectedFile] = []
    for item in files:
        try:
            info = os.stat(item.path)
        except OSError:
            continue  # missing: the review reports it
        record = records.get(item.name) if item.kind == "artifact" else None
        if record is not None and "mtime_ns" in record and \
                (info.st_size, info.st_mtime_ns) == (record.get("size"), record.get("mtime_ns")):
            known[item.name] = str(record["sha256"]).lower()
        else:
            to_hash.append(item)
    known.update(hash_all(to_hash, progress))
    return known


def recorded_digests(policy: Policy, files: list[ExpectedFile],
                     recorded: ChecksumsEvidence | None) -> dict[str, dict[str, str]]:
    """For each artifact, the sha256 every record of it gives: {name: {where: sha256}}.

    The records are its checksum file (the policy's per-file name, or a combined list beside it)
    and the checksums step's evidence. An artifact whose bytes differ from them changed after it was
    checksummed (and signed): uploading it would publish something nobody tested or signed.
    """
    from services import checksum_check

    from_step = {name: str(entry["sha256"]).lower()
                 for name, entry in _by_name(recorded).items()}
    result: dict[str, dict[str, str]] = {}
    for item in files:
        if item.kind != "artifact":
            continue
        known: dict[str, str] = {}
        found = checksum_check.find_expected(item.path, policy.checksum_file_for(item.name))
        if found is not None:
            known[found[1].name] = found[0].lower()
        if item.name in from_step:
            known["the checksums step's record"] = from_step[item.name]
        result[item.name] = known
    return result


def integrity_problem(name: str, actual: str, known: dict[str, str]) -> str:
    """One sentence when ``actual`` (the file's sha256 now) differs from any record of it."""
    for where, want in known.items():
        if want != actual:
            return (f"{name} changed after it was checksummed: its sha256 is {actual[:16]}…, "
                    f"but {where} says {want[:16]}….")
    return ""


INTEGRITY_REMEDY = ("Put back the exact file that was checksummed, smoke-tested and signed "
                    "(from the build output or the hand-off bundle); a rebuilt artifact needs a "
                    "new version.")


def verify_artifacts(policy: Policy, files: list[ExpectedFile], digests: dict[str, str],
                     recorded: ChecksumsEvidence | None) -> None:
    """Refuse (before anything is uploaded) an artifact that changed after it was checksummed."""
    known = recorded_digests(policy, files, recorded)
    for item in files:
        problem = integrity_problem(item.name, digests.get(item.name, ""),
                                    known.get(item.name, {}))
        if problem:
            raise ReleaseInputError(f"{problem[:-1]}; nothing was uploaded.",
                                    remedy=INTEGRITY_REMEDY)


def missing_blockers(files: list[ExpectedFile], root: Path) -> list[Blocker]:
    result = []
    for item in files:
        if not item.exists and item.kind != public_keys.KIND:  # read at the tag when it runs
            where = artifacts.display_path(item.path, root)
            remedy = {
                "artifact": "Build it into the artifacts directory.",
                "checksum": "Run the checksums step.",
                "checksums": "Run the checksums step.",
                "signature": "Run the sign step.",
            }.get(item.kind, "Create it again.")
            result.append(Blocker(f"{item.kind.capitalize()} {where} is missing.", remedy))
    return result


def notes_blockers(notes: Path, root: Path) -> list[Blocker]:
    """The notes file (``services.notes.notes_file``) the draft's body is read from is missing."""
    if not notes.is_file():
        return [Blocker(f"The release notes {artifacts.display_path(notes, root)} do not exist yet.",
                        "Run the notes step first (`release-console run notes`).")]
    return []


def release_title(policy: Policy, session: Session) -> str:
    return policy.title_for(session.tag, session.version)


def tag_commit(repo: Repository, tag: str) -> str:
    """The commit the release tag points at (the tag is made before anything goes online).

    Not :func:`services.session_lifecycle.release_commit` (the commit the session recorded): this is what
    GitHub will show, so it is read from the tag itself.
    """
    if not repo.tag_exists(tag):
        raise ReleaseInputError(f"Tag {tag} does not exist in this repository yet.",
                                remedy="Run the tag step first (or import the hand-off bundle).")
    return repo.git("rev-parse", f"refs/tags/{tag}^{{commit}}").strip()


def channel_flags(policy: Policy, session: Session,
                  tags: Sequence[str] = ()) -> tuple[bool, str]:
    """(prerelease, make_latest) for the session's channel: stable -> latest, rc -> prerelease;
    not latest either when a newer stable release is tagged (a hotfix on an older line must not
    take "latest" from it)."""
    channel = policy.channel(session.channel)
    prerelease = channel.prerelease or session.kind == "rc" or "-" in session.version
    latest = channel.make_latest and not prerelease and not newer_release(policy, session, tags)
    return prerelease, "true" if latest else "false"


def newer_release(policy: Policy, session: Session, tags: Sequence[str]) -> str:
    """The tag of the highest stable release above this session's version, or ""."""
    from services import versions

    highest = versions.highest_release(tags, policy.tag_format)
    try:
        newer = highest is not None and highest > versions.parse_version(session.version)
    except ConsoleError:
        return ""
    return policy.tag_for(str(highest)) if newer else ""
