"""Step ``yank-github``: not automated yet; its check says so plainly."""

from services.runbook import NotBuiltStep

STEP = NotBuiltStep(
    'yank-github',
    'Yank on GitHub',
    'Mark the GitHub release as a pre-release, not latest, with a YANKED banner naming the reason and the replacement. Nothing is deleted.',
    needs_network=True,
    irreversible=True,
)
