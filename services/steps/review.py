"""Step ``review``: not automated yet; its check says so plainly."""

from services.runbook import NotBuiltStep

STEP = NotBuiltStep(
    'review',
    'Review the draft',
    "Read the draft as GitHub shows it and compare title, tag, body and every asset's size and digest.",
    needs_network=True,
    irreversible=False,
)
