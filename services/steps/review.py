"""Step ``review``: the draft as GitHub shows it, checked against the local files and notes.

It fails (naming what is wrong and where that leads: a re-draft, or the captain's own files) unless
the title, tag, target commit, body and every asset's size and digest match, and every artifact is
still the file that was checksummed. Its evidence keeps a fingerprint of what it saw, which publish
re-checks. Once the release is published, reviewing only reports: it never changes a record.
"""

from __future__ import annotations

from services import workstation
from services.evidence import ReviewEvidence
from services.github import expected, wiring
from services.github.review import Review
from services.notes import notes_path
from services.session import Session, StepRecord
from services.step_protocol import Blocker, Context, Evidence, Plan, Step, StepFailed
from services.step_status import StepStatus


def evidence_of(review: Review) -> Evidence:
    data = review.to_json()
    data.pop("body_diff", None)
    return ReviewEvidence.from_json(data).to_json()


def failure(review: Review) -> StepFailed:
    more = f" (and {len(review.problems) - 1} more)" if len(review.problems) > 1 else ""
    return StepFailed(f"The draft for {review.tag} is not ready to publish: "
                      f"{review.problems[0]}{more}",
                      remedy=f"{wiring.remedy(review)} `release-console review` shows the whole "
                      "table.")


def clear_publish_refusal(ctx: Context) -> None:
    """A clean review answers an earlier publish refusal: status must stop showing it."""
    record = ctx.require_session().steps.get("publish")
    if record is None or record.status != StepStatus.FAILED:
        return

    def reset(session: Session) -> None:
        session.steps["publish"] = StepRecord()

    ctx.record("publish", "refusal cleared", inputs={"by": "a clean review"},
               outputs={"was": record.reason}, update=reset)


def record_review(ctx: Context, review: Review) -> None:
    """Store a review made outside the engine (``release-console review`` when the review step
    is already done or failed). Never called once the release is published."""

    def update(session: Session) -> None:
        rec = session.step("review")
        rec.status = StepStatus.DONE if review.clean else StepStatus.FAILED
        rec.evidence = evidence_of(review) if review.clean else {}
        rec.reason = "" if review.clean else str(failure(review))
        rec.finished_at = ctx.now_iso()

    ctx.record("review", "reviewed again", outputs={"clean": review.clean,
                                                    "problems": review.problems,
                                                    "fingerprint": review.fingerprint},
               update=update)
    if review.clean:
        clear_publish_refusal(ctx)


def prerelease_note(ctx: Context) -> str:
    """For a release candidate (or a channel of pre-releases), that publishing it makes it a
    pre-release; "" otherwise. Walked at 80x24: only the Publish screen said so, after the
    captain had reviewed the draft as if it were to become the latest release."""
    session = ctx.require_session()
    prerelease, _latest = expected.channel_flags(ctx.policy, session)
    if not prerelease:
        return ""
    # one row at 80 columns, under the draft's title and tag (which name the release)
    return f"It will be published as a pre-release (channel {session.channel}), not as latest."


class ReviewStep(Step):
    id = "review"

    def check(self, ctx: Context) -> list[Blocker]:
        return expected.notes_blockers(notes_path(ctx), ctx.root)

    def reconcile(self, ctx: Context) -> Evidence | None:
        """Already published as exactly this release: there is no draft left to review, and the
        publish step records it as it is."""
        from services.github.reconcile import published_release

        found = published_release(ctx, wiring.client_for(ctx))
        if found is None:
            return None
        return {"clean": True, "published": True, "release_id": found["release_id"],
                "html_url": found["html_url"]}

    def plan(self, ctx: Context) -> Plan:
        repo = ctx.policy.project.repository or "<owner/name>"
        if workstation.done_on_online_machine(ctx, self):  # GitHub is reached from there only
            plan = workstation.online_machine_plan(ctx, (
                f"it reads the draft from GitHub ({repo}) and compares it with its local files; "
                "nothing is changed."))
        else:
            plan = Plan(summary="Read the draft from GitHub and compare it with the local "
                        "files; nothing is changed.",
                        api_calls=[f"GET /repos/{repo}/releases/{{id}}",
                                   f"GET /repos/{repo}/releases/{{id}}/assets",
                                   "GET each asset without a digest, to hash it"])
        if note := prerelease_note(ctx):
            plan.notes.append(note)
        return plan

    def run(self, ctx: Context) -> Evidence:
        review = wiring.review_now(ctx, wiring.client_for(ctx))
        if not review.clean:
            raise failure(review)
        clear_publish_refusal(ctx)
        return evidence_of(review)


STEP = ReviewStep()
