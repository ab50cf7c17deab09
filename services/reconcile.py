"""Reconciliation: before a step acts, it looks for its own effect in the world.

A release is a chain of effects (commits, a signed tag, a push, a GitHub release), each followed
by a record in the session. A process killed (or an answer lost) between the effect and its
record must not leave a dead end: the next run finds the effect, checks it is exactly what the
step would have made, and records it as done ("adopted after an interruption"). An effect that is
there but differs (a tag on another commit, a release published with other assets) stops the step
with one sentence saying what differs and what to do; nothing is changed, a tag is never moved and
a release is never deleted.

These helpers are plain git queries shared by the steps' ``reconcile`` methods.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.errors import ConsoleError
from services.step_protocol import Context, StepFailed

ADOPTED = "adopted after an interruption"


class Diverged(StepFailed):
    """The step's effect is in the world but is not what the step would make; nothing changed."""


@dataclass(frozen=True)
class CommitFacts:
    sha: str
    parent: str
    subject: str
    paths: tuple[str, ...]  # files the commit changed, relative to the repository root


def commit_facts(ctx: Context, sha: str) -> CommitFacts:
    out = ctx.repo.git("show", "--no-renames", "--format=%H%n%P%n%s", "--name-only", sha)
    lines = out.splitlines()
    parents = lines[1].split() if len(lines) > 1 else []
    paths = tuple(sorted(line for line in lines[3:] if line.strip()))
    return CommitFacts(lines[0], parents[0] if parents else "",
                       lines[2] if len(lines) > 2 else "", paths)


def find_commit(ctx: Context, subject: str, since: str) -> str:
    """The newest commit on HEAD's first-parent line after ``since`` whose subject is
    ``subject`` ("" when there is none); ``since`` "" means the whole history."""
    if not ctx.repo.has_commits():
        return ""
    span = f"{since}..HEAD" if since else "HEAD"
    try:
        out = ctx.repo.git("log", "--first-parent", "--format=%H%x00%s", span)
    except ConsoleError:
        return ""
    for line in out.splitlines():
        sha, _, found = line.partition("\x00")
        if found == subject:
            return sha
    return ""


def is_ancestor(ctx: Context, older: str, newer: str) -> bool:
    return ctx.repo.is_ancestor(older, newer)


def subject_of(ctx: Context, sha: str) -> str:
    try:
        return ctx.repo.git("log", "-1", "--format=%s", sha).strip()
    except ConsoleError:
        return "(not in this repository)"


def file_at(ctx: Context, sha: str, rel: str) -> bytes | None:
    return ctx.repo.show(sha, rel)


def adoptable_commit(ctx: Context, *, subject: str, parent: str, rel: str,
                     what: str, also: tuple[str, ...] = ()) -> CommitFacts | None:
    """The commit a step makes (``subject``, on ``parent``, changing only ``rel`` and the files
    in ``also``), if it exists.

    None when no such commit is on the branch; :class:`Diverged` when one with that subject is
    there but sits on another commit or changes other files (made or amended by hand).
    """
    sha = find_commit(ctx, subject, parent)
    if not sha:
        return None
    facts = commit_facts(ctx, sha)
    wanted = tuple(sorted({rel, *also}))
    if facts.parent != parent or facts.paths != wanted:
        found = ", ".join(facts.paths) or "no files"
        raise Diverged(
            f"The {what} commit {sha[:12]} ({subject}) is on {facts.parent[:12] or 'no parent'}"
            f" and changes {found}, not {', '.join(wanted)} on {parent[:12]} as this step would; "
            "it was made or "
            "changed by hand, and nothing was changed.",
            remedy=f"Inspect it with `git show {sha[:12]}`; move HEAD back to {parent[:12]} "
            "(keeping your work on another branch) and run this step again.")
    return facts


def amended_commit_blocker(ctx: Context, wanted: str, head: str) -> str:
    """A sentence when the recorded release commit was amended by hand (HEAD has its subject but
    is not built on it); "" otherwise."""
    if not wanted or wanted == head or is_ancestor(ctx, wanted, head):
        return ""
    subject = subject_of(ctx, wanted)
    if subject_of(ctx, head) != subject:
        return ""
    return (f"The release commit {wanted[:12]} ({subject}) was amended by hand after it was "
            f"recorded: HEAD is now {head[:12]} with the same message but other content.")
