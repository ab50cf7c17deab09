"""The TUI's :class:`services.step_protocol.Prompter`: modal dialogs usable from worker threads.

Steps run in thread workers; when one needs a passphrase or a yes/no, the prompter pushes a modal on
the app's thread and blocks the worker (not the UI) until the captain answers. Secrets typed here
are registered for scrubbing at once and never stored.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

from textual.app import App, ComposeResult, SuspendNotSupported
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from services import secrets
from services.errors import ConsoleError
from services.step_protocol import Plan


class ConfirmScreen(ModalScreen[bool]):
    """Shows exactly what will happen and asks; Escape or No does nothing."""

    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("y", "confirm", "Yes")]
    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Vertical { width: 90%; max-width: 110; height: 90%; border: thick $warning;
                               background: $surface; padding: 0 1; }
    ConfirmScreen #plan { height: 1fr; }
    ConfirmScreen Horizontal { height: auto; align-horizontal: right; }
    ConfirmScreen Button { margin-left: 1; }
    """

    def __init__(self, question: str, plan: Plan) -> None:
        super().__init__()
        self.question = question
        self.plan = plan

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.question, id="question")
            with VerticalScroll(id="plan"):
                yield Static(self.plan.render(), markup=False)
            with Horizontal():
                yield Button("No, go back", id="no", variant="primary")
                yield Button("Yes, do it", id="yes", variant="warning")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_cancel(self) -> None:
        self.dismiss(False)

    def action_confirm(self) -> None:
        self.dismiss(True)


class SecretScreen(ModalScreen[str | None]):
    """A password field; the value goes straight to the waiting worker and nowhere else."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    DEFAULT_CSS = """
    SecretScreen { align: center middle; }
    SecretScreen > Vertical { width: 70; height: auto; border: thick $accent;
                              background: $surface; padding: 1 2; }
    """

    def __init__(self, prompt: str) -> None:
        super().__init__()
        self.prompt = prompt

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.prompt)
            yield Input(password=True, id="secret")
            yield Label("Enter to submit, Escape to cancel. Nothing typed here is stored.",
                        classes="hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ReasonScreen(ModalScreen[str | None]):
    """Asks why (for a skip, a redo): the answer goes into the journal, so it may not be empty."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    DEFAULT_CSS = """
    ReasonScreen { align: center middle; }
    ReasonScreen > Vertical { width: 76; height: auto; border: thick $accent;
                              background: $surface; padding: 1 2; }
    ReasonScreen #reason-error { color: $error; }
    """

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.question)
            yield Input(placeholder="Reason (recorded in the journal)", id="reason")
            yield Label("", id="reason-error")
            yield Label("Enter to confirm, Escape to cancel.", classes="hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if not event.value.strip():
            self.query_one("#reason-error", Label).update("A reason is needed.")
            return
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)


class TuiPrompter:
    """Blocks the calling worker thread until the captain answers a modal."""

    def __init__(self, app: App[Any]) -> None:
        self.app = app

    def _ask(self, screen: ModalScreen[Any]) -> Any:
        if threading.current_thread() is threading.main_thread():
            raise RuntimeError("TuiPrompter must be used from a worker thread")
        answered = threading.Event()
        box: dict[str, Any] = {}

        def done(result: Any) -> None:
            box["result"] = result
            answered.set()

        self.app.call_from_thread(self.app.push_screen, screen, done)
        answered.wait()
        return box.get("result")

    def secret(self, prompt: str, *, option: str) -> str:
        value = self._ask(SecretScreen(prompt))
        if value is None:
            raise ConsoleError(f"{prompt} was not given; nothing was done.")
        secrets.register(value)
        return str(value)

    def confirm(self, question: str, plan: Plan) -> bool:
        return bool(self._ask(ConfirmScreen(question, plan)))

    @contextlib.contextmanager
    def terminal(self) -> Iterator[None]:
        """Hand the real terminal to pinentry or a token's touch prompt, then take it back.

        Steps call this (through ``ctx.prompter``) around gpg, git tag -s or ssh-keygen when the
        tool itself must talk to the captain. Headless runs (tests) have no terminal to hand over.
        """
        held = self.app.suspend()
        try:
            self.app.call_from_thread(held.__enter__)
        except (SuspendNotSupported, RuntimeError):
            yield
            return
        try:
            yield
        finally:
            self.app.call_from_thread(held.__exit__, None, None, None)
