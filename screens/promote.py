"""Promote a release candidate from the TUI: pick the rc, and the stable session starts on its
commit through the same ``services.promote.start_promotion`` as ``release-console promote``."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import Button, Label, OptionList
from textual.widgets.option_list import Option

from screens.base import attempt
from screens.dialog import SessionDialog
from services.errors import ConsoleError
from services.step_protocol import Context

PROMOTE_CSS = Path(__file__).with_name("promote.tcss")


class PromoteScreen(SessionDialog):
    """Dismisses with the stable tag whose session was started, or None."""

    CSS_PATH = PROMOTE_CSS
    PRIMARY = "promote"
    ERROR = "promote-error"

    @dataclass
    class Listed(Message):
        tags: list[str]
        error: str
        labels: list[str] = field(default_factory=list)  # each rc and what Enter starts from it

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def fields(self) -> ComposeResult:
        yield Label("Promote a release candidate: the stable release is tagged on its commit")
        yield OptionList(id="candidates")

    def buttons(self) -> ComposeResult:
        yield Button("Cancel", id="cancel")
        yield Button("Promote", id="promote", variant="primary")

    def on_mount(self) -> None:
        self._list()

    @work(thread=True)
    def _list(self) -> None:
        listed, error = attempt(self.app, _candidates)
        self.post_message(self.Listed([tag for tag, _ in listed or []], error,
                                      [label for _, label in listed or []]))

    def on_promote_screen_listed(self, message: Listed) -> None:
        self.tags = message.tags
        candidates = self.query_one("#candidates", OptionList)
        candidates.set_options(Option(label, id=tag)
                               for tag, label in zip(self.tags, message.labels, strict=True))
        if message.error or not self.tags:
            self.say(message.error or "There is no release candidate to promote.")
            return
        candidates.highlighted = 0
        candidates.focus()

    def on_option_list_option_selected(self) -> None:
        self.submit()

    def submit(self) -> None:
        from services.promote import start_promotion

        index = self.query_one("#candidates", OptionList).highlighted
        if index is None or not 0 <= index < len(self.tags):
            return
        rc_tag = self.tags[index]
        self.say("Checking with git and GitHub…")
        self.start_session(lambda ctx: start_promotion(ctx, rc_tag))


def _candidates(ctx: Context) -> list[tuple[str, str]]:
    """Each promotable rc tag and its label, which names the tag Enter starts: "v1.4.0-rc.1  →
    v1.4.0 (stable)" (the dialog named only the rc; the stable tag showed once started)."""
    from services.promote import parse_candidate, promotable_tags, promotes_to

    listed = []
    for tag in promotable_tags(ctx):
        try:
            final = ctx.policy.tag_for(parse_candidate(ctx, tag)[1])
            label = f"{tag}  → {final} ({promotes_to(ctx, tag)})"
        except ConsoleError:  # said when it is chosen, by the start's own checks
            label = tag
        listed.append((tag, label))
    return listed
