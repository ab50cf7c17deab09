"""What the [Unreleased] entries say of the version a captain starts: the version they call for
(the start dialog's suggestion), and one plain note when the captain's differs.

A different version is never refused here: a larger step may be deliberate (a marketing major),
and a smaller one is the changelog step's to block. Walked by hand: `start 1.4.0` with entries
calling for 1.3.0 was taken without a word.
"""

from __future__ import annotations

from services import changelog, versions
from services.changelog import RANK, BumpDecision
from services.errors import ConsoleError
from services.step_protocol import Context


def entries_call_for(ctx: Context, last: str | None) -> BumpDecision | None:
    """The bump and the version the changelog's [Unreleased] entries call for from ``last``;
    None when there are no entries or the changelog cannot be read (the changelog step says
    why)."""
    rel = ctx.policy.changelog
    try:
        doc = changelog.load(ctx.path(rel), rel)
        if doc.unreleased is None or not doc.entries(doc.unreleased):
            return None
        return changelog.compute_bump(doc, current=last,
                                      prefer_higher=ctx.policy.prefer_higher_bump)
    except ConsoleError:
        return None


def version_note(ctx: Context, version: str, tags: list[str], *, kind: str = "") -> str:
    """"" when ``version`` (a candidate's counts as its final version) is what the entries call
    for, or nothing can be said; else one sentence naming both. A hotfix is a patch by rule."""
    if kind == "hotfix":
        return ""
    last = versions.highest_release(tags, ctx.policy.tag_format)
    decision = entries_call_for(ctx, str(last) if last else None)
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
