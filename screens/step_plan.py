"""The step screen's "What running it will do:" section, its diffs wrapped as a confirmation's.

Walked at 80x24: the release notes step's diff wrapped its long ``+`` line ("+See [CHANGELOG.md]
(https://…) and …") back to the left edge, where each row read as a line of the notes, while the
confirmation's diff (:func:`screens.step_render.plan_body`) wraps at words two columns in from
its own line's text. The section is drawn from the same ``plan_body``, at the width it is drawn
at (a resize wraps it again), with the commands, API calls and notes after it as ``--dry-run``
says them (their own lines hang under their ``$`` as before, :mod:`screens.hanging`).
"""

from __future__ import annotations

from dataclasses import replace

from rich.text import Text
from textual.content import Content

from screens.hanging import Hanging
from screens.step_render import plan_body
from services.step_protocol import Plan
from services.wording import single_width

HEADING = "What running it will do:\n"


def plan_text(plan: Plan, width: int) -> Text:
    """``plan`` as :meth:`Plan.render` says it (summary, changes, commands, API calls, notes),
    its diffs from :func:`plan_body` wrapped at ``width`` (0: unwrapped) and coloured."""
    rest = replace(plan, summary="", changes=[]).render()  # "" when there is nothing else
    return plan_body(replace(plan, notes=[]), width) + Text(single_width(rest))


def section_text(plan: Plan, width: int) -> Text:
    return Text(HEADING, style="bold") + plan_text(plan, width)


class PlanSection(Hanging):
    """The section's text: unwrapped as ``str()`` reads it, wrapped where it is drawn."""

    def __init__(self, plan: Plan) -> None:
        whole = Content.from_rich_text(section_text(plan, 0))
        super().__init__(whole.plain, list(whole.spans))
        self.plan = plan
        self.wrapped: dict[int, Content] = {}  # by width: a layout asks its height, then draws

    def hung(self, width: int) -> Content:
        if width not in self.wrapped:
            text = Content.from_rich_text(section_text(self.plan, width))
            self.wrapped[width] = Hanging(text.plain, list(text.spans)).hung(width)
        return self.wrapped[width]
