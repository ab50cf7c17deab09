"""Step ``handoff-back``: the signed release returns from the air-gapped workstation."""

from __future__ import annotations

from services.steps.handoff_common import HandoffStep


class HandoffBack(HandoffStep):
    id = "handoff-back"
    description = ("Carry the signed tag, signatures, checksums and smoke sign-offs back to the "
                   "online machine in a bundle whose manifest is signed with the pinned key. On "
                   "one workstation there is nothing to carry.")
    direction = "to-online"


STEP = HandoffBack()
