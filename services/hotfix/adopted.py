"""What a merge of the hotfix into the default branch brought, read from the branch itself.

merge-back adopts a merge it did not make in this run (a killed run made it, or the captain
resolved a conflict by hand and committed): its record said which commit the branch is at, not
what the merge carried, while the record of a merge it makes lists the commits sent and the
hotfix's other CHANGELOG edits its resolution kept. This reads both from the world, so the two
records say the same things.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.hotfix import changelog_lost
from services.hotfix.plan import HotfixData
from services.step_protocol import Context


@dataclass(frozen=True)
class Carried:
    """What the merge brought into the default branch."""

    commits: tuple[str, ...] = ()  # the hotfix's commits it gained, as "sha subject" lines
    changelog: tuple[str, ...] = ()  # the hotfix's other CHANGELOG edits kept, parts named


def base_ref(ctx: Context, data: HotfixData, side: str) -> str:
    """The commit the hotfix branched from: the base commit the session recorded, else the base
    tag, else the merge base of ``side`` (the default branch) and the hotfix tag; "" when none
    of them is known here."""
    tag = f"refs/tags/{ctx.require_session().tag}"
    fork = ctx.repo.output("merge-base", side, tag)
    for ref in (data.base_commit, f"refs/tags/{data.base_tag}" if data.base_tag else "",
                fork.stdout.strip() if fork.status == 0 else ""):
        if ref and ctx.repo.output("rev-parse", "--verify", "--quiet",
                                   f"{ref}^{{commit}}").status == 0:
            return ref
    return ""


def carried_by_merge(ctx: Context, data: HotfixData, merge: str) -> Carried:
    """What ``merge`` (the merge commit that brought the hotfix tag in; "" when the branch was
    fast-forwarded) carried: the tag's commits its first parent did not have (from the base
    when fast-forwarded, the tip before unknown), and the hotfix's CHANGELOG edits
    besides its own section that the merge's file has and its first parent's had not."""
    tag = ctx.require_session().tag
    before = f"{merge}^1" if merge else base_ref(ctx, data, f"refs/heads/{data.default_branch}")
    if not before:
        return Carried()
    commits = ctx.repo.git("log", "--format=%h %s", f"refs/tags/{tag}^{{commit}}", f"^{before}",
                           "--").splitlines()
    if not merge:
        return Carried(tuple(commits))
    rel = ctx.policy.changelog
    base = base_ref(ctx, data, before)
    theirs, ours, merged = (ctx.repo.show(ref, rel) for ref in (f"refs/tags/{tag}", before,
                                                                merge))
    if theirs is None or ours is None or merged is None:
        return Carried(tuple(commits))
    kept = changelog_lost.kept(ctx.repo.show(base, rel) if base else None, theirs, ours, merged,
                               version=ctx.require_session().version, display=rel)
    return Carried(tuple(commits), tuple(kept))
