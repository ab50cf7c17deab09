"""A DataTable whose columns are as wide as what they show from the moment it is drawn.

Why: Textual's DataTable measures the cells of new rows later, when its queue goes idle, and a
line drawn in between (the header, drawn with the labels' widths) is kept in its line cache after
the columns widen, as nothing clears it then. Walked on the review screen: "asset  expected
attached  digest" stayed squeezed above rows 30 columns wider until something repainted it, and
the 80x24 review snapshot caught it on one CI run in two. Columns given a width up front are
never re-measured, so whatever is drawn first is drawn right.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import DataTable

Cell = str | Text


def width_of(cell: Cell) -> int:
    return cell.cell_len if isinstance(cell, Text) else cell_len(cell)


def fill(table: DataTable[Cell], labels: Sequence[str], rows: Sequence[Sequence[Cell]], *,
         keys: Sequence[str] | None = None, at_least: Mapping[str, int] | None = None) -> None:
    """Show ``rows`` under ``labels``, each column as wide as its widest cell or label (or
    ``at_least[label]``, for a column whose cells change later: an upload's progress)."""
    table.clear(columns=True)
    floor = at_least or {}
    for index, label in enumerate(labels):
        width = max([cell_len(label), floor.get(label, 0), *(width_of(r[index]) for r in rows)])
        table.add_column(label, width=width, key=label)
    for number, row in enumerate(rows):
        table.add_row(*row, key=keys[number] if keys is not None else None)
