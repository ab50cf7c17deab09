"""MIGRATION.md: is there a section for this version transition, and is it real?

PAI: MIGRATION.md has a section for the transition (or explicitly says "no migration required");
a MAJOR bump breaks users, so it needs real steps. A section is found by either version in a heading
(``## v1.3.0 -> v1.4.0``, ``## Upgrading to 2.0``); a heading for the previous transition
(``v1.2.0 -> v1.3.0``) does not count for ``v1.3.0 -> v1.4.0``. A template section (Breaking
changes, Steps, Rollback) can be inserted atomically; its ``TODO`` lines keep the check failing until
a person has written the steps.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import semver

from services import versions
from services.changelog import (
    Change,
    Changelog,
    Edit,
    body,
    decode,
    dominant_newline,
    insertion,
    split_lines,
)
from services.changelog.files import policy_pointer
from services.errors import ConsoleError, UsageError

NO_MIGRATION = re.compile(
    r"\bno\s+migration(?:\s+steps?)?\s+(?:is\s+|are\s+)?(?:required|needed|necessary)\b",
    re.IGNORECASE)
TODO = re.compile(r"\bTODO\b")
_VERSION = re.compile(r"(?<![\w.])(?P<v>[vV]?)(?P<num>\d+\.\d+(?:\.\d+)?(?:-[0-9A-Za-z.]+)?)"
                      r"(?![\w])")
_HEADING = re.compile(r"^(?P<hashes>#{1,6})[ \t]+(?P<text>.*?)[ \t#]*$")
_LEAVING = re.compile(r"\b(?:from|since)\s*$", re.IGNORECASE)


class MigrationError(ConsoleError):
    """MIGRATION.md cannot be read or is missing what this release needs."""


@dataclass
class MigrationCheck:
    """Outcome of checking MIGRATION.md for one transition."""

    ok: bool
    status: str  # steps, no-migration, missing, empty, not-filled, needs-steps
    message: str
    heading: str = ""
    line: int = 0  # 1-based line of the heading (or of the "no migration" line)
    major: bool = False
    body: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {"ok": self.ok, "status": self.status, "message": self.message,
                "heading": self.heading, "line": self.line, "major": self.major}


def _versions_in(text: str) -> list[tuple[re.Match[str], semver.Version | None]]:
    found: list[tuple[re.Match[str], semver.Version | None]] = []
    for match in _VERSION.finditer(text):
        num = match["num"]
        parts = num.split("-")[0].split(".")
        try:
            if len(parts) == 2:
                found.append((match, semver.Version(int(parts[0]), int(parts[1]), 0)))
            else:
                found.append((match, semver.Version.parse(num)))
        except ValueError:
            found.append((match, None))
    return found


def _matches(text: str, old: semver.Version | None, new: semver.Version) -> bool:
    """A heading for this transition. One version named: the new one (``Upgrading to 2.0.0``),
    or the old one only when the heading says it is left (``Upgrading from 1.3.0``): a bare
    ``## 2.0.0`` or ``Upgrading to 2.0.0`` is the section of the release *into* 2.0.0, not of
    2.0.0 -> 3.0.0. A transition named (``A -> B``): B must be the new version, so neither the
    previous transition (``… -> old``) nor the next one (``new -> …``) is taken for this one."""
    found = [(m, v) for m, v in _versions_in(text) if v is not None]
    if len(found) >= 2:
        return found[-1][1] == new
    if not found:
        return False
    match, named = found[0]
    return named == new or (old is not None and named == old
                            and _LEAVING.search(text[:match.start()]) is not None)


def _headings(lines: list[str]) -> list[tuple[int, int, str]]:
    """(index, level, text) of each Markdown heading outside code fences."""
    result = []
    fenced = False
    for index, line in enumerate(lines):
        text = body(line)
        if text.lstrip()[:3] in {"```", "~~~"}:
            fenced = not fenced
            continue
        if fenced or not text.startswith("#"):
            continue
        match = _HEADING.match(text)
        if match:
            result.append((index, len(match["hashes"]), match["text"]))
    return result


def locate_all(doc: Changelog, old: semver.Version | None,
               new: semver.Version) -> list[tuple[int, int, str]]:
    """(heading index, end index, heading text) of every section for the transition."""
    heads = _headings(doc.lines)
    found = []
    for position, (index, level, text) in enumerate(heads):
        if not _matches(text, old, new):
            continue
        end = len(doc.lines)
        for later_index, later_level, _ in heads[position + 1:]:
            if later_level <= level:
                end = later_index
                break
        while end > index + 1 and not body(doc.lines[end - 1]).strip():
            end -= 1
        found.append((index, end, text))
    return found


def locate(doc: Changelog, old: semver.Version | None,
           new: semver.Version) -> tuple[int, int, str] | None:
    """The transition's section, if any (the first, when a file wrongly has two)."""
    found = locate_all(doc, old, new)
    return found[0] if found else None


