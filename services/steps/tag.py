"""Step ``tag``: not automated yet; its check says so plainly."""

from services.runbook import NotBuiltStep

STEP = NotBuiltStep(
    'tag',
    'Signed tag',
    'A signed, annotated tag on the release commit, verified with git verify-tag.',
    needs_network=False,
    irreversible=False,
)
