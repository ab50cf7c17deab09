"""A step as the checklist shows it, read from its stored record (kept out of
``services/engine.py``, which walks the runbook with these and runs the steps).

A status is read, never trusted as stored: a step marked running that no process runs any more
(the session's run lock is free) is interrupted, and says how to pick it up again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from services.session import StepRecord
from services.step_protocol import Blocker, Context, Step
from services.step_status import StepStatus


@dataclass
class StepView:
    """A step as the checklist shows it."""

    step: Step
    status: StepStatus
    blockers: list[Blocker] = field(default_factory=list)
    record: StepRecord = field(default_factory=StepRecord)

    @property
    def id(self) -> str:
        return self.step.id

    def to_json(self, ctx: Context) -> dict[str, Any]:
        return {
            "id": self.step.id,
            "title": self.step.title,
            "status": self.status,
            "needs_network": self.step.needs_network,
            "needs_token": ctx.needs_token(self.step),  # the policy's key: on a token?
            "irreversible": self.step.irreversible,
            "blockers": [{"reason": b.reason, "remedy": b.remedy} for b in self.blockers],
            "evidence": self.record.evidence,
            "started_at": self.record.started_at,
            "finished_at": self.record.finished_at,
            "reason": self.record.reason,
        }


def stored_status(record: StepRecord, busy: bool) -> StepStatus:
    """The stored status, with a run nobody is running any more reported as interrupted.

    ``busy`` says whether some process holds the session's run lock right now; a lock, unlike a
    pid, cannot be fooled by a reused process id after a crash or a reboot.
    """
    if record.status == StepStatus.RUNNING and not busy:
        return StepStatus.INTERRUPTED
    return record.status


def interrupted_blocker(step: Step, record: StepRecord) -> Blocker:
    """What an interrupted step waits for: the captain's look at what it left, then a run that
    picks up (each step's run skips work it finds done), so nothing is done twice."""
    return Blocker(
        f"The last run of '{step.title}' was interrupted (started {record.started_at}, "
        "the process is gone).",
        f"Check what it left (`release-console journal show`), then run it again with "
        f"`release-console run {step.id}`; it picks up without redoing finished work.",
        "Press r to run it again; it picks up without redoing finished work.",
    )
