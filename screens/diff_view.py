"""A unified diff as the TUI's diff views show it: the change near the top, long lines wrapped.

Walked at 80x24: the changelog step's confirmation first showed only the diff's context (the
file's long "The format is based on [Keep a Changelog](https://...)" lines, two rows each); the
change itself (the [Unreleased] heading moved to the new version and its date) was below the
fold, on the step screen's plan too. Each hunk keeps :data:`CONTEXT` line of context on either
side here (the command line's ``--dry-run`` and ``--json`` keep git's three), with its ``@@``
header counted again, and :func:`first_change` says which row the confirmation scrolls to.

And a markdown link longer than a row was cut wherever the row ended, mid-word (textwrap fills
a row's end with the start of a word too long for any row). Such a word is broken after a
URL's "/" (or "?", "&", "=", "#"), else after a "-" or "_", else after a "."; it begins in the
row it comes to when that row has such a place for it, else on the next row, and only a word
with no such place at all is cut at the row's end.
"""

from __future__ import annotations

import re

from rich.console import Console
from rich.text import Text

CONTEXT = 1  # context lines kept before and after each hunk's changes
HUNK = re.compile(r"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@(.*)")
BREAKS = ("/?&=#", "-_", ".")  # where a long word breaks, in order of preference
INDENT = "  "  # a wrapped line's rows after the first, in from its own text
STYLES = {"+": "green", "-": "red", "@": "cyan"}


def trimmed(diff: str, context: int = CONTEXT) -> str:
    """``diff`` (``difflib.unified_diff``'s form) with at most ``context`` context lines before
    and after each hunk's changes; the ``@@`` ranges say the lines that are left."""
    lines = diff.split("\n")
    end = lines.pop() if lines and lines[-1] == "" else None  # the text's last newline
    out: list[str] = []
    hunk: list[str] = []
    header: re.Match[str] | None = None

    def flush() -> None:
        if header is None:
            return
        same = [line == "" or line.startswith(" ") for line in hunk]  # "": a blank one, stripped
        lead = same.index(False) if False in same else len(hunk)
        tail = same[::-1].index(False) if False in same else len(hunk)
        drop_lead, drop_tail = max(0, lead - context), max(0, tail - context)
        old = _start(header[1], header[2]) + drop_lead
        new = _start(header[3], header[4]) + drop_lead
        old_len = _length(header[2]) - drop_lead - drop_tail
        new_len = _length(header[4]) - drop_lead - drop_tail
        out.append(f"@@ -{_range(old, old_len)} +{_range(new, new_len)} @@{header[5]}")
        out.extend(hunk[drop_lead:len(hunk) - drop_tail])

    for line in lines:
        found = HUNK.fullmatch(line)
        if found is not None:
            flush()
            header, hunk = found, []
        elif header is None:
            out.append(line)  # the "---" and "+++" lines
        else:
            hunk.append(line)
    flush()
    return "\n".join(out) + ("\n" if end is not None else "")


def _start(begin: str, length: str | None) -> int:
    """A range's first line, 0-based (difflib writes an empty range's start one lower)."""
    return int(begin) if length == "0" else int(begin) - 1


def _length(length: str | None) -> int:
    return 1 if length is None else int(length)


def _range(start: int, length: int) -> str:
    """As difflib writes a range (``_format_range_unified``)."""
    if length == 1:
        return str(start + 1)
    return f"{start if not length else start + 1},{length}"


def diff_line(line: str, width: int) -> Text:
    """One line of a diff, coloured, its text wrapped at ``width`` (0: not wrapped) with the
    ``+``, ``-`` or space alone in the first column and the rows after the first two columns in
    from the line's text (so a row reads neither as a line of the file nor as a changed one)."""
    style = "bold" if line[:3] in ("---", "+++") else STYLES.get(line[:1], "")
    rows = wrapped(line[1:], width - 1) if width and len(line) > width else [line[1:]]
    return Text(line[:1] + "\n ".join(rows), style=style)


