"""Edits to a changelog as a few line replacements, never a re-serialisation of the file.

Each operation (move, reopen, yank) computes a short list of :class:`Edit` s against the parsed
lines. The new text is the old lines with those slices replaced, so every other byte (line endings,
trailing spaces, odd blank lines, a missing final newline) is exactly as the captain left it, and
the diff shown before writing is built from the same edits that will be written.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from services.atomic import write_bytes_atomic
from services.changelog.model import Changelog, ChangelogError, body, ending, read_bytes


@dataclass(frozen=True)
class Edit:
    """Replace ``lines[start:stop]`` with ``new`` (each new line carries its own ending)."""

    start: int
    stop: int
    new: tuple[str, ...]


@dataclass
class Change:
    """The result of an operation: the edits, what they mean, and facts for the journal."""

    doc: Changelog
    edits: list[Edit]
    summary: str
    notes: list[str] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.edits)

    def lines(self) -> list[str]:
        return apply_edits(self.doc.lines, self.edits)

    def text(self) -> str:
        return "".join(self.lines())

    def data(self) -> bytes:
        return self.text().encode("utf-8")

    def sha256(self) -> str:
        return hashlib.sha256(self.data()).hexdigest()

    def diff(self, name: str | None = None) -> str:
        return unified_diff_of(self.doc.lines, self.edits, name or self.doc.display)

    def write(self) -> None:
        """Write atomically, refusing if the file changed since it was read."""
        path = self.doc.path
        if path is None:
            raise ChangelogError(f"{self.doc.display} was not read from a file; cannot write it.")
        if not self.edits:
            return
        if not self.doc.raw and not path.exists():
            write_bytes_atomic(path, self.data())  # a new file (MIGRATION.md created)
            return
        if not path.stat().st_mode & 0o222:
            # checked here too: os.access (used by the atomic writer) says yes to root
            raise ChangelogError(f"{self.doc.display} is read-only; nothing was written.",
                                 remedy="Make it writable (chmod u+w) and try again.")
        if read_bytes(path, self.doc.display) != self.doc.raw:
            raise ChangelogError(
                f"{self.doc.display} changed while it was being edited; nothing was written.",
                remedy="Run the command again.")
        write_bytes_atomic(path, self.data())


def apply_edits(lines: list[str], edits: list[Edit]) -> list[str]:
    """The lines with the edits made. A UTF-8 byte order mark belongs to the file, not to its
    first line: it stays first when that line is replaced or something is inserted above it."""
    result = list(lines)
    bom = bool(result) and result[0].startswith("\ufeff")
    if bom:
        result[0] = result[0][1:]
    for edit in sorted(edits, key=lambda e: (e.start, e.stop), reverse=True):
        new = list(edit.new)
        if bom and edit.start == 0 and new:  # an edit that copied the first line copied the mark
            new[0] = new[0].removeprefix("\ufeff")
        result[edit.start:edit.stop] = new
    if bom and result:
        result[0] = "\ufeff" + result[0]
    return result


def insertion(doc: Changelog, index: int, new_lines: list[str]) -> Edit:
    """Insert lines before ``index``; at the end of a file without a final newline the old last
    line gains one and the new last line goes without, so the file keeps its ending style."""
    lines = doc.lines
    if index == len(lines) and lines and not ending(lines[-1]) and new_lines:
        moved = [lines[-1] + doc.newline, *new_lines[:-1], body(new_lines[-1])]
        return Edit(index - 1, index, tuple(moved))
    return Edit(index, index, tuple(new_lines))


def unified_diff_of(lines: list[str], edits: list[Edit], name: str, context: int = 3) -> str:
    """A unified diff built from the edits (linear in the file size, unlike difflib)."""
    if not edits:
        return ""
    ordered = sorted(edits, key=lambda e: (e.start, e.stop))
    groups: list[list[Edit]] = [[ordered[0]]]
    for edit in ordered[1:]:
        if edit.start - groups[-1][-1].stop <= 2 * context:
            groups[-1].append(edit)
        else:
            groups.append([edit])
    shown = name.lstrip("/")
    out = [f"--- a/{shown}\n", f"+++ b/{shown}\n"]
    shift = 0  # new-file line offset accumulated from earlier groups
    for group in groups:
        lo = max(0, group[0].start - context)
        hi = min(len(lines), group[-1].stop + context)
        hunk: list[str] = []
        old_count = new_count = 0
        cursor = lo
        for edit in group:
            for line in lines[cursor:edit.start]:
                hunk.append(" " + _shown(line))
                old_count += 1
                new_count += 1
            for line in lines[edit.start:edit.stop]:
                hunk.append("-" + _shown(line))
                old_count += 1
            for line in edit.new:
                hunk.append("+" + _shown(line))
                new_count += 1
            cursor = edit.stop
        for line in lines[cursor:hi]:
            hunk.append(" " + _shown(line))
            old_count += 1
            new_count += 1
        old_start = lo + 1 if old_count else lo
        new_start = lo + shift + 1 if new_count else lo + shift
        out.append(f"@@ -{old_start},{old_count} +{new_start},{new_count} @@\n")
        out.extend(hunk)
        shift += new_count - old_count
    return "".join(out)


def _shown(line: str) -> str:
    return line if ending(line) else line + "\n\\ No newline at end of file\n"
