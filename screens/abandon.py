"""The abandon dialog (``x`` on the checklist): what abandoning leaves behind, then why.

Abandoning closes the session and keeps its record; it undoes nothing else. So before the captain
types the reason the dialog names what stays (:mod:`services.left_behind`): the release's commits
never pushed, with the git command that drops them, and, on an air-gapped policy, the bundle at
the signing workstation, whose signed return would be refused, with what to do there. The
``abandon`` command prints the same lines. The dialog opens at once and works them out itself,
so the reason typed right after ``x`` goes into its field; Enter abandons once they are shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from screens.base import attempt
from screens.footer import Footer
from screens.hanging import HangingStatic
from screens.step_keys import OwnKeysFirst
from screens.widgets import TypedField

ABANDON_CSS = Path(__file__).with_name("abandon.tcss")


class AbandonScreen(OwnKeysFirst, ModalScreen[str | None]):
    """Dismisses with the reason (never empty), or None when cancelled (or when the session
    cannot be abandoned: the refusal is said as a toast, as before the dialog opened)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    CSS_PATH = ABANDON_CSS

    @dataclass
    class Worked(Message):
        left: list[str]
        refused: str

    def __init__(self, tag: str, left: list[str] | None = None) -> None:
        super().__init__()
        self.tag = tag
        self.left = left  # None: not worked out yet (Enter waits for it)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"Abandon {self.tag}? Its record and journal are kept; say why.",
                        id="abandon-question", markup=False)
            with VerticalScroll(id="abandon-left"):
                # a wrapped line hangs under its own text, past its "• " or indent: at 80x24
                # the reset's reasons read from the left edge, like a line of their own
                yield HangingStatic("Working out what abandoning leaves behind…")
            yield TypedField(placeholder="Reason (recorded in the journal)", id="reason")
            yield Label("", id="reason-error")
            yield Label("Enter to abandon, Escape to cancel.", classes="hint")
        yield Footer()  # its own keys, not the checklist's under it (n, x type the reason)

    def on_mount(self) -> None:
        self.query_one("#reason", Input).focus()
        if self.left is None:
            self._work_out()
        else:
            self._show(self.left)

    @work(thread=True, exclusive=True)
    def _work_out(self) -> None:
        from services.left_behind import left_behind

        left, refused = attempt(self.app, lambda ctx: left_behind(ctx, ctx.store.load(self.tag)))
        self.post_message(self.Worked(left.lines() if left is not None else [], refused))

    def on_abandon_screen_worked(self, message: Worked) -> None:
        if message.refused:
            self.app.notify(message.refused, severity="error")
            self.dismiss(None)
            return
        self._show(message.left)

    def _show(self, left: list[str]) -> None:
        self.left = left
        pane = self.query_one("#abandon-left", VerticalScroll)
        pane.display = bool(left)
        if left:
            pane.query_one(HangingStatic).update(
                "Left behind (abandoning does not undo these):\n" + "\n".join(left))
        self.query_one("#reason-error", Label).update("")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if self.left is None:  # typed ahead of the list: the captain has not read what stays
            self.query_one("#reason-error", Label).update(
                "Read what abandoning leaves behind first (still being worked out), then Enter.")
            return
        if not event.value.strip():
            self.query_one("#reason-error", Label).update("A reason is needed.")
            return
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
