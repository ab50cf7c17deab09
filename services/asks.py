"""The yes/no questions asked before a step commits or tags, one text for the TUI and the CLI.

The TUI's step screen and hotfix picker and the CLI's ``hotfix --pick`` ask the same question in
front of the same plan. The words are the step's catalogue entry's ``ask`` (a property of the step,
like its title); this module fills them in for a policy and a tag. The irreversible steps (push,
publish) are asked by the engine itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from services.catalogue import info
from services.policy import Policy

if TYPE_CHECKING:
    from services.step_protocol import Context


def question(step_id: str, policy: Policy, tag: str) -> str:
    """The question asked before ``step_id`` commits or tags (its catalogue entry has an ``ask``)."""
    template = info(step_id).ask
    if not template:
        raise LookupError(f"step {step_id!r} asks no question in services/catalogue.py")
    return template.format(changelog=policy.changelog, migration=policy.migration, tag=tag)


def post_release_question(ctx: Context) -> str:
    """Before post-release commits: what it commits. A promotion only points the compare link
    of the [Unreleased] its candidate reopened at the stable tag; walked, its confirmation asked
    "Reopen [Unreleased] in CHANGELOG.md and commit it?" over a one-line link diff. A release,
    a hotfix and a candidate reopen the section (a promotion too, when it is not there)."""
    from services import changelog
    from services.errors import ConsoleError
    from services.evidence import PromoteEvidence

    session, rel = ctx.require_session(), ctx.policy.changelog
    if session.kind == "promote":
        try:
            reopened = changelog.load(ctx.path(rel), rel).unreleased is not None
        except ConsoleError:
            reopened = False  # the step's own plan says what is wrong with the file
        if reopened:
            rc = (session.evidence(PromoteEvidence) or PromoteEvidence()).rc_tag
            since = f" instead of {rc}" if rc else ""
            return (f"Make [Unreleased] in {rel} compare from {session.tag}{since} and commit "
                    "it? Only its link changes: the candidate reopened the section.")
    return question("post-release", ctx.policy, session.tag)
