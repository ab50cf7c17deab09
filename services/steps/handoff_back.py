"""Step ``handoff-back``: the signed release returns from the air-gapped workstation."""

from __future__ import annotations

from services.steps.handoff_common import HandoffStep


class HandoffBack(HandoffStep):
    id = "handoff-back"
    direction = "to-online"


STEP = HandoffBack()
