"""Release notes: the CHANGELOG section verbatim, then links to CHANGELOG.md and MIGRATION.md at
the tag (PAI runbook, section 6).

The notes are written once to ``.release/<tag>/notes.md`` and their sha256 goes into the journal, so
the GitHub draft (a later step, possibly on another machine after a hand-off) uses exactly the text
the captain reviewed. When the policy lists required sections (the Carapace template) each missing
one is reported; a Verification block with the exact commands users run can be generated from the
policy's artifacts and signing backend.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from services import changelog, channels, public_keys
from services.artifacts import display_path
from services.changelog import Changelog, parse_url
from services.errors import ConsoleError
from services.policy import Policy
from services.session import Session, SessionStore
from services.signing import signature_suffix
from services.step_protocol import Context
from services.wording import listed

_HEADING_TEXT = re.compile(r"^\s{0,3}(?:#{1,6}\s+(?P<h>.+?)\s*#*\s*$|\*\*(?P<b>[^*]+)\*\*\s*:?\s*$"
                           r"|__(?P<u>[^_]+)__\s*:?\s*$)")


class NotesError(ConsoleError):
    """The release notes file the later steps read is missing or unreadable."""


def notes_file(store: SessionStore, tag: str) -> Path:
    """Where the notes of a release live: ``.release/<tag>/notes.md``."""
    return store.directory(tag) / "notes.md"


def read_notes_file(path: Path, root: Path) -> str:
    """The notes text the notes step wrote, for the steps that publish it (the GitHub draft):
    they never rebuild it, so what users see is what the captain reviewed."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise NotesError(f"The release notes {display_path(path, root)} do not exist yet; run the "
                         "notes step first (`release-console run notes`).") from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise NotesError(f"Cannot read the release notes {display_path(path, root)} ({reason}); run "
                         "the notes step again (`release-console run notes`).") from None


# The same for the release in progress, as the steps ask for them.

def notes_path(ctx: Context) -> Path:
    return notes_file(ctx.store, ctx.require_session().tag)


def notes_display(ctx: Context) -> str:
    return display_path(notes_path(ctx), ctx.root)


def read_notes(ctx: Context) -> str:
    return read_notes_file(notes_path(ctx), ctx.root)


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def headings_in(text: str) -> list[str]:
    """Section titles in Markdown: ``## Title``, or a line that is only ``**Title**``."""
    found = []
    for line in text.splitlines():
        match = _HEADING_TEXT.match(line)
        if match:
            found.append(match["h"] or match["b"] or match["u"] or "")
    return found


def missing_sections(text: str, required: Sequence[str]) -> list[str]:
    """The required section names that ``text`` has no heading for (case and punctuation
    ignored; a heading may add words after the name, e.g. 'Security (CVE-2024-1)')."""
    titles = [_norm(t) for t in headings_in(text)]
    return [name for name in required
            if not any(t == _norm(name) or t.startswith(_norm(name) + " ") for t in titles)]


def web_base(policy: Policy, doc: Changelog | None = None) -> str:
    """The repository's web address (for links at the tag), or "" when nothing says it."""
    repository = policy.project.repository
    if repository:
        api = policy.github_api_url.rstrip("/")
        if not api or api == "https://api.github.com":
            host = "https://github.com"
        elif api.endswith("/api/v3"):
            host = api[: -len("/api/v3")]
        else:
            host = api
        return f"{host}/{repository}"
    if doc is not None:
        for link in doc.links:
            parsed = parse_url(link.url)
            if parsed is None:
                continue
            for tail in ("/-/compare/", "/branches/compare/", "/compare/", "/releases/tag/",
                         "/-/tags/", "/-/releases/"):
                if parsed.prefix.endswith(tail):
                    return parsed.prefix[: -len(tail)]
    return ""