def section_text(doc: Changelog, old: semver.Version | None, new: semver.Version) -> str:
    """The transition's section as written (heading included, LF endings), or ""."""
    span = locate(doc, old, new)
    if span is None:
        return ""
    return "".join(body(line) + "\n" for line in doc.lines[span[0]:span[1]])


def save_section(doc: Changelog, old: semver.Version | None, new: semver.Version,
                 text: str) -> Change:
    """Put ``text`` (a whole section, as edited in the TUI) in place of the transition's section,
    or insert it where a new one goes. Only those lines change; the file keeps its line endings."""
    lines = text.replace("\r\n", "\n").rstrip("\n").split("\n")
    if not any(line.strip() for line in lines):
        raise MigrationError(f"The section for {doc.display} is empty; nothing was written.")
    if not lines[0].startswith("#"):
        raise MigrationError(f"A section in {doc.display} must start with a heading such as "
                             f"'## v{old} -> v{new}'; nothing was written.")
    edited = from_bytes(text.encode("utf-8"), doc.display)
    if len(locate_all(edited, old, new)) > 1:
        raise MigrationError(
            f"The edited text has more than one heading for v{old} -> v{new}; keep one section "
            f"so {doc.display} says one thing. Nothing was written.")
    span = locate(doc, old, new)
    if span is None:
        return add_section(doc, lines)
    start, end, _ = span
    nl = doc.newline
    new_lines = tuple(line + nl for line in lines)
    if end == len(doc.lines) and doc.lines and not doc.lines[-1].endswith("\n"):
        new_lines = (*new_lines[:-1], lines[-1])  # the file had no final newline; keep it so
    return Change(doc=doc, edits=[Edit(start, end, new_lines)],
                  summary=f"Update the migration section in {doc.display}.",
                  facts={"heading": lines[0]})


def read(path: Path, display: str, *, pointer: str = "") -> Changelog:
    """MIGRATION.md as lines (a missing file reads as empty: the check then reports it);
    ``pointer``: how a refusal names another file (default: the policy's path, as the migration
    step and its screen say it; only the ``migration`` commands have ``--file``)."""
    if not path.exists():
        return Changelog(display=display, lines=[], raw=b"", newline="\n", path=path)
    if not path.is_file():
        raise MigrationError(f"{display} is not a regular file; "
                             f"{pointer or policy_pointer('migration', 'migration notes')}.")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise MigrationError(f"Cannot read {display}: {exc.strerror}.") from None
    doc = from_bytes(raw, display)
    doc.path = path
    return doc


def from_bytes(raw: bytes, display: str) -> Changelog:
    """A migration guide's lines (each with its own ending) from its bytes."""
    text = decode(raw, display, "migration guide")
    return Changelog(display=display, lines=split_lines(text), raw=raw,
                     newline=dominant_newline(text))


