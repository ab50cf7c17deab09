"""Step ``notes``: not automated yet; its check says so plainly."""

from services.runbook import NotBuiltStep

STEP = NotBuiltStep(
    'notes',
    'Release notes',
    'The release notes: the CHANGELOG section verbatim, with links to CHANGELOG.md and MIGRATION.md at the tag.',
    needs_network=False,
    irreversible=False,
)
