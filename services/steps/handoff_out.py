"""Step ``handoff-out``: the prepared release goes to the air-gapped signing workstation."""

from __future__ import annotations

from services.steps.handoff_common import HandoffStep


class HandoffOut(HandoffStep):
    id = "handoff-out"
    direction = "to-offline"


STEP = HandoffOut()
