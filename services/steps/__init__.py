"""One module per runbook step; each defines ``STEP``. ``registry()`` collects them by id.

A step's module mirrors its screen in ``screens/`` so the code and its view are easy to find from
each other.
"""

from __future__ import annotations

import importlib
from functools import cache

from services.runbook import Step

STEP_MODULES = (
    "preflight", "changelog", "migration", "notes", "artifacts", "smoke", "checksums", "sign",
    "tag", "handoff", "push", "draft", "review", "publish", "post_release",
    "hotfix_branch", "hotfix_sync", "yank_github", "yank_changelog",
)


@cache
def registry() -> dict[str, Step]:
    steps: dict[str, Step] = {}
    for name in STEP_MODULES:
        module = importlib.import_module(f"services.steps.{name}")
        step: Step = module.STEP
        if step.id in steps:
            raise RuntimeError(f"duplicate step id {step.id!r}")
        steps[step.id] = step
    return steps
