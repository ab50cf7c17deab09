"""Step ``draft``: not automated yet; its check says so plainly."""

from services.runbook import NotBuiltStep

STEP = NotBuiltStep(
    'draft',
    'GitHub draft and uploads',
    'Create (or reuse) the draft release with the notes as body, and upload every asset, resumably.',
    needs_network=True,
    irreversible=False,
)
