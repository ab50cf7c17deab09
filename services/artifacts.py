"""The release's artifacts: what the policy expects, per architecture, and what is on disk.

Names come only from ``release.toml`` (``[[artifacts.files]]`` patterns in ``[artifacts] dir``), so the
smoke sign-off, the checksums, the signatures and the upload all talk about the same files.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from services.policy import Policy
from services.runbook import Blocker


@dataclass(frozen=True)
class Artifact:
    """One expected file; ``size`` is None when it is missing or not a regular file."""

    arch: str
    name: str
    path: Path
    size: int | None
    problem: str = ""  # why it is unusable: "missing", "empty", "not a regular file", "unreadable"

    @property
    def ok(self) -> bool:
        return not self.problem

    def to_json(self, root: Path) -> dict[str, object]:
        return {"arch": self.arch, "name": self.name, "path": display_path(self.path, root),
                "size": self.size}


def display_path(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` when inside it (evidence stays valid on another machine)."""
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def artifacts_dir(policy: Policy, root: Path) -> Path:
    directory = Path(policy.artifacts_dir)
    return directory if directory.is_absolute() else root / directory


def _inspect(arch: str, name: str, path: Path) -> Artifact:
    try:
        info = path.stat()
    except FileNotFoundError:
        return Artifact(arch, name, path, None, "missing")
    except OSError as exc:
        return Artifact(arch, name, path, None, f"unreadable ({exc.strerror})")
    if not stat.S_ISREG(info.st_mode):
        return Artifact(arch, name, path, None, "not a regular file")
    if info.st_size == 0:
        return Artifact(arch, name, path, 0, "empty")
    if not os.access(path, os.R_OK):
        return Artifact(arch, name, path, info.st_size, "unreadable (permission denied)")
    return Artifact(arch, name, path, info.st_size)


def expected(policy: Policy, root: Path, *, tag: str, version: str) -> list[Artifact]:
    """Every artifact the policy names for this release, in policy order, with what is on disk."""
    directory = artifacts_dir(policy, root)
    result = []
    for spec in policy.artifacts:
        name = spec.filename(tag=tag, version=version, project=policy.project_name)
        result.append(_inspect(spec.arch, name, directory / name))
    return result


def for_arch(artifacts: list[Artifact], arch: str) -> list[Artifact]:
    return [a for a in artifacts if a.arch == arch]


def blockers(artifacts: list[Artifact], root: Path) -> list[Blocker]:
    """A missing, empty or unreadable artifact blocks; each gets its own line naming the file."""
    result = []
    for artifact in artifacts:
        if artifact.ok:
            continue
        where = display_path(artifact.path, root)
        arch = f" ({artifact.arch})" if artifact.arch else ""
        if artifact.problem == "missing":
            result.append(Blocker(f"Artifact {where}{arch} is missing.",
                                  "Build it (the runbook's build step) into that directory."))
        elif artifact.problem == "empty":
            result.append(Blocker(f"Artifact {where}{arch} is empty (0 bytes).",
                                  "The build failed or was interrupted; rebuild it."))
        else:
            result.append(Blocker(f"Artifact {where}{arch} is {artifact.problem}.",
                                  "Fix its permissions or rebuild it."))
    return result


def human_size(size: int | None) -> str:
    if size is None:
        return "-"
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if value < 1024 or unit == "TiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"  # pragma: no cover
