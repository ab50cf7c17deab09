"""Step ``hotfix-branch``: not automated yet; its check says so plainly."""

from services.step_protocol import NotBuiltStep

STEP = NotBuiltStep(
    'hotfix-branch',
    'Branch hotfix/vX.Y.Z from the shipped tag and cherry-pick the minimal fix from main.',
)
