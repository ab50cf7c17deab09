"""Step ``publish``: publish the reviewed draft, only if the review is clean and still true.

Irreversible: the engine shows the plan and asks first. Right before the PATCH the draft is
reviewed again; a problem, or any change since the recorded review, refuses the publish, marks the
review failed, and names the way on (a fresh review, or ``release-console redo draft``). Afterwards
the release is read back to prove it is published.
"""

from __future__ import annotations

from services import workstation
from services.evidence import ReviewEvidence
from services.github import expected, wiring
from services.github.publish import PublishRefused, publish, require_fresh
from services.session import Session
from services.step_protocol import Blocker, Context, Evidence, Plan, Step
from services.step_status import StepStatus
from services.wording import mid_sentence


def reviewed(ctx: Context) -> ReviewEvidence | None:
    """The review step's evidence, whatever its status (publish re-checks it anyway)."""
    return ctx.require_session().evidence(ReviewEvidence)


class Publish(Step):
    id = "publish"

    def check(self, ctx: Context) -> list[Blocker]:
        review = ctx.require_session().evidence(ReviewEvidence, done=True)
        if review is None or not review.clean:
            return [Blocker("The draft has not passed review.",
                            "Run `release-console review` and fix what it lists.")]
        return []

    def plan(self, ctx: Context) -> Plan:
        session = ctx.require_session()
        if workstation.done_on_online_machine(ctx, self):  # GitHub is reached from there only
            return workstation.online_machine_plan(ctx, (
                f"it publishes the reviewed draft {expected.release_title(ctx.policy, session)!r} "
                f"for {session.tag}, after asking; that cannot be undone."))
        evidence = reviewed(ctx) or ReviewEvidence()
        release_id = evidence.release_id if evidence.release_id is not None else "{id}"
        tags = ctx.repo.tags()
        prerelease, make_latest = expected.channel_flags(ctx.policy, session, tags)
        newer = expected.newer_release(ctx.policy, session, tags)
        repo = ctx.policy.project.repository or "<owner/name>"
        names = evidence.asset_names
        title = expected.release_title(ctx.policy, session)
        # before a review there is no commit nor asset to name: walked, the screen read
        # "(v1.3.1, commit ) on ... with 0 assets: ."
        what = (f"Publish {title!r} ({session.tag}, commit {evidence.expected_commit[:12]}) on "
                f"{repo} with {len(names)} assets: {', '.join(names)}. "
                if evidence.expected_commit else
                f"Publish {title!r} ({session.tag}) on {repo} once its draft has passed review, "
                "with the commit and the assets the review checks. ")
        plan = Plan(summary=(
            what
            + ("It becomes a pre-release and does NOT become latest."
               if prerelease else
               ("It becomes the latest release." if make_latest == "true"
                else "It does not become the latest release"
                + (f": {newer} is newer." if newer else ".")))
            + " Users see it at once; this cannot be undone."))
        plan.api_calls = [
            f"GET /repos/{repo}/releases/{release_id} (review again right before)",
            f"PATCH /repos/{repo}/releases/{release_id} draft=false "
            f"prerelease={str(prerelease).lower()} make_latest={make_latest}",
            f"GET /repos/{repo}/releases/tags/{session.tag} (prove it is published)",
        ]
        plan.notes.append("Refused if the draft changed since the review or the review is not "
                          "clean any more.")
        return plan

    def reconcile(self, ctx: Context) -> Evidence | None:
        """Published already (the answer to the PATCH, or the read-back, was lost): adopted if it
        is exactly the reviewed release; never published twice, never refused forever."""
        from services.github.reconcile import published_release

        if ctx.require_session().evidence(ReviewEvidence, done=True) is None:
            return None
        return published_release(ctx, wiring.client_for(ctx))

    def run(self, ctx: Context) -> Evidence:
        client = wiring.client_for(ctx)
        review = wiring.review_now(ctx, client)
        try:
            require_fresh(review, reviewed(ctx), remedy=wiring.remedy(review))
        except PublishRefused as refusal:
            reason = (f"publishing was refused: {mid_sentence(refusal.message)} "
                      + (refusal.remedy.split("\n", 1)[0] if review.problems
                         else "Run `release-console review` again."))

            def reopen(session: Session) -> None:
                """The recorded clean review is no longer true: it must not stay "done"."""
                rec = session.step("review")
                rec.status, rec.reason, rec.evidence = StepStatus.FAILED, reason, {}

            ctx.record(self.id, "refused", outputs={"reason": refusal.message,
                                                    "problems": review.problems},
                       update=reopen)
            raise
        prerelease, make_latest = expected.channel_flags(ctx.policy, ctx.require_session(),
                                                         ctx.repo.tags())
        result = publish(client, review, prerelease=prerelease, make_latest=make_latest)
        return result.to_json()


STEP = Publish()
