"""The checklist's Step pane: the highlighted row's status, why it is blocked and what to do,
then its description and evidence (moved out of :mod:`screens.home`, at its size limit)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from screens.widgets import STATUS_STYLE
from services.marks import MARKS

if TYPE_CHECKING:
    from services.overview import OverviewRow


def detail_text(row: OverviewRow) -> Text:
    """What the Step pane shows for ``row``: what a captain needs first comes first."""
    from screens.step_render import render_blockers, render_evidence

    text = Text(f"{row.title}  ({row.id})\n", style="bold")
    flags = [f for f, on in (("needs network", row.needs_network),
                             ("irreversible", row.irreversible)) if on]
    if flags:
        text.append(" · ".join(flags) + "\n", style="yellow")
    if row.status is not None:  # what a captain needs first: status and why it is blocked
        text.append(f"Status: {MARKS.get(row.status, '?')} {row.status}\n",
                    style=STATUS_STYLE.get(row.status, ""))
        if row.reason:
            text.append(f"Reason: {row.reason}\n")
        text.append_text(render_blockers(row.blockers, tui=True, away=True))
        if row.on_its_screen:  # not where they are done elsewhere (the other machine)
            # a blocker with no remedy has no → line: its sentence says what is wrong
            arrows = any(blocker.tui_remedy for blocker in row.blockers)
            text.append("Enter opens this step's screen, to do what the → lines say.\n" if arrows
                        else "Enter opens this step's screen.\n", style="dim")
    text.append(f"\n{row.description}\n\n")
    if row.status is not None:
        text.append_text(render_evidence(row.evidence))
    return text
