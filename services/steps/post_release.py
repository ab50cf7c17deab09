"""Step ``post-release``: not automated yet; its check says so plainly."""

from services.runbook import NotBuiltStep

STEP = NotBuiltStep(
    'post-release',
    'Reopen [Unreleased]',
    'Re-add an empty [Unreleased] section at the top of CHANGELOG.md and point its footer link at vX.Y.Z...HEAD.',
    needs_network=False,
    irreversible=False,
)