def wrapped(text: str, width: int) -> list[str]:
    """``text`` in rows of at most ``width`` (at least 3), at its spaces. A word longer than any
    row (a link) is broken where :func:`_cut` finds a good place, begun in the row it comes to
    when there is one there, else on the next; rows after the first start with
    :data:`INDENT`, and the first keeps the line's own indent."""
    width = max(len(INDENT) + 1, width)
    rows: list[str] = []
    row = ""
    for chunk in re.findall(r" +|[^ ]+", text.expandtabs()):
        if chunk[0] == " ":
            if row.strip() or not rows:  # none at the start of a wrapped row
                row += chunk
            continue
        if len(row) + len(chunk) > width and row.strip() and len(INDENT + chunk) <= width:
            rows.append(row.rstrip())  # a word that fits a row goes whole to the next one
            row = INDENT
        while len(row) + len(chunk) > width:  # longer than any row: broken
            whole = row + chunk
            cut = _cut(whole, width, len(row))
            if not cut and row.strip():  # no good place left in this row: the next one
                rows.append(row.rstrip())
                row = INDENT
                continue
            rows.append(whole[:cut or width])
            row, chunk = INDENT, whole[cut or width:]
        row += chunk
    rows.append(row.rstrip())
    return rows


def _cut(row: str, width: int, start: int) -> int:
    """Where a word too long for any row is broken: after its last "/", "?", "&", "=" or "#"
    (a URL's parts) that fits, else its last "-" or "_" (a slug's words), else its last "."
    (not "flashing." and "html" apart when a slash will do); past ``start`` (where the word
    begins in ``row``). Begun after other words, only a URL's parts will do; in a row of its
    own, the break is in the row's second half. 0: none there."""
    after_text = start > len(INDENT)  # begun after other words: only at a URL's own parts
    lowest = start + 1 if after_text else max(start + 1, width // 2)
    for marks in BREAKS[:1] if after_text else BREAKS:
        at = max((i + 1 for i in range(lowest - 1, width) if row[i] in marks), default=0)
        if at:
            return at
    return 0


def diff_text(diff: str, width: int) -> Text:
    """``diff`` as a diff view shows it: :func:`trimmed` to :data:`CONTEXT` line around each
    change, each line coloured and wrapped at ``width`` (:func:`diff_line`; 0: not wrapped)."""
    out = Text()
    for number, line in enumerate(trimmed(diff.removesuffix("\n")).split("\n")):
        if number:
            out.append("\n")
        out.append(diff_line(line, width))
    return out


def scroll_to_change(console: Console, body: Text, width: int, shown: int) -> int:
    """How far to scroll a view of ``body`` (holding a diff view's rows, drawn ``width`` wide)
    that shows ``shown`` rows, so that the diff's first change is whole in sight with a row of
    context above it: as little as that takes (0: in sight already, or there is none)."""
    rows = ["".join(segment.text for segment in line) for line in console.render_lines(
        body, console.options.update_width(max(1, width)), pad=False)]
    found = first_change(rows)
    if found is None:
        return 0
    first, last = found
    return max(0, min(last - shown + 1, first - 1))


def first_change(rows: list[str]) -> tuple[int, int] | None:
    """The rows (first, last) of the first run of changed lines among a diff view's ``rows``
    (after a ``@@`` row: a ``+`` or ``-`` row, and the rows that wrap it); None: no change."""
    hunk = next((i for i, row in enumerate(rows) if row.startswith("@@")), None)
    if hunk is None:
        return None
    first = next((i for i in range(hunk + 1, len(rows)) if rows[i][:1] in ("+", "-")), None)
    if first is None:
        return None
    last = first
    while last + 1 < len(rows) and (rows[last + 1][:1] in ("+", "-") or
                                    rows[last + 1].startswith(" " + INDENT)):
        last += 1
    return first, last
