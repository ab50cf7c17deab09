"""Small widgets shared by screens: the session bar and status marks."""

from __future__ import annotations

from textual.widgets import Static

from services.step_status import StepStatus

S = StepStatus
STATUS_STYLE: dict[StepStatus, str] = {
    S.DONE: "green", S.SKIPPED: "cyan", S.FAILED: "bold red", S.INTERRUPTED: "bold yellow",
    S.BLOCKED: "yellow", S.READY: "bold", S.WAITING: "dim", S.RUNNING: "bold blue",
    S.NOT_STARTED: "dim", S.STALE: "bold yellow",
}


class SessionBar(Static):
    """Project, version, channel, branch and online/offline: what a captain must never misread."""

    DEFAULT_CSS = """
    SessionBar { height: 1; background: $primary-background; color: $text; padding: 0 1; }
    """