def parse_pair(old: str, new: str,
               display: str = "") -> tuple[semver.Version | None, semver.Version]:
    """FROM and TO as typed (``none`` for a first release); TO must be newer than FROM.

    One that is not SemVer is a usage error (exit 2, docs/cli.md: a malformed value, as
    ``start 1.x``): no file was looked at, so it is not a check that failed."""
    where = f" in {display}" if display else ""
    try:
        previous = versions.parse_version(old) if old and old.lower() not in {"none", "-"} \
            else None
        target = versions.parse_version(new)
    except versions.VersionError as err:
        raise UsageError(f"{err.message[:-1]}, so no transition{where} was looked at.",
                         remedy=err.remedy) from None
    if previous is not None and target.compare(previous) <= 0:
        raise MigrationError(
            f"{new} is not newer than {old}, so there is no {old} -> {new} transition{where} to "
            "look at; give the older version first (FROM TO).")
    if target.prerelease:  # walked: `none v1.3.1 v1.4.0-rc.1` wrote a section nothing reads
        final = target.finalize_version()
        raise MigrationError(
            f"{new} is a pre-release; MIGRATION.md sections name final versions (a candidate's "
            f"migration is {final}'s), so nothing{where} was looked at or written.",
            remedy=f"Give {final} as TO, after {old or 'none'}.")
    return previous, target


def check(doc: Changelog, old: semver.Version | None, new: semver.Version,
          *, old_tag: str = "", new_tag: str = "") -> MigrationCheck:
    """Check ``doc`` for the ``old -> new`` transition (PAI rules, see the module docstring)."""
    name = doc.display
    old_name = old_tag or (f"v{old}" if old else "the first release")
    new_name = new_tag or f"v{new}"
    transition = f"{old_name} -> {new_name}"
    major = versions.is_major_bump(old, new)
    if not doc.lines and not doc.raw:
        return MigrationCheck(False, "missing", f"{name} does not exist; it needs a section for "
                              f"{transition}.", major=major)
    spans = locate_all(doc, old, new)
    if len(spans) > 1:
        lines_at = " and ".join(str(index + 1) for index, _, _ in spans)
        return MigrationCheck(False, "duplicate", f"{name} has {len(spans)} sections for "
                              f"{transition} (lines {lines_at}); keep one so it says one thing.",
                              major=major)
    span = spans[0] if spans else None
    if span is not None:
        index, end, text = span
        lines = [body(x) for x in doc.lines[index + 1:end]]
        return _judge(name, transition, text, index + 1, lines, major)
    for index, line in enumerate(doc.lines):
        text = body(line)
        if NO_MIGRATION.search(text) and _matches(text, None, new):
            return _judge(name, transition, text.strip(), index + 1, [text], major)
    return MigrationCheck(False, "missing", f"{name} has no section for {transition} and does not "
                          "say that no migration is required.", major=major)


def _judge(name: str, transition: str, heading: str, line: int, lines: list[str],
           major: bool) -> MigrationCheck:
    content = [x for x in lines if x.strip() and not x.lstrip().startswith("#")
               and not (x.strip().startswith("<!--") and x.strip().endswith("-->"))]
    where = f"{name} line {line}"
    if any(TODO.search(x) for x in content):
        return MigrationCheck(False, "not-filled", f"The section for {transition} in {name} "
                              f"(line {line}) still has TODO placeholders; write the real text.",
                              heading, line, major, lines)
    says_none = any(NO_MIGRATION.search(x) for x in [heading, *content])
    if says_none:
        if major:
            return MigrationCheck(
                False, "needs-steps", f"{transition} is a MAJOR bump, so {name} must give real "
                f"migration steps; 'no migration required' ({where}) is not enough.",
                heading, line, major, lines)
        return MigrationCheck(True, "no-migration", f"{name} says no migration is required for "
                              f"{transition} ({where}).", heading, line, major, lines)
    if not content:
        return MigrationCheck(False, "empty", f"The section for {transition} in {name} (line "
                              f"{line}) is empty; write the steps or say 'No migration required.'",
                              heading, line, major, lines)
    return MigrationCheck(True, "steps", f"{name} has a section for {transition} ({where}).",
                          heading, line, major, lines)


# --- template -----------------------------------------------------------------------------------
def _transition_headings(doc: Changelog) -> list[tuple[int, int, str]]:
    return [h for h in _headings(doc.lines) if len(_versions_in(h[2])) >= 2]


