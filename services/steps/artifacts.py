"""Step ``artifacts``: not automated yet; its check says so plainly."""

from services.runbook import NotBuiltStep

STEP = NotBuiltStep(
    'artifacts',
    'Artifacts present',
    'Every artifact the policy expects, for every architecture, is present in the build directory and not empty.',
    needs_network=False,
    irreversible=False,
)
