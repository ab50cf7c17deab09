"""One mark per step status, shared by `release-console status` and the TUI checklist.

A module of its own so the TUI's first frame can use it without importing the engine.
"""

MARKS = {
    "done": "✔", "skipped": "↷", "failed": "✘", "interrupted": "⚠", "running": "…",
    "blocked": "✋", "ready": "▶", "waiting": "·", "stale": "↺", "not started": " ",
}
