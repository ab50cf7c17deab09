"""Publish: before the irreversible step, exactly what will happen, from the recorded review.

The list names the release, tag, commit, each asset with its size and digest, the flags that will
be set (pre-release, latest) and the re-check that runs right before. Pressing r still goes
through the confirmation dialog, which shows the same plan.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from screens.base import said
from screens.hanging import HangingStatic
from screens.step import StepScreen
from services.artifacts import human_size
from services.errors import ConsoleError
from services.evidence import ReviewEvidence
from services.step_protocol import Context


def what_will_happen(ctx: Context) -> Text:
    from services.github import expected

    session = ctx.require_session()
    evidence = session.evidence(ReviewEvidence)
    text = Text("Exactly what publishing will do:\n", style="bold")
    if evidence is None or not evidence.clean:
        text.append("Nothing yet: the draft has not passed review (run the review step).\n",
                    style="yellow")
        return text
    tags = ctx.repo.tags()
    prerelease, make_latest = expected.channel_flags(ctx.policy, session, tags)
    text.append("1. Review the draft again right now; stop if anything changed since "
                "the review or is wrong.\n")
    text.append(f"2. Publish {evidence.release_name!r} (tag {session.tag}, commit "
                f"{evidence.expected_commit[:12]}) — release "
                f"{evidence.release_id} on {ctx.policy.project.repository}:\n")
    for asset in evidence.expected_assets():
        text.append(f"     {asset.name}  {human_size(asset.size)}  "
                    f"sha256:{asset.sha256[:16]}…\n")
    if prerelease:
        text.append("3. Mark it a pre-release; it does NOT become the latest release.\n")
    elif make_latest == "true":
        text.append("3. Make it the latest release.\n")
    else:
        newer = expected.newer_release(ctx.policy, session, tags)
        text.append("3. Publish it without making it the latest release"
                    + (f" ({newer} is newer).\n" if newer else ".\n"))
    text.append("4. Read it back from GitHub to prove it is published.\n")
    text.append("Users can download it the moment it is published; it cannot be undone.",
                style="bold yellow")
    return text


class PublishScreen(StepScreen[tuple[Text, bool]]):
    """Its panel lists what publishing will do; once it does (the review is clean), the generic
    "What running it will do:" under it goes: walked at 120x40, the same summary read twice."""

    def compose_extra(self) -> ComposeResult:
        # a numbered line wraps under its own text, not under its number (walked at 80x24)
        yield HangingStatic("", id="publish-what", classes="section")

    def load_extra(self, ctx: Context) -> tuple[Text, bool] | None:
        if ctx.session is None:
            return None
        try:
            text = what_will_happen(ctx)
        except ConsoleError as err:
            return Text(said(err), style="bold red"), False
        evidence = ctx.require_session().evidence(ReviewEvidence)
        return text, evidence is not None and evidence.clean

    def show_extra(self, data: tuple[Text, bool] | None) -> None:
        text, listed = data or (Text(""), False)
        self.query_one("#publish-what", Static).update(text)
        self.query_one("#step-plan", Static).display = not listed  # said once, in the list
