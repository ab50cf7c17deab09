"""Step ``sign``: not automated yet; its check says so plainly."""

from services.runbook import NotBuiltStep

STEP = NotBuiltStep(
    'sign',
    'Sign with the hardware token',
    'Detached signatures for every artifact with the key on the hardware token, each verified at once against the pinned public key.',
    needs_network=False,
    irreversible=False,
)
