"""Step ``checksums``: not automated yet; its check says so plainly."""

from services.runbook import NotBuiltStep

STEP = NotBuiltStep(
    'checksums',
    'Checksums',
    'sha256 of every artifact, written as .sha256 files that sha256sum -c accepts.',
    needs_network=False,
    irreversible=False,
)
