"""Every status a runbook step can have, as one enum.

A module of its own, importing nothing of the console, so the session file, the engine, the CLI's
``status`` and the TUI's first frame all share it without pulling in each other.

The values are the strings the session file (``.release/<tag>/session.json``) and
``release-console status --json`` have always carried: a :class:`~enum.StrEnum` member *is* its
string, so files written before this enum existed load unchanged and JSON stays the same.
"""

from __future__ import annotations

from enum import StrEnum


class StepStatus(StrEnum):
    # Stored in the session file.
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    SKIPPED = "skipped"
    FAILED = "failed"
    # Shown by the engine (``engine.views``), worked out from the stored status and the world.
    INTERRUPTED = "interrupted"  # stored running, but no process holds the run lock
    STALE = "stale"  # done, but what it relied on has changed since
    BLOCKED = "blocked"
    READY = "ready"
    WAITING = "waiting"  # an earlier step is not finished
    # Shown by the TUI's checklist before the engine has worked out the others.
    NOT_STARTED = "not started"


STORED = frozenset({StepStatus.PENDING, StepStatus.RUNNING, StepStatus.DONE, StepStatus.SKIPPED,
                    StepStatus.FAILED})
FINISHED = frozenset({StepStatus.DONE, StepStatus.SKIPPED})
