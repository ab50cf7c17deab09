"""Step ``handoff``: not automated yet; its check says so plainly.

On a single machine (no air gap) a captain skips it with a reason; the bundle export/import that
carries a release to the signing workstation is a later capability.
"""

from services.runbook import NotBuiltStep

STEP = NotBuiltStep(
    "handoff",
    "Hand-off bundle",
    "Carry the release between the online machine and the air-gapped signing workstation in a "
    "verified bundle.",
)
