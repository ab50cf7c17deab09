"""Step ``push``: not automated yet; its check says so plainly."""

from services.runbook import NotBuiltStep

STEP = NotBuiltStep(
    'push',
    'Push commit and tag',
    'Push the release commit and the signed tag to the remote; the tag goes up before the draft exists.',
    needs_network=True,
    irreversible=True,
)
