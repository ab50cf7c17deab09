"""What a release must carry: the files to upload, the notes, the title, the commit.

Everything is derived from the policy and the working tree, never from what GitHub already shows,
so the review compares GitHub against the captain's own files. Digests are computed here with a
small streamed sha256 (1 MiB at a time) so a multi-GiB ISO never sits in memory.
"""

from __future__ import annotations

import hashlib
import mimetypes
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from services import artifacts
from services.errors import ConsoleError
from services.runbook import Blocker, Context

CHUNK = 1 << 20
SIGNATURE_SUFFIX = {"minisign": ".minisig", "gpg": ".asc", "ssh": ".sig", "none": ""}
PROVENANCE = "provenance-index.json"
CONTENT_TYPES = {
    ".iso": "application/x-iso9660-image", ".sha256": "text/plain", ".minisig": "text/plain",
    ".asc": "application/pgp-signature", ".sig": "application/octet-stream",
    ".json": "application/json", ".whl": "application/zip", ".gz": "application/gzip",
    ".zip": "application/zip", ".txt": "text/plain",
}


class ReleaseInputError(ConsoleError):
    """A local input of the GitHub steps (notes, artifacts, tag) is missing or unusable."""


def sha256_file(path: Path, progress: Callable[[int], None] | None = None) -> str:
    digest = hashlib.sha256()
    done = 0
    with open(path, "rb") as source:
        while piece := source.read(CHUNK):
            digest.update(piece)
            done += len(piece)
            if progress is not None:
                progress(done)
    return digest.hexdigest()


def content_type(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if name.endswith("SUMS"):
        return "text/plain"
    return CONTENT_TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"


@dataclass(frozen=True)
class ExpectedFile:
    name: str
    path: Path
    kind: str  # artifact, checksum, signature, checksums, provenance

    @property
    def exists(self) -> bool:
        return self.path.is_file()

    @property
    def size(self) -> int:
        return self.path.stat().st_size

    @property
    def content_type(self) -> str:
        return content_type(self.name)


def expected_files(ctx: Context) -> list[ExpectedFile]:
    """Every file the draft must carry, in upload order (each artifact followed by its extras)."""
    session = ctx.require_session()
    policy = ctx.policy
    directory = artifacts.artifacts_dir(policy, ctx.root)
    suffix = SIGNATURE_SUFFIX.get(policy.signing_backend, "")
    files: list[ExpectedFile] = []
    for art in artifacts.expected(policy, ctx.root, tag=session.tag, version=session.version):
        files.append(ExpectedFile(art.name, art.path, "artifact"))
        checksum = policy.checksum_per_file.format(name=art.name)
        files.append(ExpectedFile(checksum, directory / checksum, "checksum"))
        if suffix:
            files.append(ExpectedFile(art.name + suffix, directory / (art.name + suffix),
                                      "signature"))
    if policy.checksum_combined:
        combined = policy.checksum_combined.format(tag=session.tag, version=session.version)
        files.append(ExpectedFile(combined, directory / combined, "checksums"))
    for candidate in (directory / PROVENANCE, ctx.store.directory(session.tag) / PROVENANCE):
        if candidate.is_file():
            files.append(ExpectedFile(PROVENANCE, candidate, "provenance"))
            break
    return files


def recorded_digests(ctx: Context, files: list[ExpectedFile]) -> dict[str, dict[str, str]]:
    """For each artifact, the sha256 every record of it gives: {name: {where: sha256}}.

    The records are its checksum file (``<name>.sha256`` or a combined list beside it) and the
    checksums step's evidence. An artifact whose bytes differ from them changed after it was
    checksummed (and signed): uploading it would publish something nobody tested or signed.
    """
    from services import checksums

    session = ctx.require_session()
    step = session.steps.get("checksums")
    from_step: dict[str, str] = {}
    if step is not None and step.status == "done":
        for entry in step.evidence.get("artifacts") or []:
            if isinstance(entry, dict) and entry.get("name") and entry.get("sha256"):
                from_step[str(entry["name"])] = str(entry["sha256"]).lower()
    result: dict[str, dict[str, str]] = {}
    for item in files:
        if item.kind != "artifact":
            continue
        known: dict[str, str] = {}
        found = checksums.find_expected(item.path, ctx.policy.checksum_per_file)
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


def verify_artifacts(ctx: Context, files: list[ExpectedFile],
                     digests: dict[str, str]) -> None:
    """Refuse (before anything is uploaded) an artifact that changed after it was checksummed."""
    recorded = recorded_digests(ctx, files)
    for item in files:
        problem = integrity_problem(item.name, digests.get(item.name, ""),
                                    recorded.get(item.name, {}))
        if problem:
            raise ReleaseInputError(f"{problem[:-1]}; nothing was uploaded.",
                                    remedy=INTEGRITY_REMEDY)


def missing_blockers(ctx: Context, files: list[ExpectedFile]) -> list[Blocker]:
    result = []
    for item in files:
        if not item.exists:
            where = artifacts.display_path(item.path, ctx.root)
            remedy = {
                "artifact": "Build it into the artifacts directory.",
                "checksum": "Run the checksums step.",
                "checksums": "Run the checksums step.",
                "signature": "Run the sign step.",
            }.get(item.kind, "Create it again.")
            result.append(Blocker(f"{item.kind.capitalize()} {where} is missing.", remedy))
    return result


def notes_path(ctx: Context) -> Path:
    return ctx.store.directory(ctx.require_session().tag) / "notes.md"


def read_notes(ctx: Context) -> str:
    path = notes_path(ctx)
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ReleaseInputError(f"The release notes {path} do not exist yet.",
                                remedy="Run the notes step first (`release-console run notes`).") \
            from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ReleaseInputError(f"Cannot read the release notes {path} ({exc}).") from None


def notes_blockers(ctx: Context) -> list[Blocker]:
    path = notes_path(ctx)
    if not path.is_file():
        return [Blocker(f"The release notes {artifacts.display_path(path, ctx.root)} do not "
                        "exist yet.", "Run the notes step first (`release-console run notes`).")]
    return []


def release_title(ctx: Context) -> str:
    session = ctx.require_session()
    return ctx.policy.title_for(session.tag, session.version)


def release_commit(ctx: Context) -> str:
    """The commit the release tag points at (the tag is made before anything goes online)."""
    tag = ctx.require_session().tag
    if not ctx.repo.tag_exists(tag):
        raise ReleaseInputError(f"Tag {tag} does not exist in this repository yet.",
                                remedy="Run the tag step first (or import the hand-off bundle).")
    return ctx.repo.git("rev-parse", f"refs/tags/{tag}^{{commit}}").strip()


def channel_flags(ctx: Context) -> tuple[bool, str]:
    """(prerelease, make_latest) for the session's channel: stable -> latest, rc -> prerelease."""
    session = ctx.require_session()
    channel = ctx.policy.channel(session.channel)
    prerelease = channel.prerelease or session.kind == "rc" or "-" in session.version
    make_latest = "true" if channel.make_latest and not prerelease else "false"
    return prerelease, make_latest
