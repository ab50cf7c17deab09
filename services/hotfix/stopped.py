"""A cherry-pick stopped on conflicts, continued or aborted: one service for the command line's
``hotfix --continue``/``--abort`` and the TUI's conflict screen, so both record it alike."""

from __future__ import annotations

from services import engine
from services.errors import ConsoleError
from services.hotfix import changelog_conflict, picks
from services.hotfix.plan import hotfix_data
from services.session import Session
from services.step_protocol import Context, Evidence
from services.step_status import StepStatus


def continue_picks(ctx: Context) -> Evidence:
    """Commit the resolved pick (if one is stopped), then run the branch step to its end."""
    session = ctx.require_session()
    data = hotfix_data(session, ctx.policy)
    if picks.in_progress(ctx.repo):
        try:
            with ctx.store.run_lock(session.tag):
                resolved = changelog_conflict.continue_picks(
                    ctx, branch=data.branch, version=session.version, base_tag=data.base_tag)
        except picks.PickConflict as stopped:
            changelog_conflict.remember(ctx, stopped.resolved)  # the finishing run says them
            raise
        changelog_conflict.remember(ctx, resolved)
        ctx.record("hotfix-branch", "picks continued", outputs={"head": ctx.repo.head_sha()})
    return engine.run_step(ctx, engine.find_step(ctx, "hotfix-branch"))


def abort_picks(ctx: Context) -> str:
    """Put the branch back as it was before the picks; returns its head. The branch step's
    record says so (not the conflict it stopped on, which no longer holds)."""
    session = ctx.require_session()
    data = hotfix_data(session, ctx.policy)
    if not picks.in_progress(ctx.repo):
        raise ConsoleError("No cherry-pick is stopped here; there is nothing to abort.",
                           remedy="`release-console status` shows where the hotfix is.")
    with ctx.store.run_lock(session.tag):
        picks.abort_picks(ctx.repo)
    head = ctx.repo.head_sha()
    reason = (f"The picks were aborted; {data.branch} is back at {head[:12]}. Pick again with "
              f"`release-console hotfix {session.version} --pick SHA ...` (in the TUI: p on "
              "this step), or abandon the hotfix.")

    def reopen(s: Session) -> None:
        record = s.step("hotfix-branch")
        record.status, record.reason = StepStatus.FAILED, reason
        s.data.pop(changelog_conflict.RESOLVED, None)  # gone with the picks: not reported again

    ctx.record("hotfix-branch", "picks aborted", outputs={"head": head, "branch": data.branch},
               update=reopen)
    return head
