"""Post-release: the generic step screen, asking what this release's post-release commits.

A promotion's post-release only re-points [Unreleased]'s compare link (its candidate reopened the
section), so its confirmation says that rather than "Reopen [Unreleased] ..."
(:func:`services.asks.post_release_question`).
"""

from __future__ import annotations

from typing import Any

from screens.step import StepScreen
from services.step_protocol import Context


class PostReleaseScreen(StepScreen[Any]):
    def question(self, ctx: Context) -> str:
        from services.asks import post_release_question

        return post_release_question(ctx)
