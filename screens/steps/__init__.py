"""Per-step screens, each mirroring ``services/steps/<module>.py``, and which step gets which.

``SCREENS`` is the one explicit map from a step id to its screen class ("module:Class", imported
only when the screen opens, so the home screen's first frame loads none of them); a step not
listed gets the generic :class:`screens.step.StepScreen`. Adding a step's screen is one module
here and one line in ``SCREENS``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from screens.step import StepScreen

SCREENS: dict[str, str] = {
    "hotfix-branch": "screens.steps.hotfix_branch:HotfixBranchScreen",
    "preflight": "screens.steps.preflight:PreflightScreen",
    "changelog": "screens.steps.changelog:ChangelogScreen",
    "migration": "screens.steps.migration:MigrationScreen",
    "artifacts": "screens.steps.artifacts:ArtifactsScreen",
    "smoke": "screens.steps.smoke:SmokeScreen",
    "sign": "screens.steps.sign:SignScreen",
    "draft": "screens.steps.draft:DraftScreen",
    "review": "screens.steps.review:ReviewScreen",
    "publish": "screens.steps.publish:PublishScreen",
    "post-release": "screens.steps.post_release:PostReleaseScreen",
    "handoff-out": "screens.steps.handoff:HandoffScreen",
    "handoff-back": "screens.steps.handoff:HandoffScreen",
}


def screen_class(step_id: str) -> type[StepScreen[Any]]:
    """The screen class for ``step_id``: its own from ``SCREENS``, else the generic one."""
    from screens.step import StepScreen

    where = SCREENS.get(step_id)
    if where is None:
        return StepScreen
    module_name, _, class_name = where.partition(":")
    found: type[StepScreen[Any]] = getattr(importlib.import_module(module_name), class_name)
    return found
