"""Step ``smoke``: not automated yet; its check says so plainly."""

from services.runbook import NotBuiltStep

STEP = NotBuiltStep(
    'smoke',
    'Hardware smoke sign-off',
    'Per architecture, a named tester ticks each smoke check on real hardware; any failure blocks the release.',
    needs_network=False,
    irreversible=False,
)
