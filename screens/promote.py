"""Promote a release candidate from the TUI: pick the rc, and the stable session starts on its
commit through the same ``services.promote.start_promotion`` as ``release-console promote``."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Label, OptionList, Static
from textual.widgets.option_list import Option

from screens.base import attempt

PROMOTE_CSS = Path(__file__).with_name("promote.tcss")


class PromoteScreen(ModalScreen[str | None]):
    """Dismisses with the stable tag whose session was started, or None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    CSS_PATH = PROMOTE_CSS

    class Listed(Message):
        def __init__(self, tags: list[str], error: str) -> None:
            super().__init__()
            self.tags, self.error = tags, error

    class Outcome(Message):
        def __init__(self, tag: str, error: str) -> None:
            super().__init__()
            self.tag, self.error = tag, error

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Promote a release candidate: the stable release is tagged on its commit")
            yield OptionList(id="candidates")
            yield Static("", id="promote-error")
            with Horizontal():
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
            self.query_one("#promote-error", Static).update(
                Text(message.error or "There is no release candidate to promote."))
            return
        candidates.highlighted = 0
        candidates.focus()

    def on_option_list_option_selected(self) -> None:
        self._submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "promote":
            self._submit()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def _submit(self) -> None:
        index = self.query_one("#candidates", OptionList).highlighted
        if index is None or not 0 <= index < len(self.tags):
            return
        self.query_one("#promote-error", Static).update("Checking with git and GitHub…")
        self._promote(self.tags[index])

    @work(thread=True, exclusive=True)
    def _promote(self, rc_tag: str) -> None:
        from services.promote import start_promotion

        session, error = attempt(self.app, lambda ctx: start_promotion(ctx, rc_tag))
        self.post_message(self.Outcome(session.tag if session else "", error))

    def on_promote_screen_outcome(self, message: Outcome) -> None:
        if message.error:
            self.query_one("#promote-error", Static).update(Text(message.error))
            return
        self.dismiss(message.tag)
