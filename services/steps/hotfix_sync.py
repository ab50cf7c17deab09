"""Step ``hotfix-sync``: not automated yet; its check says so plainly."""

from services.step_protocol import NotBuiltStep

STEP = NotBuiltStep(
    'hotfix-sync',
    'Fast-forward main with the hotfix (or merge it) so the fix is not lost on the next release.',
)
