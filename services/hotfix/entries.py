"""The hotfix's CHANGELOG edits, as line edits through the changelog facade.

On the hotfix branch: a ``### Fixed`` entry per picked commit (its subject) under ``[Unreleased]``,
for the captain to edit; the base tag's file has no ``[Unreleased]`` (the release moved it), so it
is reopened first, the way the file wrote it. On merge-back: the default branch's CHANGELOG gets the
hotfix version's section (and its footer link) below its own ``[Unreleased]``, whose entries stay.
"""

from __future__ import annotations

import semver

from services import changelog, versions
from services.changelog import Change, Changelog, ChangelogError, Edit, insertion

FIXED = "### Fixed"


def _body(line: str) -> str:
    return line.rstrip("\r\n")


def add_fixed(doc: Changelog, subjects: list[str]) -> Change:
    """``- subject`` lines under ``### Fixed`` in [Unreleased]; entries already there are kept
    once (a re-run after a kill adds nothing twice)."""
    return add_entries(doc, FIXED, [f"- {s}" for s in subjects])


def add_entries(doc: Changelog, kind: str, entries: list[str]) -> Change:
    """``entries`` (whole list-item lines) under the ``kind`` heading (``### Fixed``...) of
    [Unreleased], made when missing; an entry already there is not added twice."""
    heading = doc.unreleased
    if heading is None:
        raise ChangelogError(f"{doc.display} has no [Unreleased] section to add the fixes to.")
    start, end = doc.section_range(heading)
    lines, nl = doc.lines, doc.newline
    present = {_body(line).strip() for line in lines[start:end]}
    new = [f"{e}{nl}" for e in dict.fromkeys(entries) if e.strip() not in present]
    summary = f"Add {len(new)} {kind} entr{'y' if len(new) == 1 else 'ies'} to [Unreleased]."
    if not new:
        return Change(doc=doc, edits=[], summary="The fixes are already listed in [Unreleased].")
    fixed = next((i for i in range(start, end)
                  if _body(lines[i]).strip().lower() == kind.lower()), None)
    if fixed is not None:
        stop = next((i for i in range(fixed + 1, end) if _body(lines[i]).lstrip().startswith("#")),
                    end)
        while stop > fixed + 1 and not _body(lines[stop - 1]).strip():
            stop -= 1
        block = new if stop > fixed + 1 else [nl, *new]
        edit = insertion(doc, stop, block)
    elif any(_body(line).strip() for line in lines[start:end]):
        edit = insertion(doc, end, [nl, f"{kind}{nl}", nl, *new])
    else:
        edit = insertion(doc, heading.index + 1, [nl, f"{kind}{nl}", nl, *new])
    return Change(doc=doc, edits=[edit], summary=summary,
                  facts={"entries": [_body(n)[2:] for n in new]})


def insert_release_section(ours: Changelog, theirs: Changelog, version: str) -> Change:
    """``ours`` with the section of ``version`` from ``theirs`` (and its footer link) inserted in
    version order, i.e. right below [Unreleased] when ``version`` is the newest release; ours'
    own [Unreleased] entries and links are kept as they are."""
    source = theirs.heading_for(version)
    if source is None:
        raise ChangelogError(f"The hotfix's {theirs.display} has no section for {version}.")
    if ours.heading_for(version) is not None:
        return Change(doc=ours, edits=[], summary=f"{ours.display} already has [{version}].")
    nl = ours.newline
    _, end = theirs.section_range(source)
    block = [_body(line) + nl for line in theirs.lines[source.index:end]] + [nl]
    key = changelog_key(version)
    later = [h for h in ours.versions() if h.version and changelog_key(h.version) < key]
    if later:
        target = min(later, key=lambda h: h.index)
        edits = [Edit(target.index, target.index, tuple(block))]
    else:
        anchor = ours.unreleased or (ours.versions()[-1] if ours.versions() else None)
        if anchor is None:
            raise ChangelogError(f"{ours.display} has no sections to put [{version}] near.")
        _, stop = ours.section_range(anchor)
        edits = [insertion(ours, stop, [nl, *block[:-1]])]
    link = theirs.link_for(version)
    if link is not None and ours.link_for(version) is None:
        line = _body(theirs.lines[link.index]) + nl
        below = [k for k in ours.links if k.version and changelog_key(k.version) < key]
        if below:
            edits.append(Edit(below[0].index, below[0].index, (line,)))
        elif ours.link_for(None) is not None:
            index = ours.link_for(None).index + 1  # type: ignore[union-attr]
            edits.append(Edit(index, index, (line,)))
        else:
            edits.append(insertion(ours, len(ours.lines), [line]))
    shipped = _shipped(ours, block)
    edits += [Edit(index, index + 1, ()) for index in shipped]
    said = f"Insert the [{version}] section below [Unreleased] in {ours.display}"
    return Change(doc=ours, edits=edits, summary=said + (
        f"; {len([i for i in shipped if _entry(ours.lines[i])])} [Unreleased] entries it "
        "shipped leave [Unreleased]." if shipped else "."))


