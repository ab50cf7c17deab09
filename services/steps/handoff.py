"""Step ``handoff``: not automated yet; its check says so plainly."""

from services.runbook import NotBuiltStep

STEP = NotBuiltStep(
    'handoff',
    'Hand-off bundle',
    'Carry the release between the online machine and the air-gapped signing workstation in a verified bundle.',
    needs_network=False,
    irreversible=False,
)
