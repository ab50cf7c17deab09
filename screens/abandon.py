"""The abandon dialog (``x`` on the checklist): what abandoning leaves behind, then why.

Abandoning closes the session and keeps its record; it undoes nothing else. So before the captain
types the reason the dialog names what stays (:mod:`services.left_behind`): the release's commits
never pushed, with the git command that drops them, and, on an air-gapped policy, the bundle at
the signing workstation, whose signed return would be refused, with what to do there. The
``abandon`` command prints the same lines.
"""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label

from screens.hanging import HangingStatic
from screens.step_keys import OwnKeysFirst

ABANDON_CSS = Path(__file__).with_name("abandon.tcss")


class AbandonScreen(OwnKeysFirst, ModalScreen[str | None]):
    """Dismisses with the reason (never empty), or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    CSS_PATH = ABANDON_CSS

    def __init__(self, tag: str, left: list[str]) -> None:
        super().__init__()
        self.tag = tag
        self.left = left

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"Abandon {self.tag}? Its record and journal are kept; say why.",
                        id="abandon-question", markup=False)
            if self.left:
                with VerticalScroll(id="abandon-left"):
                    # a wrapped line hangs under its own text, past its "• " or indent: at
                    # 80x24 the reset's reasons read from the left edge, like a line of their own
                    yield HangingStatic("Left behind (abandoning does not undo these):\n"
                                        + "\n".join(self.left))
            yield Input(placeholder="Reason (recorded in the journal)", id="reason")
            yield Label("", id="reason-error")
            yield Label("Enter to abandon, Escape to cancel.", classes="hint")
        yield Footer()  # its own keys, not the checklist's under it (n, x type the reason)

    def on_mount(self) -> None:
        self.query_one("#reason", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if not event.value.strip():
            self.query_one("#reason-error", Label).update("A reason is needed.")
            return
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
