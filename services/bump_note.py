"""What the [Unreleased] entries say of the version a captain starts: the version they call for
(the start dialog's suggestion), and one plain note when the captain's differs.

A different version is never refused here: a larger step may be deliberate (a marketing major),
and a smaller one is the changelog step's to block. Walked by hand: `start 1.4.0` with entries
calling for 1.3.0 was taken without a word.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from services import changelog, versions
from services.changelog import RANK, BumpDecision
from services.errors import ConsoleError
from services.step_protocol import Context


@dataclass(frozen=True)
class EntriesCall:
    """What the entries call for from ``last``, worked out once from the changelog as it was
    read (its path, size and modification time): the start dialog's suggestion reads it when
    the dialog opens, and each keystroke's note reuses it instead of reading and parsing the
    file again (a long CHANGELOG.md took most of a keystroke's preview)."""

    last: str | None
    decision: BumpDecision | None  # None: no [Unreleased] entries
    path: Path
    stamp: tuple[int, int]

    def still_for(self, ctx: Context, last: str | None) -> bool:
        """Still true: the same last release, and the same file, unchanged since (one stat)."""
        path = ctx.path(ctx.policy.changelog)
        return last == self.last and path == self.path and _stamp(path) == self.stamp


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_size, found.st_mtime_ns


def _entries_call(ctx: Context, last: str | None) -> BumpDecision | None:
    """Read and parse the changelog: what its [Unreleased] entries call for from ``last``
    (None: no entries). Raises ConsoleError when it cannot be read."""
    rel = ctx.policy.changelog
    doc = changelog.load(ctx.path(rel), rel)
    if doc.unreleased is None or not doc.entries(doc.unreleased):
        return None
    return changelog.compute_bump(doc, current=last, prefer_higher=ctx.policy.prefer_higher_bump)


def entries_call_for(ctx: Context, last: str | None) -> BumpDecision | None:
    """The bump and the version the changelog's [Unreleased] entries call for from ``last``;
    None when there are no entries or the changelog cannot be read (the changelog step says
    why)."""
    try:
        return _entries_call(ctx, last)
    except ConsoleError:
        return None


def read_entries_call(ctx: Context, last: str | None) -> EntriesCall | None:
    """:func:`entries_call_for`, kept with the file it was read from; None when the changelog
    cannot be read or changed while it was (nothing to reuse: the next look reads it again)."""
    path = ctx.path(ctx.policy.changelog)
    stamp = _stamp(path)
    try:
        decision = _entries_call(ctx, last)
    except ConsoleError:
        return None
    if stamp is None or stamp != _stamp(path):
        return None
    return EntriesCall(last, decision, path, stamp)


def reread_if_changed(ctx: Context, tags: list[str], read: EntriesCall | None,
                      ) -> EntriesCall | None:
    """``read`` while still true of the changelog and ``tags``' last release, else the file
    read again (None: it cannot be read): what the next keystroke's note reuses."""
    last = versions.highest_release(tags, ctx.policy.tag_format)
    last_text = str(last) if last else None
    if read is not None and read.still_for(ctx, last_text):
        return read
    return read_entries_call(ctx, last_text)


def version_note(ctx: Context, version: str, tags: list[str], *, kind: str = "",
                 read: EntriesCall | None = None) -> str:
    """"" when ``version`` (a candidate's counts as its final version) is what the entries call
    for, or nothing can be said; else one sentence naming both. A hotfix is a patch by rule.
    ``read``: the entries as read before, used while still true of the file and ``tags``."""
    if kind == "hotfix":
        return ""
    last = versions.highest_release(tags, ctx.policy.tag_format)
    last_text = str(last) if last else None
    decision = read.decision if read is not None and read.still_for(ctx, last_text) else \
        entries_call_for(ctx, last_text)
    if decision is None or not decision.next_version:
        return ""
    chosen = versions.parse_version(version).finalize_version()
    wanted = versions.parse_version(decision.next_version)
    if chosen == wanted:
        return ""
    called = f"Note: the [Unreleased] entries call for {wanted} (a {decision.bump} release)"
    if chosen > wanted:
        return f"{called}; {chosen} is a larger step, taken as you asked."
    step = versions.effective_bump(versions.bump_between(last, chosen), last)
    if RANK[step] < RANK[decision.bump]:
        return (f"{called}; {chosen} is a smaller step, and the changelog step will stop on it "
                "until the entries or the version change.")
    return f"{called}; {chosen} is a smaller step, taken as you asked."
