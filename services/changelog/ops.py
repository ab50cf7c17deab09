"""The changelog operations of the runbook: move [Unreleased], reopen it, and the yank note.

``move`` followed by ``reopen`` gives what Keep a Changelog projects commit at a release; ``move``
alone is the PAI release commit, which has no [Unreleased] section. New lines copy the style of the
file's own lines (heading brackets, ``v`` prefix, separator and date format, link form, blank lines
between footer links, line endings); with no version heading to copy, ``style`` writes Keep a
Changelog's ``## [X.Y.Z] - YYYY-MM-DD`` if the file says it follows that format, else PAI style
``## [X.Y.Z] — YYYY-MM-DD``.
"""

from __future__ import annotations

import itertools
import re
from datetime import date

from services import versions
from services.changelog.edit import Change, Edit, insertion
from services.changelog.files import EmptyUnreleased, UnknownVersion, refused
from services.changelog.links import RefURL, infer_tag_format, link_template, parse_url
from services.changelog.model import Changelog, ChangelogError, LinkDef, body, ending, version_key
from services.changelog.style import new_heading, style_template

YANK_MARK = "**This release has been yanked.**"
YANK_NOTE = (YANK_MARK + " Reason: {reason}. Users on this version should upgrade to "
             "{replacement} immediately. See [MIGRATION.md](./MIGRATION.md).")
# A replacement older than the yanked version (`yank --allow-older`): "upgrade to" was untrue.
YANK_NOTE_OLDER = (YANK_MARK + " Reason: {reason}. Users on this version should downgrade to "
                   "{replacement} immediately. See [MIGRATION.md](./MIGRATION.md).")


def _version(text: str, name: str) -> str:
    try:
        return str(versions.parse_version(text))
    except versions.VersionError as err:
        raise UnknownVersion(f"{err.message[:-1]}, so {name} was not changed.",
                             remedy=err.remedy) from None


# --- footer layout ------------------------------------------------------------------------
def _layout(doc: Changelog) -> tuple[bool, bool]:
    """(descending, blank_separated) for the footer's version links."""
    ordered = []
    for link in sorted(doc.links, key=lambda lk: lk.index):
        if link.version is not None:
            try:
                ordered.append(version_key(link.version))
            except ValueError:
                continue
    down = sum(1 for a, b in itertools.pairwise(ordered) if a > b)
    up = sum(1 for a, b in itertools.pairwise(ordered) if a < b)
    indexes = sorted(link.index for link in doc.links)
    blank = tight = 0
    for a, b in itertools.pairwise(indexes):
        if b - a == 1:
            tight += 1
        elif b - a == 2 and not body(doc.lines[a + 1]).strip():
            blank += 1
    return down >= up, blank > tight


def _top_link(doc: Changelog) -> LinkDef | None:
    best: tuple[tuple[object, ...], LinkDef] | None = None
    for link in doc.links:
        if link.version is None:
            continue
        try:
            key = version_key(link.version)
        except ValueError:
            continue
        if best is None or key > best[0]:
            best = (key, link)
    return best[1] if best else None


def _only_blank_between(doc: Changelog, a: int, b: int) -> bool:
    lo, hi = sorted((a, b))
    return all(not body(line).strip() for line in doc.lines[lo + 1:hi])


def _link_line(doc: Changelog, label: str, url: str, like: LinkDef | None) -> str:
    ws = like.ws if like else " "
    return f"[{label}]:{ws}{like.target(url) if like else url}{doc.newline}"


def _no_link_note(doc: Changelog, what: str) -> str:
    """Why no footer link was written: none to copy, or none Release Console can rewrite."""
    if not doc.links:
        return f"{doc.display} has no footer links to copy, so no {what} link was added."
    return (f"The footer links of {doc.display} are not compare or tag URLs Release Console can "
            f"rewrite, so no {what} link was added; add it by hand if you want one.")


def unreleased_facts(doc: Changelog) -> dict[str, str]:
    """How ``doc`` writes its [Unreleased] heading and footer link, so ``reopen`` can write them
    back the same way after ``move`` took them out ("" where the file has none)."""
    heading = doc.unreleased
    link = doc.link_for(None)
    return {"unreleased_heading": body(doc.lines[heading.index]).lstrip("\ufeff")
            if heading else "",
            "unreleased_label": link.label if link else "",
            "unreleased_url": link.url if link else ""}


