"""The release's artifacts: what the policy expects, per architecture, and what is on disk.

Names come only from ``release.toml`` (``[[artifacts.files]]`` patterns in ``[artifacts] dir``), so the
smoke sign-off, the checksums, the signatures and the upload all talk about the same files.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from services.policy import Policy
from services.session import Session
from services.step_protocol import Blocker, Context

REDO_SMOKE = '`release-console redo smoke --reason "..."`'


@dataclass(frozen=True)
class Artifact:
    """One expected file; ``size`` is None when it is missing or not a regular file."""

    arch: str
    name: str
    path: Path
    size: int | None
    problem: str = ""  # why it is unusable: "missing", "empty", "not a regular file", "unreadable"
    mtime_ns: int | None = None  # when it was last written, for "built after the release commit"

    @property
    def ok(self) -> bool:
        return not self.problem

    def to_json(self, root: Path) -> dict[str, object]:
        entry: dict[str, object] = {"arch": self.arch, "name": self.name,
                                    "path": display_path(self.path, root), "size": self.size}
        if self.mtime_ns is not None:
            entry["modified"] = utc_stamp(self.mtime_ns / 1e9)
        return entry


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
    return Artifact(arch, name, path, info.st_size, mtime_ns=info.st_mtime_ns)


def expected(policy: Policy, root: Path, *, tag: str, version: str) -> list[Artifact]:
    """Every artifact the policy names for this release, in policy order, with what is on disk."""
    directory = artifacts_dir(policy, root)
    result = []
    for spec in policy.artifacts:
        name = spec.filename(tag=tag, version=version, project=policy.project_name)
        result.append(_inspect(spec.arch, name, directory / name))
    return result


def for_release(policy: Policy, root: Path, session: Session) -> list[Artifact]:
    """The artifacts of ``session``'s release (its tag and version fill the policy's patterns)."""
    return expected(policy, root, tag=session.tag, version=session.version)


def for_session(ctx: Context) -> list[Artifact]:
    """:func:`for_release` of the release in progress."""
    return for_release(ctx.policy, ctx.root, ctx.require_session())


def session_blockers(ctx: Context, found: list[Artifact] | None = None) -> list[Blocker]:
    """:func:`blockers` of the release in progress (``found``: its artifacts, when read
    already), naming its version and, when HEAD is elsewhere, its release commit."""
    from services.session_lifecycle import release_commit

    session = ctx.require_session()
    found = for_session(ctx) if found is None else found
    if all(a.ok for a in found):
        return []
    commit = release_commit(session)
    return blockers(found, ctx.root, session.version, release_commit=commit,
                    head=ctx.repo.head_sha() if commit else "",
                    build=release_build(ctx.policy, session),
                    offer=not session.done("artifacts"))  # reuse-signoffs: the build is refused


def release_build(policy: Policy, session: Session) -> str:
    """The policy's ``[artifacts] build`` with ``session``'s ``{version}`` and ``{tag}``, as it
    runs (:mod:`services.build`) and as the remedies say it; "" when the policy sets none."""
    from services.build import fill

    return fill(policy.artifacts_build, version=session.version, tag=session.tag) \
        if policy.artifacts_build else ""


def for_arch(artifacts: list[Artifact], arch: str) -> list[Artifact]:
    return [a for a in artifacts if a.arch == arch]


def blockers(artifacts: list[Artifact], root: Path, version: str = "", *,
             release_commit: str = "", head: str = "", build: str = "",
             offer: bool = False) -> list[Blocker]:
    """A missing, empty or unreadable artifact blocks; each gets its own line naming the file.

    ``build`` is the policy's ``[artifacts] build`` command, placeholders filled: said as it
    runs, so the captain need not know the project's build; ``offer`` (the artifacts step's own
    blockers) offers to run it (``b``, ``--build``: :mod:`services.build`). Without it, a project
    with a ``build.sh`` at its root (a captain's own) is told the exact command that builds the
    missing files, and where: the TUI hides the path the demo printed.
    With ``head`` not the ``release_commit`` (a promotion stands on the candidate's commit, its
    reopen commit on top), the build is said to be from the release commit: one made at HEAD is
    not what is tagged, and its other bytes would ask for new smoke tests.
    """
    result = []
    for artifact in artifacts:
        if artifact.ok:
            continue
        where = display_path(artifact.path, root)
        cli, tui = _build_remedy(artifact, root, version, release_commit=release_commit,
                                 head=head, build=build, offer=offer)
        arch = f" ({artifact.arch})" if artifact.arch else ""
        if artifact.problem == "missing":
            result.append(Blocker(f"Artifact {where}{arch} is missing.", cli, tui))
        elif artifact.problem == "empty":
            result.append(Blocker(f"Artifact {where}{arch} is empty (0 bytes).",
                                  "The build failed or was interrupted; rebuild it."))
        else:
            result.append(Blocker(f"Artifact {where}{arch} is {artifact.problem}.",
                                  "Fix its permissions or rebuild it."))
    return result


def from_release_commit(release_commit: str, head: str, build: str) -> str:
    """"Build it from the release commit, not HEAD": the switch there, ``build`` and the switch
    back, ending "and " for what follows (the artifacts remedy and the build's own refusal,
    :func:`services.build.refusal`, say it alike)."""
    return (f"Build it from the release commit {release_commit[:12]}, not HEAD ({head[:12]}): "
            f"`git switch --detach {release_commit[:12]}`, {build}, then `git switch -` and ")


def _build_remedy(artifact: Artifact, root: Path, version: str, *, release_commit: str,
                  head: str, build: str, offer: bool = False) -> tuple[str, str]:
    """How to build ``artifact``, in the command line's words and the TUI's (see :func:`blockers`).

    With ``build`` set and ``offer`` (the artifacts step, before it is done) the console runs it
    itself: ``b`` on the step's screen, ``run artifacts --build`` on the command line, so the
    remedy offers that."""
    script = not build and (root / "build.sh").is_file()
    named = f"`{build}` in {root} (release.toml's [artifacts] build)" if build else ""
    # named, not "that directory": `next` and `status` end with this remedy on its own
    # "then run the step again" in the command line's words, "then press n here" in the
    # TUI's (it said both: "…, then run the step again. Then press n here.")
    if release_commit and head and head != release_commit:
        how = named or (f"`./build.sh {version or 'VERSION'}` in {root}" if script
                        else "the project's own build into "
                        f"{display_path(artifact.path.parent, root)}/")
        steps = from_release_commit(release_commit, head, how)
        tui = from_release_commit(release_commit, head, f"press b here to run {named}") \
            if build and offer else steps
        return steps + "run the step again.", tui + "press n here."
    if script:
        cli = "Build it: run `./build.sh " + (version or "VERSION") + f"` in {root}."
        return cli, cli + " Then press n here."
    into = f"Build it into {display_path(artifact.path.parent, root)}/"
    if named and offer:
        return (into + f": `release-console run artifacts --build` runs {named}, then the step.",
                into + f": press b here to run {named}, then n.")
    how = f": run {named}, then " if named else " with the project's own build, then "
    return into + how + "run the step again.", into + how + "press n here."


def utc_stamp(seconds: float) -> str:
    """``2026-11-21 12:00:00 UTC``: a file's or a commit's time as the stale-build refusal and
    the artifacts step's evidence say it (to the second: a commit's time has no finer grain)."""
    return datetime.fromtimestamp(int(seconds), UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def older_than_commit(artifacts: list[Artifact], root: Path, version: str = "", *,
                      release_commit: str, committed: int, head: str = "",
                      build: str = "", offer: bool = False) -> list[Blocker]:
    """Artifacts last written before the release commit was made: built without this release's
    changes (a stale build folder whose names still match, e.g. a version that stays 0.1.0 while
    the project changes), so they must not be signed.

    The rule is the file's modification time against the commit's committer time, both from
    clocks: to the second (a commit's time has no finer grain), so a file written in the commit's
    own second passes. Both times are said, so a captain whose clock was wrong can see it.
    """
    result = []
    for artifact in artifacts:
        if not _older(artifact, committed):
            continue
        assert artifact.mtime_ns is not None  # _older says so
        cli, tui = _build_remedy(artifact, root, version, release_commit=release_commit,
                                 head=head, build=build, offer=offer)
        cli, tui = "Re" + cli[0].lower() + cli[1:], "Re" + tui[0].lower() + tui[1:]
        arch = f" ({artifact.arch})" if artifact.arch else ""
        result.append(Blocker(
            f"Artifact {display_path(artifact.path, root)}{arch} is older than the release "
            f"commit {release_commit[:12]}: the file was modified "
            f"{utc_stamp(artifact.mtime_ns / 10**9)} and the commit made {utc_stamp(committed)} "
            "(as the clocks then said), so it is a build from before the release's changes.",
            cli, tui))
    return result


def _older(artifact: Artifact, committed: int) -> bool:
    """Whether ``artifact`` was last written before the second ``committed``."""
    return artifact.ok and artifact.mtime_ns is not None and artifact.mtime_ns // 10**9 < committed


_COMMITTED: dict[tuple[str, str], int] = {}  # (repository, commit) -> its committer time


def commit_time(ctx: Context) -> tuple[str, int] | None:
    """The release commit and its committer time, or None before pre-flight recorded one. The
    time is kept once read (a commit's never changes): the artifacts step's revalidation asks
    on every refresh of the checklist."""
    from services.session_lifecycle import release_commit

    commit = release_commit(ctx.require_session())
    if not commit:
        return None
    key = (str(ctx.root), commit)
    if key not in _COMMITTED:
        _COMMITTED[key] = ctx.repo.commit_time(commit)
    return commit, _COMMITTED[key]


def stale_blockers(ctx: Context, found: list[Artifact], *, offer: bool = True) -> list[Blocker]:
    """:func:`older_than_commit` for the release in progress: the artifacts step's own check
    (``offer``: its remedy offers ``b``) and, once it is done, its revalidation (a file put
    there since with an old time; a newer one is the later steps' to catch, by its sha256
    from the smoke sign-off on)."""
    made = commit_time(ctx)
    if made is None:
        return []
    commit, committed = made
    if not any(_older(artifact, committed) for artifact in found):
        return []  # the usual answer, without asking git where HEAD is
    return older_than_commit(found, ctx.root, ctx.require_session().version,
                             release_commit=commit, committed=committed,
                             head=ctx.repo.head_sha(),
                             build=release_build(ctx.policy, ctx.require_session()),
                             offer=offer)


def stat_changed(path: Path, recorded: Mapping[str, Any]) -> bool:
    """Whether ``path``'s size or modification time differ from ``recorded`` (``size``,
    ``mtime_ns``): a cheap "was it touched?" without reading it. OSError when it is gone."""
    info = os.stat(path)
    return (info.st_size, info.st_mtime_ns) != (recorded.get("size"), recorded.get("mtime_ns"))


def changed_since(policy: Policy, root: Path, recorded: Sequence[Mapping[str, Any]],
                  what: str) -> list[Blocker]:
    """Artifacts whose size or modification time moved since a step recorded them (no hashing:
    the status views call this on every refresh; the redone step re-hashes)."""
    result = []
    directory = artifacts_dir(policy, root)
    for item in recorded:
        if "mtime_ns" not in item:
            continue  # recorded before sizes and times were kept
        path = directory / str(item.get("name"))
        shown = display_path(path, root)
        try:
            moved = stat_changed(path, item)
        except OSError:
            result.append(Blocker(f"{shown} is gone since {what}.",
                                  f"Rebuild it and start again from the smoke test: {REDO_SMOKE}."))
            continue
        if moved:
            result.append(Blocker(
                f"{shown} changed since {what} (its size or modification time differs).",
                f"If it was rebuilt, test and sign it off again; then {REDO_SMOKE}."))
    return result


def written_file_blockers(root: Path, files: Sequence[Mapping[str, Any]],
                          what: str) -> list[Blocker]:
    """Small files a step wrote beside the artifacts (checksum lists, signatures) that are gone or
    were edited since; ``files`` holds their ``path`` (from the root) and ``sha256``."""
    result = []
    for item in files:
        path = root / str(item.get("path"))
        try:
            data = path.read_bytes()
        except OSError:
            result.append(Blocker(f"{item.get('path')}, written by {what}, is gone."))
            continue
        if hashlib.sha256(data).hexdigest() != item.get("sha256"):
            result.append(Blocker(f"{item.get('path')} was changed after {what} wrote it."))
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
