"""Step ``yank-changelog``: not automated yet; its check says so plainly."""

from services.runbook import NotBuiltStep

STEP = NotBuiltStep(
    'yank-changelog',
    'Yank note in CHANGELOG.md',
    "Add the YANKED note under the version's CHANGELOG heading.",
    needs_network=False,
    irreversible=False,
)
