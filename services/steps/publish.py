"""Step ``publish``: not automated yet; its check says so plainly."""

from services.runbook import NotBuiltStep

STEP = NotBuiltStep(
    'publish',
    'Publish',
    'Publish the reviewed draft: stable becomes latest, rc a pre-release.',
    needs_network=True,
    irreversible=True,
)
