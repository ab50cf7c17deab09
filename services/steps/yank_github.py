"""Step ``yank-github``: withdraw a published release on GitHub without unpublishing it.

Pre-release, not latest, ``⚠️ YANKED`` banner with the reason and the replacement at the top of
its notes. Tags and assets are never deleted. The reason and replacement come from the session
(``session.data["yank"]``, read by :func:`services.yank.yank_inputs`), where the yank
service puts them.
"""

from __future__ import annotations

from services.evidence import YankGitHubEvidence
from services.github import wiring
from services.github.yank import banner, found_yanked, yank
from services.step_protocol import Blocker, Context, Evidence, Plan, Step
from services.step_status import StepStatus
from services.yank import replacement_tag, yank_inputs


class YankGitHub(Step):
    id = "yank-github"

    def check(self, ctx: Context) -> list[Blocker]:
        inputs = yank_inputs(ctx)
        if not inputs.reason or not inputs.replacement:
            return [Blocker("The yank has no reason or replacement version recorded.",
                            "Use `release-console yank VERSION --reason TEXT --replacement "
                            "VERSION`.")]
        return []

    def plan(self, ctx: Context) -> Plan:
        session = ctx.require_session()
        inputs = yank_inputs(ctx)
        repo = ctx.policy.project.repository or "<owner/name>"
        return Plan(
            summary=f"Yank {session.tag} on {repo}: mark it pre-release and not latest, and put "
            "this banner at the top of its notes:\n"
            + banner(inputs.reason, replacement_tag(ctx, inputs.replacement)).rstrip(),
            api_calls=[f"GET /repos/{repo}/releases/tags/{session.tag}",
                       f"PATCH /repos/{repo}/releases/{{id}} prerelease=true make_latest=false "
                       "body=<banner + notes>"],
            notes=["The tag and every asset stay: users need them to verify what they "
                   "installed."],
        )

    def reconcile(self, ctx: Context) -> Evidence | None:
        """A yank killed after GitHub's edit and before its record (the step still says running):
        GitHub shows the release a pre-release with this yank's banner, so that is recorded as
        what GitHub shows, adopted, and nothing is sent again. A step never started goes to
        ``run``, which says whether it was already yanked like this."""
        session = ctx.require_session()
        record = session.steps.get(self.id)
        inputs = yank_inputs(ctx)
        if record is None or record.status != StepStatus.RUNNING or not inputs.reason:
            return None
        found = found_yanked(wiring.client_for(ctx), tag=session.tag, reason=inputs.reason,
                             replacement=replacement_tag(ctx, inputs.replacement))
        return None if found is None else YankGitHubEvidence.from_json(found.to_json()).to_json()

    def run(self, ctx: Context) -> Evidence:
        session = ctx.require_session()
        inputs = yank_inputs(ctx)
        result = yank(wiring.client_for(ctx), tag=session.tag, reason=inputs.reason,
                      replacement=replacement_tag(ctx, inputs.replacement))
        return YankGitHubEvidence.from_json(result.to_json()).to_json()


STEP = YankGitHub()
