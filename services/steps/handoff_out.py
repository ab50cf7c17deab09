"""Step ``handoff-out``: the prepared release goes to the air-gapped signing workstation."""

from __future__ import annotations

from services.steps.handoff_common import HandoffStep


class HandoffOut(HandoffStep):
    id = "handoff-out"
    description = ("Carry the prepared release (commit, session, journal, notes, artifacts) to the "
                   "air-gapped signing workstation in a verified bundle. On one workstation there "
                   "is nothing to carry.")
    direction = "to-offline"


STEP = HandoffOut()
