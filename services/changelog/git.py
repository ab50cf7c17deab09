"""Git for the documents the changelog, migration and post-release steps edit: committing them,
and reading how an earlier version of the changelog wrote its [Unreleased] section.

A release commit holds only the file the step wrote: commits name their paths, so anything else a
captain had staged stays staged and out of it. The author is the git config identity (the same
person the journal names).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from services.changelog.model import ChangelogError, parse
from services.changelog.ops import unreleased_facts
from services.errors import ConsoleError
from services.repo import GitFailed, Repository

if TYPE_CHECKING:  # the facade re-exports this module: ``changelog --file`` needs no runbook
    from services.step_protocol import Context


def modified(ctx: Context, rel: str) -> bool:
    """True when ``rel`` differs from HEAD in the work tree or index (or is untracked)."""
    return bool(ctx.repo.git("status", "--porcelain", "--untracked-files=all", "--", rel).strip())


def head_bytes(ctx: Context, rel: str) -> bytes | None:
    """The file as committed at HEAD, or None when HEAD does not have it."""
    return ctx.repo.head_file(rel)


def head_message(ctx: Context) -> str:
    return ctx.repo.head_message()


def commit_files(ctx: Context, paths: list[str], message: str) -> str:
    """Commit exactly ``paths`` (``git commit -- PATHS``, so anything else staged stays staged and
    out of the release commit) as the git config identity; returns the commit sha.

    The git command line makes the commit rather than a library writing the commit object, so the
    user's hooks, signing settings and ``GIT_*_DATE`` variables apply as with ``git commit``.
    """
    try:
        ctx.repo.git("add", "--", *paths)
        ctx.repo.git("commit", "-m", message, "--", *paths)
    except GitFailed as err:
        raise ConsoleError(
            f"Committing {', '.join(paths)} failed: {err.reason}.",
            remedy="Check `git status`, fix the cause and run the step again; the file is "
            "already written.") from None
    return ctx.repo.head_sha()


def unreleased_from_history(path: Path, *, limit: int = 30) -> dict[str, str]:
    """How the changelog at ``path`` last wrote its [Unreleased] heading and footer link, read
    from its committed versions (newest first), so ``reopen`` after ``move`` brings back
    ``[unreleased]:`` or ``...main`` as the project wrote them. Empty when the file is not in a
    git repository or no committed version has an [Unreleased] section.
    """
    path = path.resolve()
    repo = Repository.around(path)
    if repo is None:
        return {}
    name, rel = path.name, repo.relative(path)
    shas = repo.output("log", f"-n{limit}", "--format=%H", "--", rel)
    for sha in (shas.stdout if shas.status == 0 else "").split():
        raw = repo.show(sha, rel)
        if raw is None:
            continue
        try:
            doc = parse(raw, name)
        except ChangelogError:
            continue
        if doc.unreleased is not None:
            return unreleased_facts(doc)
    return {}