def _file_url(base: str, tag: str, name: str) -> str:
    if "gitlab" in base:
        return f"{base}/-/blob/{tag}/{name}"
    if "bitbucket" in base:
        return f"{base}/src/{tag}/{name}"
    return f"{base}/blob/{tag}/{name}"


def verification_block(policy: Policy, *, tag: str, version: str, base_url: str = "") -> str:
    """The exact commands users run to check the downloads (sha256sum -c, minisign/gpg/ssh) and
    the tag (git verify-tag), and where the keys they check against come from (the pinned key
    file is in the repository, not among the downloads). Only what the policy makes true is said:
    no download commands without artifacts, no signed tag when tags are not signed."""
    names = [spec.filename(tag=tag, version=version, project=policy.project_name)
             for spec in policy.artifacts]
    keys = _key_lines(policy, tag=tag, base_url=base_url, files=bool(names))
    # an attached OpenPGP key is imported first, where the downloads are
    imports = [f"gpg --import {k.name}" for k in public_keys.planned(policy)
               if k.source == "openpgp" and names]
    commands: list[str] = [*imports]
    combined = policy.combined_checksum_name(tag=tag, version=version)
    if combined and names and policy.checksum_sign_combined:
        # One signature vouches for the list, and the list for every download (the SHA256SUMS way).
        signature = f"{combined}{signature_suffix(policy.signing_backend)}"
        return _block(tag, [*imports, *_verify_command(policy, combined),
                            f"sha256sum -c --ignore-missing {combined}"],
                      policy.tag_signing != "none",
                      intro=f"Download the files you need with {combined} and {signature}, check "
                      "the list's signature, then the files against it:", keys=keys,
                      tag_import=_tag_import(policy, names), verify_tag=_verify_tag(policy, tag))
    intro = {}
    if combined and names:
        commands.append(f"sha256sum -c --ignore-missing {combined}")
        # "with their checksum and signature files" sent users for FILE.sha256, and the first
        # command wants the combined list (seen in the console's own v0.1.0 notes)
        suffix = signature_suffix(policy.signing_backend)
        intro["intro"] = (f"Download the files you need, {combined}"
                          + (f" and each file's `{suffix}` signature" if suffix else "")
                          + ", then run:")
    for name in names:
        per_file = policy.checksum_file_for(name)
        if not combined and per_file:
            commands.append(f"sha256sum -c {per_file}")
        commands += _verify_command(policy, name)
    return _block(tag, commands, policy.tag_signing != "none", keys=keys,
                  tag_import=_tag_import(policy, names), verify_tag=_verify_tag(policy, tag),
                  **intro)


def _verify_tag(policy: Policy, tag: str) -> str:
    """`git verify-tag`, told where an ssh-signed tag's allowed signers are: a fresh clone has no
    `gpg.ssh.allowedSignersFile`, and the plain command failed there ("needs to be configured").
    A relative path is read from the clone's top folder, wherever in it the command runs."""
    signers = public_keys.repository_path(policy.signing_allowed_signers) \
        if policy.tag_signing == "ssh" else ""
    return (f"git -c gpg.ssh.allowedSignersFile={signers} verify-tag {tag}" if signers
            else f"git verify-tag {tag}")


def _tag_import(policy: Policy, names: Sequence[str]) -> str:
    """The attached tag key to import before `git verify-tag`, when no download block did."""
    asset = public_keys.tag_key_asset(policy)
    return asset.name if asset is not None and not names else ""


def _attached(policy: Policy, source: str) -> public_keys.KeyAsset | None:
    return next((k for k in public_keys.planned(policy) if k.source == source), None)


