"""After a yank: offer to start the replacement hotfix (a start dialog with kind hotfix).

The same ``start_release`` as ``release-console start VERSION --kind hotfix`` decides, so a
replacement that is not the next patch of a shipped release gets the very sentence the CLI prints.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from screens.base import attempt

YANK_HOTFIX_CSS = Path(__file__).with_name("yank_hotfix.tcss")


class HotfixOffer(ModalScreen[str | None]):
    """Dismisses with the hotfix tag it started, or None."""

    BINDINGS = [Binding("escape", "cancel", "Not now"), Binding("n", "cancel", "Not now"),
                Binding("y", "start", "Start hotfix")]
    CSS_PATH = YANK_HOTFIX_CSS

    class Outcome(Message):
        def __init__(self, tag: str, error: str) -> None:
            super().__init__()
            self.tag, self.error = tag, error

    def __init__(self, version: str) -> None:
        super().__init__()
        self.version = version

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"Start the replacement hotfix {self.version} now?", id="hotfix-question")
            yield Static("It makes the hotfix branch from the yanked release's tag; the release "
                         "steps follow as for any hotfix.\ny: start it · n or Esc: not now",
                         id="hotfix-help")
            yield Static("", id="hotfix-error")
            with Horizontal():
                yield Button("Not now", id="no")
                yield Button("Start hotfix", id="yes", variant="primary")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "yes":
            self._start()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_start(self) -> None:
        self._start()

    @work(thread=True, exclusive=True)
    def _start(self) -> None:
        from services.session_lifecycle import ReleaseRequest, start_release

        request = ReleaseRequest(version=self.version, kind="hotfix")
        session, error = attempt(self.app, lambda ctx: start_release(ctx, request))
        # Dismissed from the message handler, after this worker has ended: dismissing from
        # inside the worker would cancel it while it still runs.
        self.post_message(self.Outcome(session.tag if session else "", error))

    def on_hotfix_offer_outcome(self, message: Outcome) -> None:
        if message.error:
            self.query_one("#hotfix-error", Static).update(Text(message.error))
            return
        self.dismiss(message.tag)