def compare_from_the_hotfix(doc: Changelog, tag: str, tag_format: str) -> Change:
    """[Unreleased]'s compare link from ``tag``, the hotfix's, when it compared from an older
    release (``v1.3.0...HEAD`` after v1.3.1 went in): the hotfix is then the default branch's
    newest release, and the next release's changelog move would compare from it too. A link
    from a newer release (v1.4.0, when v1.3.1 is on an older line), one that is not a compare
    link, or one from a ref that is not a release tag is left as it is."""
    link = doc.link_for(None)
    parsed = changelog.parse_url(link.url) if link is not None else None
    new = versions.version_from_tag(tag, tag_format)
    old = versions.version_from_tag(parsed.a, tag_format) \
        if parsed is not None and parsed.kind == "compare" else None
    if new is None or old is None or old >= new:
        return Change(doc=doc, edits=[], summary=f"[Unreleased] in {doc.display} already "
                      "compares from the newest release.")
    return changelog.relink_unreleased(doc, tag)


def _entry(line: str) -> bool:
    return line.lstrip().startswith(("- ", "* "))


def _shipped(ours: Changelog, block: list[str]) -> list[int]:
    """Lines of ours' [Unreleased] to drop because the hotfix section now lists them: the fix's
    own entry, brought to the default branch with the fix, would otherwise be announced again
    in the next release. Only one-line entries identical to the section's; a ``###`` heading
    left with no entries goes too, and so do the blank lines that would be left doubled."""
    if ours.unreleased is None:
        return []
    listed = {_body(line).strip() for line in block if _entry(line)}
    start, stop = ours.section_range(ours.unreleased)
    lines = ours.lines
    gone = {i for i in range(start, stop) if _entry(lines[i]) and _body(lines[i]).strip() in listed
            and (i + 1 >= stop or not lines[i + 1].strip() or not lines[i + 1][:1].isspace())}
    heading, kept, dropped = None, False, False
    for i in [*range(start, stop), stop]:
        if i == stop or lines[i].startswith("### "):
            if heading is not None and dropped and not kept:  # every entry under it shipped
                gone.add(heading)
                if heading + 1 < stop and not lines[heading + 1].strip():
                    gone.add(heading + 1)
            heading, kept, dropped = i, False, False
        elif i in gone:
            dropped = True
        elif lines[i].strip():
            kept = True
    last = stop - 1
    while last >= start and (last in gone or not lines[last].strip()):
        if not lines[last].strip():
            gone.add(last)
        last -= 1
    return sorted(gone) if any(_entry(lines[i]) for i in gone) else []


def changelog_key(version: str) -> semver.Version:
    try:
        return versions.parse_version(version)
    except versions.VersionError:
        return semver.Version(0)


def parse_bytes(raw: bytes, display: str) -> Changelog:
    return changelog.parse(raw, display)
