"""What merge-back's own CHANGELOG resolution would drop of the hotfix's changes, and carrying it.

merge-back resolves the CHANGELOG (a conflict, or a clean merge git got wrong) by rebuilding it:
the default branch's file plus only the hotfix version's section and its footer link. The hotfix's
changelog move legitimately changes just that section, [Unreleased] and the footer links of the
two; anything else the hotfix branch changed in the file (a typo fixed in an older release's
section, a corrected footer link, an edited preamble) would be silently lost by the rebuild. So
the file is cut into the parts a captain would name (the lines above the first section, each
release's section, each release's footer link, the footer's other lines), and a part counts as
lost when the hotfix changed it (the tag's differs from the base tag's) and the rebuilt file does
not have the tag's version of it (a change the default branch already made, a picked commit's,
is not lost). Comparing exact lines, trailing blank lines aside, fails closed: any doubt stops.

A lost part is carried into the rebuilt file when that is a plain three-way merge of the whole
part: the rebuilt file still has the base tag's version of it (the default branch did not touch
it), so the hotfix's version replaces it, as git would. A part changed on both sides, one the
hotfix added or removed (where it goes is the captain's call) and the footer's other lines are
not carried: merge-back stops and names them.
"""

from __future__ import annotations

from typing import NamedTuple

from services import changelog
from services.changelog import Change, Changelog, Edit, body

PREAMBLE = "preamble"
FOOTER = "footer"


def _key_name(key: tuple[str, ...]) -> str:
    """How the refusal names a part of the file."""
    kind = key[0]
    if kind == PREAMBLE:
        return "the lines above the first section"
    if kind == FOOTER:
        return "the footer's lines that are not release links"
    if kind == "link":
        return f"the footer link of {key[1]}"
    return f"the section of {key[1]}" + (f" (its copy {key[2]})" if key[2] != "1" else "")


class Part(NamedTuple):
    """A part's lines (blank lines around it aside) and where they are in the file: a run of
    lines a carry can replace, or None (the footer's scattered lines, a section with a link
    definition inside it)."""

    lines: tuple[str, ...]
    span: tuple[int, int] | None


def _part(doc: Changelog, start: int, stop: int, links: set[int]) -> Part:
    """Lines ``start`` to ``stop`` without link definitions and the blank lines around them."""
    while start < stop and (start in links or not doc.lines[start].strip()):
        start += 1
    while stop > start and (stop - 1 in links or not doc.lines[stop - 1].strip()):
        stop -= 1
    kept = tuple(doc.lines[i] for i in range(start, stop) if i not in links)
    return Part(kept, (start, stop) if len(kept) == stop - start else None)


def parts(doc: Changelog, version: str) -> dict[tuple[str, ...], Part]:
    """The file cut into named parts, leaving out the ones the hotfix's move may change:
    [Unreleased] (its section and link) and ``version``'s section and link."""
    skipped_links = {link.index for link in doc.links
                     if link.unreleased or link.version == version}
    found: dict[tuple[str, ...], Part] = {}
    links = {link.index for link in doc.links}
    heads = sorted(doc.headings, key=lambda h: h.index)
    footer = doc.footer_start
    starts = [0, *(h.index for h in heads if h.index < footer)]
    stops = [*starts[1:], footer]
    seen: dict[str, int] = {}
    for number, (start, stop) in enumerate(zip(starts, stops, strict=True)):
        if number == 0:
            found[(PREAMBLE,)] = _part(doc, start, stop, links)
            continue
        heading = heads[number - 1]
        if heading.unreleased or heading.version == version:
            continue
        label = heading.version or ""
        seen[label] = seen.get(label, 0) + 1
        found[("section", label, str(seen[label]))] = _part(doc, start, stop, links)
    for link in doc.links:
        if link.index not in skipped_links:
            found[("link", link.version or "")] = Part((doc.lines[link.index],),
                                                       (link.index, link.index + 1))
    found[(FOOTER,)] = Part(tuple(doc.lines[i] for i in range(footer, len(doc.lines))
                                  if i not in links and doc.lines[i].strip()), None)
    return found


def _three(base: bytes | None, tag: bytes, result: bytes, version: str, display: str) -> tuple[
        dict[tuple[str, ...], Part], dict[tuple[str, ...], Part], Changelog,
        dict[tuple[str, ...], Part]]:
    theirs = parts(changelog.parse(tag, display), version)
    before = parts(changelog.parse(base, display), version) if base is not None else {}
    doc = changelog.parse(result, display)
    return theirs, before, doc, parts(doc, version)


def _lines(part: Part | None) -> tuple[str, ...] | None:
    return part.lines if part is not None else None


def lost(base: bytes | None, tag: bytes, result: bytes, *, version: str,
         display: str) -> list[str]:
    """The parts of the CHANGELOG the hotfix changed (``tag``'s file against ``base``'s, the
    base tag's; a missing base file counts as empty) that ``result``, the rebuilt file, does
    not carry, named for the captain, in file order."""
    theirs, before, _, after = _three(base, tag, result, version, display)
    keys = list(dict.fromkeys([*theirs, *before]))
    return [_key_name(key) for key in keys
            if _lines(theirs.get(key)) != _lines(before.get(key))
            and _lines(after.get(key)) != _lines(theirs.get(key))]


def carry(base: bytes | None, tag: bytes, result: bytes, *, version: str,
          display: str) -> tuple[bytes, list[str]]:
    """``result`` with the hotfix's other changes carried into it where that is a plain
    three-way merge of a whole part: the part is in all three files, the hotfix changed it and
    ``result`` still has the base's (the default branch did not touch it), so the hotfix's
    version replaces it. Anything else (both sides changed a part, a part added or removed, the
    footer's other lines) is left for :func:`lost` to name. Returns the new bytes and the
    parts carried."""
    theirs, before, doc, after = _three(base, tag, result, version, display)
    edits: list[Edit] = []
    carried: list[str] = []
    for key, new in theirs.items():
        old, mine = before.get(key), after.get(key)
        if old is None or mine is None or mine.span is None or key == (FOOTER,):
            continue
        if new.lines != old.lines and mine.lines == old.lines and new.lines:
            start, stop = mine.span
            # the last line ends as the one it replaces: a tag's last line without a newline
            # must not run into the next line here
            last = body(new.lines[-1]) + doc.lines[stop - 1][len(body(doc.lines[stop - 1])):]
            edits.append(Edit(start, stop, (*new.lines[:-1], last)))
            carried.append(_key_name(key))
    if not edits:
        return result, []
    return Change(doc=doc, edits=sorted(edits, key=lambda e: e.start), summary="").data(), carried



def kept(base: bytes | None, tag: bytes, before: bytes, merged: bytes, *, version: str,
         display: str) -> list[str]:
    """The hotfix's other changes to the CHANGELOG (``tag``'s file against ``base``'s, its own
    section, link and [Unreleased] aside) that a merge already made brought into the default
    branch: ``merged``, the merge's file, has the tag's version of the part and ``before``, the
    default branch's file before it, did not. For merge-back's record of a merge it adopts,
    which says what it carried as the record of one it resolves itself does (a part added or
    removed counts too: the captain's resolution by hand may have kept it)."""
    theirs, old, _, after = _three(base, tag, merged, version, display)
    mine = parts(changelog.parse(before, display), version)
    keys = list(dict.fromkeys([*theirs, *old]))
    return [_key_name(key) for key in keys
            if _lines(theirs.get(key)) != _lines(old.get(key))
            and _lines(mine.get(key)) != _lines(theirs.get(key))
            and _lines(after.get(key)) == _lines(theirs.get(key))]
