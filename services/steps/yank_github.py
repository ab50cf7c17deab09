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
from services.reconcile import ADOPTED
from services.step_protocol import Blocker, Context, Evidence, Plan, Step
from services.step_status import StepStatus
from services.yank import replacement_tag, yank_inputs

# Said by the step's own plan (`run yank-github --dry-run`); the yank's confirmation says it in
# its GitHub preview's last line instead (services/yank.py leaves this one out).
KEPT = "The tag and every asset stay: users need them to verify what they installed."


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
            notes=[KEPT],
        )

    def reconcile(self, ctx: Context) -> Evidence | None:
        """A yank killed after GitHub's edit and before its record (the step still says running):
        GitHub shows the release a pre-release with this yank's banner, so that is recorded as
        what GitHub shows, adopted, and nothing is sent again. Which release was latest before
        the edit is GitHub's answer no more: it comes from the interrupted run's own journal
        entry (:meth:`run` writes it before sending the edit), or is recorded as unknown, never
        guessed. A step never started goes to ``run``, which says whether it was already yanked
        like this."""
        session = ctx.require_session()
        record = session.steps.get(self.id)
        inputs = yank_inputs(ctx)
        if record is None or record.status != StepStatus.RUNNING or not inputs.reason:
            return None
        found = found_yanked(wiring.client_for(ctx), tag=session.tag, reason=inputs.reason,
                             replacement=replacement_tag(ctx, inputs.replacement))
        if found is None:
            return None
        before = latest_before_journaled(ctx)
        found.latest_before = before or ""
        return {**YankGitHubEvidence.from_json(found.to_json()).to_json(),
                "latest_before_known": before is not None}

    def run(self, ctx: Context) -> Evidence:
        session = ctx.require_session()
        inputs = yank_inputs(ctx)

        def before_edit(latest: str) -> None:
            ctx.record(self.id, LATEST_BEFORE, outputs={"latest_before": latest})

        result = yank(wiring.client_for(ctx), tag=session.tag, reason=inputs.reason,
                      replacement=replacement_tag(ctx, inputs.replacement),
                      before_edit=before_edit)
        return YankGitHubEvidence.from_json(result.to_json()).to_json()


LATEST_BEFORE = "latest before the edit"
# What the engine journals as a run of the step starts or ends: an entry before one is not the
# interrupted run's.
RUN_BOUNDS = frozenset({"started", "resumed", "done", ADOPTED, "failed", "paused", "cancelled"})


def latest_before_journaled(ctx: Context) -> str | None:
    """What the step's last run journaled as latest before it sent GitHub's edit ("" for no
    latest release), or None when that run journaled nothing (killed before, or a console
    that did not journal it). The journal is read whole: a kill right after this entry's
    append leaves it past what the session records, and it is still that run's."""
    found: str | None = None
    for entry in ctx.journal.entries():
        if entry.get("step") != YankGitHub.id:
            continue
        if entry.get("action") in RUN_BOUNDS:
            found = None  # an earlier run's entry is not this run's
        elif entry.get("action") == LATEST_BEFORE:
            outputs = entry.get("outputs")
            value = outputs.get("latest_before") if isinstance(outputs, dict) else None
            found = value if isinstance(value, str) else None
    return found


STEP = YankGitHub()
