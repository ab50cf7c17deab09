"""Small widgets shared by screens: the session bar and status marks."""

from __future__ import annotations

from textual.widgets import Static

STATUS_STYLE = {
    "done": "green", "skipped": "cyan", "failed": "bold red", "interrupted": "bold yellow",
    "blocked": "yellow", "ready": "bold", "waiting": "dim", "running": "bold blue",
    "not started": "dim", "stale": "bold yellow",
}


class SessionBar(Static):
    """Project, version, channel, branch and online/offline: what a captain must never misread."""

    DEFAULT_CSS = """
    SessionBar { height: 1; background: $primary-background; color: $text; padding: 0 1; }
    """
