"""The shape every session-starting dialog shares (start, promote, the hotfix offer after a yank).

Each asks for its inputs, then calls one service that starts a session, in a worker: a refusal
stays in the dialog as the service's own sentence (what the CLI prints); success dismisses the
dialog with the new session's tag. Escape or any button other than the primary one cancels.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from screens.base import attempt
from screens.footer import Footer
from screens.step_keys import KEYS, OwnKeysFirst

if TYPE_CHECKING:
    from services.session import Session
    from services.step_protocol import Context


class SessionDialog(OwnKeysFirst, ModalScreen[str | None]):
    """Dismisses with the tag of the session it started, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel"), KEYS]
    PRIMARY = ""  # the id of the button that submits
    ERROR = ""  # the id of the line under the fields that shows progress and refusals

    @dataclass
    class Outcome(Message):
        tag: str
        error: str

    def compose(self) -> ComposeResult:
        with Vertical():
            yield from self.fields()
            yield Static("", id=self.ERROR)
            with Horizontal(id="buttons"):
                yield from self.buttons()
        yield Footer()  # its own keys: the checklist's under it (s, y, p...) type into the fields

    def fields(self) -> ComposeResult:
        """What the dialog asks or says, above its message line."""
        raise NotImplementedError

    def buttons(self) -> ComposeResult:
        """Its buttons, the one with id :attr:`PRIMARY` submitting and any other cancelling."""
        raise NotImplementedError

    def submit(self) -> None:
        """Read the inputs and call :meth:`start_session` (or say what is missing)."""
        raise NotImplementedError

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == self.PRIMARY:
            self.submit()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def say(self, text: str) -> None:
        self.query_one(f"#{self.ERROR}", Static).update(Text(text))

    @work(thread=True, exclusive=True)
    def start_session(self, start: Callable[[Context], Session]) -> None:
        session, error = attempt(self.app, start)
        # Dismissed from the message handler, after this worker has ended: dismissing from
        # inside the worker would cancel it while it still runs.
        self.post_message(self.Outcome(session.tag if session else "", error))

    def on_session_dialog_outcome(self, message: Outcome) -> None:
        if message.error:
            self.say(message.error)
            return
        self.dismiss(message.tag)