def template(doc: Changelog, old: semver.Version | None, new: semver.Version, *, old_tag: str,
             new_tag: str) -> list[str]:
    """The template section's lines (without endings), in the style of existing headings."""
    major = versions.is_major_bump(old, new)
    existing = _transition_headings(doc)
    if existing and old is not None:
        _, level, text = existing[0]
        first, second = (m for m, _ in _versions_in(text)[:2])
        title = (text[:first.start()] + first["v"] + str(old) + text[first.end():second.start()]
                 + second["v"] + str(new) + text[second.end():])
    elif old is not None:
        level, title = 2, f"{old_tag} -> {new_tag}"
    else:
        level, title = 2, f"Upgrading to {new_tag}"
    sub = "#" * min(level + 1, 6)
    breaking = ("- TODO: what stops working after the upgrade, and who is affected."
                if major else "- TODO: none? Then replace this section with "
                "'No migration required.'")
    return [
        f"{'#' * level} {title}", "",
        f"{sub} Breaking changes", "", breaking, "",
        f"{sub} Steps", "", "1. TODO: the exact commands or settings a user changes, in order.",
        "",
        f"{sub} Rollback", "",
        f"1. TODO: how to go back to {old_tag or 'the previous version'} if the upgrade fails.",
    ]


def _section_headings(doc: Changelog) -> list[tuple[int, semver.Version]]:
    """(index, last version named) of each version section's heading, at the level of the first
    one: the order a new section follows. A first release's ``## (none) -> v0.1.0`` or an
    ``## Upgrading to 1.4.0`` names one version and still tells the order (only transitions
    naming two were counted: the console's own guide, opening with ``(none) -> v0.1.0``, got
    its second section at the end, as for a guide of one section, and its third above that
    one, so the sections ran v0.1.0, v0.3.0, v0.2.0)."""
    found = [(index, level, [v for _, v in _versions_in(text) if v is not None])
             for index, level, text in _headings(doc.lines)]
    named = [(index, level, versions[-1]) for index, level, versions in found if versions]
    if not named:
        return []
    top = next((level for _, level, _ in named if level > 1), named[0][1])  # not a titled "# …"
    return [(index, version) for index, level, version in named if level == top]


def add_section(doc: Changelog, section: list[str]) -> Change:
    """Insert ``section`` (lines without endings) where the file's order puts a new transition:
    above the newest one (or at the end for an oldest-first file), else at the end. The order
    comes from the first two version sections; a lone transition is taken as newest-first."""
    nl = doc.newline
    new = [line + nl for line in section]
    sections = _section_headings(doc)
    transitions = _transition_headings(doc)
    if not doc.lines:
        lines = [f"# Migration guide{nl}", nl, *new]
        edit = Edit(0, 0, tuple(lines))
    elif len(sections) >= 2 or transitions:
        # two sections tell the order; one transition alone is taken as the newest on top
        ascending = len(sections) >= 2 and sections[0][1] < sections[1][1]
        if ascending:
            edit = insertion(doc, len(doc.lines), [nl, *new] if body(doc.lines[-1]).strip()
                             else new)
        else:
            edit = Edit(sections[0][0], sections[0][0], (*new, nl))
    else:
        lead = [nl] if body(doc.lines[-1]).strip() else []
        edit = insertion(doc, len(doc.lines), [*lead, *new])
    return Change(doc=doc, edits=[edit], summary=f"Add a migration section to {doc.display}.",
                  facts={"heading": section[0] if section else ""})


def add_template(doc: Changelog, old: semver.Version | None, new: semver.Version, *,
                 old_tag: str, new_tag: str) -> Change:
    """Insert the template for ``old -> new``; refused when a section already exists."""
    status = check(doc, old, new, old_tag=old_tag, new_tag=new_tag)
    if status.status != "missing":
        raise MigrationError(f"{doc.display} already has a section for {old_tag} -> {new_tag} "
                             f"(line {status.line}); nothing was changed.")
    return add_section(doc, template(doc, old, new, old_tag=old_tag, new_tag=new_tag))