def _key_lines(policy: Policy, *, tag: str, base_url: str, files: bool) -> list[str]:
    """Where the keys come from: the pinned key file (`-p minisign.pub`) is no download, so a
    user following the commands had none (found rehearsing the console's own release); and
    `git verify-tag` checks against the tagger's key in the user's own keyring."""
    lines = []
    pinned = {"minisign": policy.signing_public_key or "minisign.pub",
              "ssh": policy.signing_allowed_signers or "allowed_signers"}.get(policy.signing_backend)
    attached, openpgp = public_keys.files_key(policy), _attached(policy, "openpgp")
    if files and attached is not None:  # [signing] publish_keys: a download like the others
        where = f"[at {tag}]({_file_url(base_url, tag, attached.value)})" if base_url \
            else f"at {tag}"
        lines.append(f"`{attached.name}`, attached to this release, is the project's public "
                     f"key; download it with the files (it is also in the repository {where}).")
    elif files and pinned and not os.path.isabs(os.path.expanduser(pinned)):
        where = f"[{pinned}]({_file_url(base_url, tag, pinned)})" if base_url else f"`{pinned}`"
        lines.append(f"{where} is the project's public key, in the repository at {tag}.")
    if files and openpgp is not None and policy.signing_backend == "gpg":
        lines.append(f"`{openpgp.name}`, attached to this release, is the project's OpenPGP key, "
                     f"fingerprint `{openpgp.value}`: the first command imports it.")
    tag_key = policy.tag_key or policy.signing_fingerprint
    tag_asset = public_keys.tag_key_asset(policy)
    signers = public_keys.signers_key(policy)
    if policy.tag_signing == "ssh" and signers is not None:
        lines.append(f"`{signers.name}`, attached to this release, lists the tagger's ssh key; "
                     f"the clone has it as `{signers.value}`, which `git verify-tag` is told to "
                     "read (git's `gpg.ssh.allowedSignersFile`).")
    if tag_asset is not None and files and tag_asset == openpgp and policy.signing_backend == "gpg":
        lines.append("`git verify-tag` checks the tag with that key too.")
    elif tag_asset is not None:
        lines.append(f"`git verify-tag` needs the tagger's OpenPGP key, fingerprint "
                     f"`{tag_asset.value}`, attached to this release as `{tag_asset.name}`"
                     + ("; the download commands import it first." if files else "."))
    elif policy.tag_signing == "openpgp" and tag_key:
        lines.append(f"`git verify-tag` runs in a clone of the repository and needs the tagger's "
                     f"OpenPGP key, fingerprint "
                     f"`{tag_key}`, in your keyring.")
    return lines


def _verify_command(policy: Policy, name: str) -> list[str]:
    """The command that checks ``name``'s signature with the policy's backend ([] when none)."""
    backend = policy.signing_backend
    attached = public_keys.files_key(policy)  # downloaded beside the files, by its own name
    if backend == "minisign":
        key = attached.name if attached else policy.signing_public_key or "minisign.pub"
        return [f"minisign -Vm {name} -p {key}"]
    if backend == "gpg":
        return [f"gpg --verify {name}.asc {name}"]
    if backend == "ssh":
        signers = attached.name if attached else policy.signing_allowed_signers or "allowed_signers"
        identity = policy.signing_identity or "RELEASE-SIGNER"
        return [f"ssh-keygen -Y verify -f {signers} -I {identity} -n file -s {name}.sig < {name}"]
    return []


def _block(tag: str, commands: list[str], signed_tag: bool, *,
           intro: str = "Download the files you need with their checksum and signature files, "
           "then run:", keys: Sequence[str] = (), tag_import: str = "",
           verify_tag: str = "") -> str:
    lines = ["### Verification", ""]
    after = ["", " ".join(keys)] if keys else []
    # the tag is checked in a clone, not where the downloads are: its own block (pasted with
    # the download commands, `git verify-tag` failed in the download folder)
    # the key is imported where it was downloaded: in the clone's block, `gpg --import` found
    # no file there
    imported = [f"Download {tag_import} from this release and, where you downloaded it, import "
                "it:", "", "```sh", f"gpg --import {tag_import}", "```", ""] if tag_import else []
    tag_lines = [*imported, f"In a clone of the repository, check the signature of the tag {tag}:",
                 "", "```sh", verify_tag or f"git verify-tag {tag}", "```"] if signed_tag else []
    if commands:
        lines += [intro, "", "```sh", *commands, "```", *([""] if tag_lines else []),
                  *tag_lines, *after]
    elif signed_tag:
        lines += [*tag_lines, *after]
    else:
        lines.append(f"This release has no files to download and its tag {tag} is not signed, "
                     "so there is nothing to verify.")
    return "\n".join(lines) + "\n"


