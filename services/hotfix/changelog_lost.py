"""What merge-back's own CHANGELOG resolution would drop of the hotfix's changes.

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
"""

from __future__ import annotations

from services import changelog
from services.changelog import Changelog

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


def _trimmed(lines: list[str]) -> tuple[str, ...]:
    """The part's lines without the blank lines around it: inserting or removing a section next
    to it moves blank lines, not text."""
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return tuple(lines[start:end])


def parts(doc: Changelog, version: str) -> dict[tuple[str, ...], tuple[str, ...]]:
    """The file cut into named parts, leaving out the ones the hotfix's move may change:
    [Unreleased] (its section and link) and ``version``'s section and link."""
    skipped_links = {link.index for link in doc.links
                     if link.unreleased or link.version == version}
    found: dict[tuple[str, ...], tuple[str, ...]] = {}
    links = {link.index for link in doc.links}
    heads = sorted(doc.headings, key=lambda h: h.index)
    footer = doc.footer_start
    starts = [0, *(h.index for h in heads if h.index < footer)]
    stops = [*starts[1:], footer]
    seen: dict[str, int] = {}
    for number, (start, stop) in enumerate(zip(starts, stops, strict=True)):
        lines = [doc.lines[i] for i in range(start, stop) if i not in links]
        if number == 0:
            found[(PREAMBLE,)] = _trimmed(lines)
            continue
        heading = heads[number - 1]
        if heading.unreleased or heading.version == version:
            continue
        label = heading.version or ""
        seen[label] = seen.get(label, 0) + 1
        found[("section", label, str(seen[label]))] = _trimmed(lines)
    for link in doc.links:
        if link.index not in skipped_links:
            found[("link", link.version or "")] = (doc.lines[link.index],)
    found[(FOOTER,)] = tuple(doc.lines[i] for i in range(footer, len(doc.lines))
                             if i not in links and doc.lines[i].strip())
    return found


def lost(base: bytes | None, tag: bytes, result: bytes, *, version: str,
         display: str) -> list[str]:
    """The parts of the CHANGELOG the hotfix changed (``tag``'s file against ``base``'s, the
    base tag's; a missing base file counts as empty) that ``result``, the rebuilt file, does
    not carry, named for the captain, in file order."""
    theirs = parts(changelog.parse(tag, display), version)
    before = parts(changelog.parse(base, display), version) if base is not None else {}
    after = parts(changelog.parse(result, display), version)
    keys = list(dict.fromkeys([*theirs, *before]))
    return [_key_name(key) for key in keys
            if theirs.get(key) != before.get(key) and after.get(key) != theirs.get(key)]


def named(parts_lost: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(parts_lost) < 3:
        return " and ".join(parts_lost)
    return ", ".join(parts_lost[:-1]) + " and " + parts_lost[-1]
