"""What the console said this session, again: a toast goes after a few seconds, and a captain who
looked away (at the hardware token, at the other workstation) lost what it said, warnings too.

The app keeps every message it says as a :class:`Notice` (``ReleaseConsoleApp.messages``, the
last :data:`KEPT`); the command palette's "Messages said so far" opens :class:`MessagesScreen`,
which lists them newest first with their time and severity. The texts were scrubbed of secrets
when they were said.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static

from screens.footer import Footer
from screens.hanging import HangingStatic, hanging
from screens.step_keys import OwnKeysFirst

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel

MESSAGES_CSS = Path(__file__).with_name("messages.tcss")
KEPT = 200  # a whole release says about 60; older ones than this are not worth the memory
# Each line's mark, in words too (NO_COLOR and a monochrome terminal show no colour).
MARKS: dict[str, tuple[str, str]] = {"error": ("✘ Error: ", "bold red"),
                                     "warning": ("⚠ Warning: ", "bold yellow"),
                                     "information": ("· ", "")}
# A line's lead: its time and mark ("06:12:03 ⚠ Warning: "); a wrapped message goes on under
# its text, so the times down the left stay a column to read by.
LEAD = re.compile(r"\d\d:\d\d:\d\d (?:" + "|".join(re.escape(mark) for mark, _ in MARKS.values())
                  + ")")


@dataclass(frozen=True)
class Notice:
    """One message the console said (its toast), as said: scrubbed, plain text."""

    message: str
    title: str
    severity: SeverityLevel
    said_at: datetime  # local wall-clock time, as the captain's watch reads it


def listing(notices: Sequence[Notice]) -> Text:
    """The notices newest first, one line each: time, severity mark, title and message."""
    if not notices:
        return Text("Nothing has been said yet this session.", style="dim")
    text = Text()
    for notice in reversed(notices):
        mark, style = MARKS.get(notice.severity, MARKS["information"])
        said = f"{notice.title}: {notice.message}" if notice.title else notice.message
        text.append(notice.said_at.strftime("%H:%M:%S "), style="dim")
        text.append(mark, style=style)
        text.append(" ".join(said.split()) + "\n")  # a toast's line breaks: one line to read
    return text


class MessagesScreen(OwnKeysFirst, Screen[None]):
    """The session's messages, newest first, kept up to date while it is open: a captain waiting
    here for a worker (a push, an upload) sees what it says as it says it."""

    BINDINGS = [Binding("escape", "back", "Back")]
    CSS_PATH = MESSAGES_CSS

    def __init__(self, notices: Sequence[Notice]) -> None:
        super().__init__()
        self.notices = tuple(notices)

    def compose(self) -> ComposeResult:
        yield Static(self._heading(), id="messages-title")
        with VerticalScroll(id="messages-body"):
            yield HangingStatic(hanging(listing(self.notices), lead=LEAD), id="messages")
        yield Footer()

    def _heading(self) -> str:
        return f"Messages said so far ({len(self.notices)}), newest first · Escape: back"

    class Said(Message):
        """The app said something more while the list is open (posted, so a worker thread's
        notify reaches the screen on the UI thread)."""

        def __init__(self, notices: Sequence[Notice]) -> None:
            super().__init__()
            self.notices = tuple(notices)

    def on_messages_screen_said(self, event: Said) -> None:
        """List it: before, the list was a snapshot, and what a worker said meanwhile showed
        only as a toast behind it."""
        self.notices = event.notices
        self.query_one("#messages-title", Static).update(self._heading())
        self.query_one("#messages", HangingStatic).update(
            hanging(listing(self.notices), lead=LEAD))

    def on_mount(self) -> None:
        self.title = "Messages said so far"

    def action_back(self) -> None:
        self.dismiss()
