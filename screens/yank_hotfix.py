"""After a yank: offer to start the replacement hotfix (a start dialog with kind hotfix).

The same ``start_release`` as ``release-console start VERSION --kind hotfix`` decides, so a
replacement that is not the next patch of a shipped release gets the very sentence the CLI prints.
"""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Button, Label, Static

from screens.dialog import SessionDialog

YANK_HOTFIX_CSS = Path(__file__).with_name("yank_hotfix.tcss")


class HotfixOffer(SessionDialog):
    """Dismisses with the hotfix tag it started, or None."""

    BINDINGS = [Binding("escape", "cancel", "Not now"), Binding("n", "cancel", "Not now"),
                Binding("y", "start", "Start hotfix")]
    CSS_PATH = YANK_HOTFIX_CSS
    PRIMARY = "yes"
    ERROR = "hotfix-error"

    def __init__(self, version: str, base_tag: str) -> None:
        super().__init__()
        self.version = version
        self.base_tag = base_tag  # not always the yanked release's: 1.3.1 replacing v1.2.0

    def fields(self) -> ComposeResult:
        yield Label(f"Start the replacement hotfix {self.version} now?", id="hotfix-question")
        yield Static(f"It branches from {self.base_tag} once its fixes are picked; the release "
                     "steps follow as for any hotfix.\ny: start it · n or Esc: not now",
                     id="hotfix-help")

    def buttons(self) -> ComposeResult:
        yield Button("Not now", id="no")
        yield Button("Start hotfix", id="yes", variant="primary")

    def action_start(self) -> None:
        self.submit()

    def submit(self) -> None:
        from services.session_lifecycle import ReleaseRequest, start_release

        request = ReleaseRequest(version=self.version, kind="hotfix")
        self.start_session(lambda ctx: start_release(ctx, request))
