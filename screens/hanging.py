"""Text whose wrapped lines hang under the first line's text, past its bullet, arrow or label.

A blocker's "• reason" and "  → remedy" wrapped to the panel's left edge at 80 columns, so the
remedy's second line read like a line of its own (the checklist's detail panel, a step screen's
blockers and its "To do:" line); so did a plan's long "  $ git tag ..." command.
:class:`HangingStatic` shows any text so: each line's lead (its indent and a leading mark such as
"• ", "→ ", "✔ ", "$ ", a number's "1. " or "To do: ") is kept on the first row, and the rows
after it start under the text that follows. ``str()`` of what it renders is still the plain
text, unwrapped, as Textual's own content is. A list whose rows have their own lead (the hotfix
picker's "[x] sha ") passes its pattern to :func:`hanging`.
"""

from __future__ import annotations

import re

from rich.text import Text
from textual.content import Content
from textual.css.styles import RulesMap
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, VisualType
from textual.widgets import Static

LEAD = re.compile(r" *(?:[•→✔✘⚠·$-] |To do: |\d+\. )?")  # "1. " too: the publish list
NARROWEST = 12  # a hang leaving less room than this for the text is not worth it: no hang


class Hanging(Content):
    """:class:`Content` wrapped with a hanging indent per line (see the module's docstring)."""

    lead: re.Pattern[str] = LEAD  # what a line's lead is; the text after it is what hangs

    def hung(self, width: int) -> Content:
        """The lines wrapped to ``width``, each wrapped row after the first under its text."""
        rows: list[Content] = []
        for line in self.split("\n", allow_blank=True):
            found = self.lead.match(line.plain)
            lead = len(found.group()) if found else 0
            if not lead or width - lead < NARROWEST or line.cell_length <= width:
                rows.append(Content(line.plain, list(line.spans)))
                continue
            head, pad = line[:lead], Content(" " * lead)
            rows += [(head if i == 0 else pad) + part
                     for i, part in enumerate(line[lead:].wrap(width - lead))]
        return Content("\n").join(rows)

    def render_strips(self, width: int, height: int | None, style: Style,
                      options: RenderOptions) -> list[Strip]:
        return self.hung(width).render_strips(width, height, style, options)

    def get_height(self, rules: RulesMap, width: int) -> int:
        return self.hung(width).get_height(rules, width)


def hanging(content: VisualType, *, lead: re.Pattern[str] = LEAD) -> VisualType:
    """``content`` as :class:`Hanging` when it is text (a Rich ``Text``, plain ``str``), each
    line hanging past what ``lead`` matches at its start."""
    if isinstance(content, Hanging):
        return content
    if isinstance(content, Text):
        content = Content.from_rich_text(content)
    elif isinstance(content, str):
        content = Content(content)
    if type(content) is Content:
        hung = Hanging(content.plain, list(content.spans))
        hung.lead = lead
        return hung
    return content


class HangingStatic(Static):
    """A :class:`Static` whose text hangs under each line's lead when it wraps. Its text is
    never markup (step titles, git and GitHub words: see ``ReleaseConsoleApp.notify``)."""

    def __init__(self, content: VisualType = "", *, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(hanging(content), markup=False, id=id, classes=classes)

    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
        super().update(hanging(content), layout=layout)