def _insert_link_near_top(doc: Changelog, top: LinkDef, line: str) -> Edit:
    """Put a link for the newest entry next to the current newest one, on the file's side."""
    descending, spaced = _layout(doc)
    blank = doc.newline
    if descending:
        return insertion(doc, top.index, [line, blank] if spaced else [line])
    return insertion(doc, top.index + 1, [blank, line] if spaced else [line])


def _delete_link(doc: Changelog, link: LinkDef) -> Edit:
    _, spaced = _layout(doc)
    start, stop = link.index, link.index + 1
    if spaced:
        lines = doc.lines
        if stop < len(lines) and not body(lines[stop]).strip():
            stop += 1
        elif start > 0 and not body(lines[start - 1]).strip():
            start -= 1
    return Edit(start, stop, ())


# --- move ---------------------------------------------------------------------------------------
def move(doc: Changelog, version: str, day: date, *, tag: str | None = None,
         previous_tag: str | None = None, tag_format: str | None = None) -> Change:
    """[Unreleased] -> VERSION dated DAY, with its footer link; the [Unreleased] heading and link go.

    ``previous_tag`` None means: read it from the file ([Unreleased]'s compare link, else the
    newest version); "" means this is the first release (a ``releases/tag`` link).
    """
    name = doc.display
    version = _version(version, name)
    existing = doc.heading_for(version)
    if existing is not None:
        raise refused(
            f"{name} already has a section for {version} (line {existing.index + 1})",
            "pick the next version", instead=f"Abandon this release and start the next version; "
            f"or, if that section was written by hand, turn it back into [Unreleased] and commit "
            f"{name}.")
    stale = doc.link_for(version)
    if stale is not None:
        raise refused(f"{name} already has a footer link [{stale.label}] (line {stale.index + 1}) "
                      f"but no section for {version}", "remove that stale link")
    unreleased = doc.unreleased
    if unreleased is None:
        raise refused(f"{name} has no [Unreleased] section", "add '## [Unreleased]' with this "
                      "release's changes above the newest version")
    top = doc.highest()
    if top is not None and top.version and version_key(version) < version_key(top.version):
        raise refused(
            f"{version} is lower than {top.version}, the newest version in {name}",
            "a release goes above the newest one", instead=f"Abandon this release and start one "
            f"above {top.version}; or, if that heading is wrong, correct it and commit {name}.")
    if not doc.entries(unreleased):
        raise EmptyUnreleased(
            f"The [Unreleased] section of {name} is empty; add the changes this release ships "
            "before moving it, nothing was changed.")
    fmt = tag_format or infer_tag_format(doc)
    new_tag = tag or fmt.format(version=version)
    ulink = doc.link_for(None)
    uparsed = parse_url(ulink.url) if ulink else None
    if previous_tag is None:
        if uparsed is not None and uparsed.kind == "compare" and uparsed.a:
            prev = uparsed.a
        elif top is not None and top.version:
            prev = fmt.format(version=top.version)
        else:
            prev = ""
    else:
        prev = previous_tag
    template = link_template(doc)
    url = ""
    if template is not None:
        url = (template.compare(prev, new_tag) if prev else template.tag(new_tag)).render()
    style = style_template(doc)
    inline = ""
    if style is not None and style.inline_url:
        parsed_inline = parse_url(style.inline_url[1:-1])
        if parsed_inline is not None:
            inline = (parsed_inline.compare(prev, new_tag) if prev
                      else parsed_inline.tag(new_tag)).render()
    heading = new_heading(doc, version, day, inline)
    label = (style.v if style else "") + version
    edits = [Edit(unreleased.index, unreleased.index + 1,
                  (heading + (ending(doc.lines[unreleased.index]) or doc.newline),))]
    notes: list[str] = list(doc.warnings)  # older irregularities: said, not refused
    link_text = ""
    if url:
        top_link = _top_link(doc)
        like = ulink or top_link
        line = _link_line(doc, label, url, like)
        link_text = body(line)
        descending, _ = _layout(doc)
        in_place = ulink is not None and (top_link is None or (
            _only_blank_between(doc, ulink.index, top_link.index)
            and (ulink.index < top_link.index) == descending))
        if ulink is not None and in_place:
            edits.append(Edit(ulink.index, ulink.index + 1,
                              (body(line) + (ending(doc.lines[ulink.index]) or ""),)))
        else:
            if top_link is not None:
                edits.append(_insert_link_near_top(doc, top_link, line))
            if ulink is not None:
                edits.append(_delete_link(doc, ulink))
    else:
        if ulink is not None:  # its heading goes, so the link would be left pointing at nothing
            edits.append(_delete_link(doc, ulink))
        notes.append(_no_link_note(doc, f"[{label}]"))
    return Change(
        doc=doc, edits=edits,
        summary=f"Move [Unreleased] in {name} to {version} dated {day.isoformat()}.",
        notes=notes,
        facts={"version": version, "date": day.isoformat(), "tag": new_tag,
               "previous_tag": prev, "heading": heading, "link": link_text,
               **unreleased_facts(doc)},
    )


