"""Step ``migration``: not automated yet; its check says so plainly."""

from services.runbook import NotBuiltStep

STEP = NotBuiltStep(
    'migration',
    'MIGRATION.md section',
    'MIGRATION.md must have a section for this version transition, or say that no migration is required (not allowed for a MAJOR bump).',
    needs_network=False,
    irreversible=False,
)
