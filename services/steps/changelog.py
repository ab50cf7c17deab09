"""Step ``changelog``: not automated yet; its check says so plainly."""

from services.runbook import NotBuiltStep

STEP = NotBuiltStep(
    'changelog',
    'Move [Unreleased] in CHANGELOG.md',
    'Move the [Unreleased] entries under a new version heading dated today, update the compare-link footer, show the diff and commit it.',
    needs_network=False,
    irreversible=False,
)