def render_notes(section_body: str, *, tag: str, links: Sequence[str] = ("CHANGELOG.md",
                 "MIGRATION.md"), base_url: str = "", extra: str = "") -> str:
    """The notes text: the section verbatim, any generated block, then links at the tag."""
    parts = [section_body.rstrip("\n")]
    if extra:
        parts.append(extra.rstrip("\n"))
    if links:
        shown = [f"[{name}]({_file_url(base_url, tag, name)})" for name in links] if base_url else list(links)
        parts.append(f"---\n\nSee {listed(shown)} at {tag}.")
    return "\n\n".join(p for p in parts if p) + "\n"


@dataclass
class Notes:
    """The notes for the release in progress and what the policy still wants in them."""

    text: str
    source: str  # "1.4.0" or "Unreleased"
    missing: list[str] = field(default_factory=list)
    generated: list[str] = field(default_factory=list)
    empty: bool = False  # the section has no entries: nothing to tell users, so it blocks

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def notes_for(ctx: Context) -> Notes:
    """The notes of the release in progress, from the changelog as it is in the work tree (for
    a promotion: as it is at the candidate's commit)."""
    return build_notes(ctx.policy, ctx.require_session(), _changelog_for(ctx))


def build_notes(policy: Policy, session: Session, doc: Changelog) -> Notes:
    """Notes for ``session``: its version's section of ``doc``; a candidate ships the final
    ``[X.Y.Z]`` section under a banner saying it is a pre-release."""
    source = channels.final_version(session)
    body = changelog.section(doc, source)
    if channels.is_candidate(session) and body.strip():
        body = channels.candidate_banner(session, policy) + "\n\n" + body.lstrip("\n")
    required = list(channels.required_sections(policy, session))
    extra = ""
    generated: list[str] = []
    if any(_norm(r) == "verification" for r in required) and missing_sections(
            body, ["Verification"]):
        extra = verification_block(policy, tag=session.tag, version=session.version,
                                   base_url=web_base(policy, doc))
        generated.append("Verification")
    text = render_notes(body, tag=session.tag, links=policy.notes_links,
                        base_url=web_base(policy, doc), extra=extra)
    return Notes(text=text, source=source, missing=missing_sections(text, required),
                 generated=generated, empty=not doc_has_entries(doc, source))


def doc_has_entries(doc: Changelog, version: str) -> bool:
    heading = doc.heading_for(version)
    return heading is not None and bool(doc.entries(heading))


def _changelog_for(ctx: Context) -> Changelog:
    """The changelog the notes come from: the work tree's, or for a promotion the file at the
    candidate's commit (the stable release ships exactly what the rc shipped)."""
    policy = ctx.policy
    commit = promoted_commit(ctx)
    if not commit:
        return changelog.load(ctx.path(policy.changelog), policy.changelog)
    raw = ctx.repo.show(commit, policy.changelog)
    if raw is None:
        raise NotesError(f"{policy.changelog} cannot be read at the candidate's commit "
                         f"{commit[:12]}.", remedy="Check that the rc's tag is on a commit "
                         "that has the changelog.")
    return changelog.parse(raw, policy.changelog)


def promoted_commit(ctx: Context) -> str:
    """The rc commit a promotion session stands on ("" for any other session)."""
    data = ctx.require_session().data.get("promote")
    return str(data.get("commit", "")) if isinstance(data, dict) else ""
