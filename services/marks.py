"""One mark per step status, shared by `release-console status` and the TUI checklist.

A module of its own so the TUI's first frame can use it without importing the engine.
"""

from services.step_status import StepStatus

S = StepStatus
MARKS: dict[StepStatus, str] = {
    S.DONE: "✔", S.SKIPPED: "↷", S.FAILED: "✘", S.INTERRUPTED: "⚠", S.RUNNING: "…",
    S.BLOCKED: "✋", S.READY: "▶", S.WAITING: "·", S.STALE: "↺", S.NOT_STARTED: " ",
}