# --- reopen -------------------------------------------------------------------------------------
def _blank_run_above(doc: Changelog, index: int) -> int:
    count = 0
    while index - count - 1 >= 0 and not body(doc.lines[index - count - 1]).strip():
        count += 1
    return count


def _compare_from(doc: Changelog, link: LinkDef, latest: str) -> Edit | None:
    """``link`` rewritten to compare from ``latest``, when it is a compare link from another tag."""
    parsed = parse_url(link.url)
    if parsed is None or parsed.kind != "compare" or parsed.a == latest:
        return None
    url = link.target(parsed.compare(latest, parsed.b).render())
    text = f"[{link.label}]:{link.ws}{url}{link.tail}"
    return Edit(link.index, link.index + 1, (text + ending(doc.lines[link.index]),))


def relink_unreleased(doc: Changelog, latest: str) -> Change:
    """Point an open [Unreleased]'s compare link at ``latest``: a promoted candidate's stable tag
    (the candidate's reopen left it comparing from ``v1.4.0-rc.1``). Unchanged otherwise."""
    link = doc.link_for(None)
    relinked = _compare_from(doc, link, latest) if link is not None else None
    return Change(doc=doc, edits=[relinked] if relinked else [],
                  summary=f"Compare [Unreleased] from {latest} in {doc.display}.",
                  facts={"latest_tag": latest,
                         "link": body(relinked.new[0]) if relinked else ""})


