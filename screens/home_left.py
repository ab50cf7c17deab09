"""The home screen's message line, with what the last finished release left unpushed.

Kept out of ``screens/home.py`` (near its 400-line limit). While the next release is in
progress, the checklist lists only its steps: the reopen commit the last release left went
unmentioned until its summary was opened again (Ctrl+P "Summary of the last release", then p).
With none in progress, "Press s to start one." said nothing of a yank's note left unpushed
(its push answered n, or the console killed at the question) while ``status`` named it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

if TYPE_CHECKING:
    from services.overview import Overview


def with_left_unpushed(note: Text, overview: Overview) -> Text:
    """``note`` and, on a line of its own under it, what the last release left unpushed."""
    if overview.left_unpushed:
        note.append("\n")
        note.append(overview.left_unpushed, style="not bold yellow")
    return note
