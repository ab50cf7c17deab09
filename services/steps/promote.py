"""Step ``promote``: the release candidate this stable release stands on, and its commit.

It records the rc's commit as the release commit (the tag step tags it; no changelog or migration
commit is made), after checking again that the rc tag still points there, that the commit is on
the default branch and no later rc appeared, and (online) that GitHub still shows the rc published
and not yanked and CI green on that commit.
"""

from __future__ import annotations

from services import promote
from services.errors import ConsoleError
from services.evidence import PromoteEvidence
from services.step_protocol import Blocker, Context, Evidence, Plan, Step
from services.steps.preflight_ci import ci_gate


def _candidate(ctx: Context) -> promote.Candidate:
    data = promote.recorded(ctx.require_session())
    if not data.get("rc_tag"):
        raise promote.PromoteError(
            "This promotion session does not say which release candidate it promotes.",
            remedy="Abandon it and start again with `release-console promote vX.Y.Z-rc.N`.")
    candidate = promote.local_checks(ctx, data["rc_tag"])
    if candidate.commit != data.get("commit"):
        raise promote.PromoteError(
            f"{candidate.rc_tag} now points at {candidate.commit[:12]}, not at "
            f"{data.get('commit', '')[:12]} where it was when the promotion started.",
            remedy="A pushed tag is never moved; find out who moved it before going on.")
    return candidate


class PromoteStep(Step):
    id = "promote"

    def check(self, ctx: Context) -> list[Blocker]:
        try:
            _candidate(ctx)
        except ConsoleError as err:
            return [Blocker(err.message, err.remedy)]
        return []

    def plan(self, ctx: Context) -> Plan:
        session = ctx.require_session()
        data = promote.recorded(session)
        return Plan(summary=(f"Promote {data.get('rc_tag', '?')} to {session.tag} on its commit "
                             f"{data.get('commit', '')[:12]}: no new changelog commit; the notes "
                             f"are {ctx.policy.changelog}'s [{session.version}] section at that "
                             "commit."),
                    api_calls=[f"GET /repos/{ctx.policy.project.repository}/releases/tags/"
                               f"{data.get('rc_tag', '?')} (published, not yanked)"])

    def run(self, ctx: Context) -> Evidence:
        candidate = _candidate(ctx)
        if not ctx.offline:
            promote.github_checks(ctx, candidate)
        return PromoteEvidence(commit=candidate.commit, rc_tag=candidate.rc_tag,
                               branch=ctx.policy.project.default_branch,
                               ci=ci_gate(ctx, candidate.commit)).to_json()


STEP = PromoteStep()
