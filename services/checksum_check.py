"""Checking files against their recorded sha256, as ``sha256sum -c`` does: where a file's digest is
written (a per-file checksum, a combined list, several releases' lists in one downloads folder),
and whether the file still has it. Apart from :mod:`services.checksums` (hashing and the list
format) because ``verify`` and the sign step ask where a digest came from, which hashing never does.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from services.checksums import (
    COMBINED_NAMES,
    ChecksumError,
    Digest,
    NameFor,
    hash_file,
    hash_files,
    read_list,
)
from services.step_protocol import ProgressCallback


@dataclass(frozen=True)
class CheckResult:
    path: Path  # the artifact
    source: Path | None  # the checksum file it was checked against
    status: str  # OK, FAILED, MISSING, UNREADABLE, NO CHECKSUM
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "OK"


def find_expected(artifact: Path, checksum_name: str | None = None,
                  lists: Sequence[Path] = ()) -> tuple[str, Path] | None:
    """The recorded digest of ``artifact`` and where it was found.

    Looked for in ``checksum_name`` beside it (the policy's per-file name, None when the policy
    names none), then ``FILE.sha256``, the policy's combined ``lists`` beside it and the usual
    combined lists: a user's files checked without a policy are found the way ``sha256sum -c``
    users lay them out.
    """
    candidates = [artifact.parent / checksum_name] if checksum_name else []
    candidates.append(Path(f"{artifact}.sha256"))
    candidates += [*lists, *(artifact.parent / name for name in COMBINED_NAMES)]
    for candidate in dict.fromkeys(candidates):
        sha = listed_digest(candidate, artifact)
        if sha is not None:
            return sha, candidate
    return None


def listed_digest(checksum_file: Path, artifact: Path) -> str | None:
    """The digest ``checksum_file`` gives ``artifact``, or None when it names it not (or is none)."""
    if checksum_file == artifact or not checksum_file.is_file():
        return None
    for sha, name in read_list(checksum_file) or []:
        if os.path.abspath(checksum_file.parent / name) == os.path.abspath(artifact):
            return sha
    return None


def check(files: Sequence[Path], checksum_name: NameFor | None = None,
          progress: ProgressCallback | None = None, *, as_artifacts: bool = False,
          lists_for: Callable[[Path], Sequence[Path]] | None = None) -> list[CheckResult]:
    """Check each FILE: a checksum list is checked entry by entry; an artifact against its list
    (found by :func:`find_expected`, ``checksum_name`` giving the policy's per-file name and
    ``lists_for`` the policy's combined lists beside it, newest first).

    A fixed name (install.sh) is in every release's list of a downloads folder: when its digest
    came from ``lists_for``'s, it is OK if any has its digest (that list is its ``source``).

    With ``as_artifacts`` every FILE is an artifact (one result per FILE, in order).
    """

    def name_for(artifact: Path) -> str | None:
        return checksum_name(artifact.name) if checksum_name is not None else None

    wanted: list[tuple[Path, Path | None, str | None]] = []
    listed: dict[int, list[tuple[str | None, Path]]] = {}  # index -> each list's digest of it
    for path in files:
        entries = read_list(path) if path.is_file() and not as_artifacts else None
        if entries is not None:
            wanted += [(path.parent / name, path, sha) for sha, name in entries]
            continue
        lists = list(lists_for(path)) if lists_for else []
        found = find_expected(path, name_for(path), lists)
        if found and found[1] in lists:
            listed[len(wanted)] = [(listed_digest(p, path), p) for p in lists]
        wanted.append((path, found[1], found[0]) if found else (path, None, None))
    results: list[CheckResult | None] = [None] * len(wanted)
    to_hash: list[int] = []
    for index, (artifact, source, sha) in enumerate(wanted):
        if sha is None:
            shown = Path(name_for(artifact) or f"{artifact.name}.sha256").name
            results[index] = CheckResult(artifact, None, "NO CHECKSUM",
                                         f"no {shown} or combined list names it")
        elif not artifact.exists():
            results[index] = CheckResult(artifact, source, "MISSING", "the file does not exist")
        else:
            to_hash.append(index)
    digests = _hash_each([wanted[i][0] for i in to_hash], progress)
    for index, outcome in zip(to_hash, digests, strict=True):
        artifact, source, sha = wanted[index]
        if isinstance(outcome, ChecksumError):
            results[index] = CheckResult(artifact, source, "UNREADABLE", outcome.message)
        else:
            others = listed.get(index, [])
            vouching = next((p for s, p in others if s == outcome.sha256), None)
            if outcome.sha256 == sha or vouching is not None:
                results[index] = CheckResult(artifact, vouching or source, "OK")
                continue
            detail = f"sha256 is {outcome.sha256}, expected {sha}"
            if len(others) > 1 and source is not None:  # several releases' lists: the newest
                detail = (f"sha256 is {outcome.sha256}, in none of the {len(others)} checksum "
                          f"lists naming it (the newest, {source.name}, expects {sha}); download "
                          "it again from its release and verify it beside that release's list")
            results[index] = CheckResult(artifact, source, "FAILED", detail)
    return [r for r in results if r is not None]


def _hash_each(paths: list[Path], progress: ProgressCallback | None) -> list[Digest | ChecksumError]:
    """Like :func:`hash_files` but a bad file is reported in place instead of stopping the rest."""
    if not paths:
        return []
    outcomes: list[Digest | ChecksumError] = []
    try:
        outcomes = list(hash_files(paths, progress))
    except ChecksumError:
        for path in paths:
            try:
                outcomes.append(hash_file(path))
            except ChecksumError as exc:
                outcomes.append(exc)
    return outcomes