def reopen(doc: Changelog, *, latest_tag: str | None = None, tag_format: str | None = None,
           heading_text: str = "", link_label: str = "", unreleased_url: str = "",
           head_ref: str = "") -> Change:
    """Re-add an empty [Unreleased] section above the newest version and its footer link.

    ``heading_text``/``link_label``/``unreleased_url`` restore exactly what ``move`` removed
    (the changelog step records them, ``git.unreleased_from_history`` reads them from
    the file's history); without them Keep a Changelog's form is used, and a note says so.
    """
    name = doc.display
    if doc.unreleased is not None:
        raise ChangelogError(
            f"{name} already has an [Unreleased] section (line {doc.unreleased.index + 1}); "
            "nothing was changed.")
    found = doc.versions()
    newest = doc.highest()
    if not found or newest is None or newest.version is None:
        raise ChangelogError(f"{name} has no version sections yet; there is nothing to reopen "
                             "after, nothing was changed.")
    fmt = tag_format or infer_tag_format(doc)
    latest = latest_tag or fmt.format(version=newest.version)
    first = found[0]
    heading = heading_text or (f"{first.hashes}{first.space}"
                               f"{'[Unreleased]' if first.bracket else 'Unreleased'}")
    ascending = len(found) > 1 and found[0].version is not None and found[-1].version is not None \
        and version_key(found[0].version) < version_key(found[-1].version)
    gap_anchor = found[1] if len(found) > 1 else found[0]
    blanks = [doc.newline] * _blank_run_above(doc, gap_anchor.index)
    if ascending:
        _, end = doc.section_range(found[-1])
        edits = [insertion(doc, end, [*blanks, heading + doc.newline])]
    else:
        edits = [Edit(first.index, first.index, (heading + doc.newline, *blanks))]
    notes: list[str] = []
    if not heading_text:
        notes.append(f"{name} no longer shows how its [Unreleased] heading and link were written, "
                     "so Keep a Changelog's form was used; adjust them if your project writes "
                     "them differently (a lowercase label, a branch instead of HEAD).")
    ulink = doc.link_for(None)
    link_text = ""
    if ulink is not None:
        relinked = _compare_from(doc, ulink, latest)
        if relinked is not None:
            edits.append(relinked)
            link_text = body(relinked.new[0])
    else:
        top_link = _top_link(doc)
        remembered = parse_url(unreleased_url) if unreleased_url else None
        source: RefURL | None = remembered or (parse_url(top_link.url) if top_link else None) \
            or link_template(doc)
        word = re.search("unreleased", heading, re.IGNORECASE)
        label = link_label or (word.group(0) if word else "Unreleased")
        url = ""
        if source is not None and top_link is not None:
            ref = head_ref or (remembered.head_ref if remembered else "HEAD")
            url = source.compare(latest, ref).render()
        elif unreleased_url and top_link is not None:
            url = unreleased_url  # names no tag (./docs/unreleased.md): it comes back as it was
        if url and top_link is not None:
            line = _link_line(doc, label, url, top_link)
            link_text = body(line)
            edits.append(_insert_link_near_top(doc, top_link, line))
        else:
            notes.append(_no_link_note(doc, "[Unreleased]"))
    return Change(doc=doc, edits=edits,
                  summary=f"Reopen an empty [Unreleased] section in {name} after {latest}.",
                  notes=notes, facts={"latest_tag": latest, "heading": heading,
                                      "link": link_text})


# --- yank ---------------------------------------------------------------------------------------
def yank(doc: Changelog, version: str, reason: str, replacement: str) -> Change:
    """Mark VERSION yanked (PAI): heading suffix and the note under it. Idempotent."""
    name = doc.display
    version = _version(version, name)
    heading = doc.heading_for(version)
    if heading is None:
        raise UnknownVersion(f"{name} has no section for version {version}; nothing was changed.")
    clean = " ".join(reason.split()).rstrip(".")
    if not clean:
        raise ChangelogError(f"A yank needs a one-line reason (--reason); {name} was not "
                             "changed.")
    replaced_by = _version(replacement, name)
    if replaced_by == version:
        raise ChangelogError(f"The replacement for {version} cannot be {version} itself; "
                             "nothing was changed.")
    older = versions.parse_version(replaced_by).compare(version) < 0
    edits: list[Edit] = []
    line = doc.lines[heading.index]
    if not heading.yanked and "yanked" not in heading.after.lower():
        bracket = any(h.yanked == "bracket" for h in doc.headings)
        marked = body(line).rstrip() + (" [YANKED]" if bracket else " — YANKED")
        edits.append(Edit(heading.index, heading.index + 1,
                          (marked + (ending(line) or ""),)))
    start, end = doc.section_range(heading)
    has_note = any(body(x).lstrip().startswith(YANK_MARK) for x in doc.lines[start:end])
    if not has_note:
        note = (YANK_NOTE_OLDER if older else YANK_NOTE).format(
            reason=clean, replacement=replacement.strip())
        nl = doc.newline
        after = heading.index + 1
        following_blank = after < len(doc.lines) and not body(doc.lines[after]).strip()
        new = [nl, note + nl] if following_blank or after >= len(doc.lines) \
            else [nl, note + nl, nl]
        if not ending(line):
            # the heading is the file's last line: it gains the newline, the note goes without
            edits = [Edit(heading.index, heading.index + 1,
                          ((edits[0].new[0] if edits else body(line)) + nl, nl, note))]
        else:
            edits.append(insertion(doc, after, new))
    summary = (f"Mark {version} as yanked in {name}." if edits
               else f"{version} is already marked as yanked in {name}; nothing to change.")
    return Change(doc=doc, edits=edits, summary=summary,
                  facts={"version": version, "reason": clean, "replacement": replacement.strip()})
