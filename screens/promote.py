"""Promote a release candidate from the TUI: pick the rc, and the stable session starts on its
commit through the same ``services.promote.start_promotion`` as ``release-console promote``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import Button, Label, OptionList
from textual.widgets.option_list import Option

from screens.base import attempt
from screens.dialog import SessionDialog

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
        from services.promote import promotable_tags

        tags, error = attempt(self.app, promotable_tags)
        self.post_message(self.Listed(tags or [], error))

    def on_promote_screen_listed(self, message: Listed) -> None:
        self.tags = message.tags
        candidates = self.query_one("#candidates", OptionList)
        candidates.set_options(Option(tag, id=tag) for tag in self.tags)
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
