"""The changelog of a release candidate: ``[X.Y.Z]`` is written at rc.1 and grows with each rc.

A candidate ``X.Y.Z-rc.N`` ships the changes of the final ``X.Y.Z``: the stable release is tagged
on the rc's own commit, with no changelog commit of its own, so the section must already be the
final one when the rc is cut. rc.1 therefore moves ``[Unreleased]`` to ``[X.Y.Z] — DATE`` (the
ordinary move); a later rc folds whatever landed in ``[Unreleased]`` since into that section,
under the same ``### Kind`` sub-headings, and updates its date.
"""

from __future__ import annotations

import re
from datetime import date

from services.changelog.edit import Change, Edit
from services.changelog.files import refused
from services.changelog.model import Changelog, Heading, body, ending
from services.changelog.ops import move

DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def rc_change(doc: Changelog, version: str, day: date, *, tag: str, previous_tag: str | None,
              tag_format: str | None) -> Change:
    """The edit an rc of ``version`` (the final X.Y.Z) makes: the move at rc.1, a fold later."""
    heading = doc.heading_for(version)
    if heading is None:
        return move(doc, version, day, tag=tag, previous_tag=previous_tag, tag_format=tag_format)
    return fold(doc, heading, day)


def _groups(lines: list[str]) -> list[tuple[str, list[str]]]:
    """A section body as (sub-heading line or "", its lines), outer blank lines dropped."""
    groups: list[tuple[str, list[str]]] = [("", [])]
    for line in lines:
        if body(line).lstrip().startswith("#"):
            groups.append((line, []))
        else:
            groups[-1][1].append(line)
    for _, items in groups:
        while items and not body(items[-1]).strip():
            items.pop()
        while items and not body(items[0]).strip():
            items.pop(0)
    return [(h, items) for h, items in groups if h or items]


def _key(line: str) -> str:
    return " ".join(body(line).lstrip("#").split()).casefold()


def fold(doc: Changelog, heading: Heading, day: date) -> Change:
    """Move the [Unreleased] entries into ``heading``'s section and date it ``day``."""
    name = doc.display
    unreleased = doc.unreleased
    version = heading.version or ""
    if unreleased is None or not doc.entries(unreleased):
        if heading.date == day or heading.date is None:
            return Change(doc=doc, edits=[], summary=(
                f"[{version}] in {name} already holds every change; nothing new in "
                "[Unreleased] to fold in."), facts={"version": version, "folded": 0})
        return Change(doc=doc, edits=[_redate(doc, heading, day)],
                      summary=f"Date [{version}] in {name} {day.isoformat()}.",
                      facts={"version": version, "date": day.isoformat(), "folded": 0})
    if unreleased.index > heading.index:
        raise refused(f"{name} has [Unreleased] below [{version}]",
                      "move it above the newest version")
    nl = doc.newline
    new_start, new_end = doc.section_range(unreleased)
    incoming = _groups(doc.lines[new_start:new_end])
    start, end = doc.section_range(heading)
    current = _groups(doc.lines[start:end])
    folded = 0
    for sub, items in incoming:
        entries = [x if ending(x) else x + nl for x in items if body(x).strip()]
        folded += len(entries)
        target = next((i for i, (h, _) in enumerate(current) if _key(h) == _key(sub)), None)
        if target is None:
            current.append((sub if ending(sub) or not sub else sub + nl, entries))
        else:
            current[target][1].extend(entries)
    merged: list[str] = []
    for sub, items in current:
        if sub:
            merged += [nl, sub, nl] if merged else [sub, nl]
        merged += [x if ending(x) else x + nl for x in items]
    if start < len(doc.lines) and not body(doc.lines[start]).strip():
        merged.insert(0, nl)
    # [Unreleased] and its body go (through to the version heading); so does its footer link.
    edits = [Edit(unreleased.index, heading.index, ()), _redate(doc, heading, day),
             Edit(start, end, tuple(merged))]
    ulink = doc.link_for(None)
    if ulink is not None:
        edits.append(Edit(ulink.index, ulink.index + 1, ()))
    edits.sort(key=lambda e: e.start)
    return Change(doc=doc, edits=edits,
                  summary=(f"Fold {folded} new [Unreleased] entries of {name} into [{version}] "
                           f"and date it {day.isoformat()}."),
                  facts={"version": version, "date": day.isoformat(), "folded": folded})


def _redate(doc: Changelog, heading: Heading, day: date) -> Edit:
    line = doc.lines[heading.index]
    text = body(line)
    if DATE.search(text):
        text = DATE.sub(day.isoformat(), text, count=1)
    else:
        text = text.rstrip() + f" — {day.isoformat()}"
    return Edit(heading.index, heading.index + 1, (text + (ending(line) or doc.newline),))
