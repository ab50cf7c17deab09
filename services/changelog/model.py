"""Reading a Keep a Changelog file as it is really written, without normalising anything.

The file is kept as a list of lines, each with its own line ending, so an edit can replace exactly
the lines it must and leave every other byte alone. Parsing records where the version headings and
the footer link definitions are and the style they are written in (brackets, ``v`` prefix,
separator, date format), so new lines can be written the same way. A heading or footer line that
tries to be a version but cannot be read is refused with its line number: guessing would risk
editing the wrong section of a captain's changelog. Getting the text off disk (and refusing
what is not UTF-8) lives in :mod:`services.changelog.files`; its names are re-exported here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property, lru_cache
from pathlib import Path

from services.changelog.dates import MONTHS, DateStyle

# ChangelogError, decode and read_bytes are re-exported: importers predate the split
from services.changelog.files import ChangelogError as ChangelogError
from services.changelog.files import decode, read_bytes, refused

VERSION_RE = r"\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?"
_MONTHS_RE = "|".join(MONTHS)

# A heading that may be a version or [Unreleased]: "#", "##" or "###", then text.
_HEADING = re.compile(r"^(?P<hashes>#{1,6})(?P<space>[ \t]+)(?P<text>.*)$")
_VERSION_HEAD = re.compile(
    rf"^(?P<open>\[?)(?P<v>[vV]?)(?P<version>{VERSION_RE})(?P<close>\]?)"
    r"(?P<inline>\([^()\s]*\))?(?P<rest>.*)$")
_UNRELEASED_HEAD = re.compile(
    r"^(?P<open>\[?)(?P<word>unreleased)(?P<close>\]?)(?P<inline>\([^()\s]*\))?(?P<rest>.*)$",
    re.IGNORECASE)
# A heading that tries to be a version but cannot be read: refused rather than guessed at. Only
# MAJOR.MINOR (with a dot) counts as trying, so "## 2024" year groups and sub-headings such as
# "### 2FA support", "### v2 API" or "### 3rd-party plugins" are ordinary headings; below level 2
# only a bracketed one ("### [1.4.0 - ...") is taken as an attempt at a version.
_MALFORMED_VERSION = re.compile(r"^\[?[vV]?\d+\.\d+")
_DATE_TOKEN = (rf"\d{{4}}-\d{{1,2}}-\d{{1,2}}|\d{{4}}/\d{{1,2}}/\d{{1,2}}|\d{{1,2}}\.\d{{1,2}}\.\d{{4}}"
               rf"|(?:{_MONTHS_RE}) \d{{1,2}}, \d{{4}}|\d{{1,2}} (?:{_MONTHS_RE}) \d{{4}}")
_REST_WITH_DATE = re.compile(
    rf"^(?P<sep>[ \t]*(?:[-–—:/][ \t]*)?\(?)(?P<date>{_DATE_TOKEN})(?P<close>\)?)(?P<after>.*)$")
_YANKED = re.compile(r"^[ \t]*(?:[-–—][ \t]*)?(?P<mark>\[YANKED\]|YANKED)[ \t]*$", re.IGNORECASE)
_LINK_DEF = re.compile(r"^\[(?P<label>[^\]]+)\]:(?P<ws>[ \t]*)(?:<(?P<angled>[^<>]*)>|(?P<url>\S+))"
                       r"(?P<tail>.*)$")
_VERSION_LABEL = re.compile(rf"^(?:[vV]?{VERSION_RE}|unreleased)$", re.IGNORECASE)
_BROKEN_LINK = re.compile(rf"^\[(?:[vV]?{VERSION_RE}|unreleased)\](?P<rest>.*)$", re.IGNORECASE)


@lru_cache(maxsize=65536)
def version_key(text: str) -> tuple[object, ...]:
    """A sort key with SemVer precedence, much cheaper than ``semver.Version`` comparisons (a
    1 MB changelog has thousands of versions). Build metadata is ignored, as SemVer says."""
    core, _, pre = text.split("+", 1)[0].partition("-")
    major, minor, patch = (int(p) for p in core.split("."))
    if not pre:
        return (major, minor, patch, (1,))
    idents = tuple((0, int(i), "") if i.isdigit() else (1, 0, i) for i in pre.split("."))
    return (major, minor, patch, (0, idents))


_MAYBE_VERSION = frozenset("[vVuU0123456789")


def split_lines(text: str) -> list[str]:
    """Lines with their own endings (``\\n`` or ``\\r\\n``); ``"".join`` gives the text back."""
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def body(line: str) -> str:
    """The line without its ending."""
    if line.endswith("\r\n"):
        return line[:-2]
    if line.endswith("\n"):
        return line[:-1]
    return line


def ending(line: str) -> str:
    return line[len(body(line)):]


def dominant_newline(text: str) -> str:
    crlf = text.count("\r\n")
    return "\r\n" if crlf and crlf * 2 >= text.count("\n") else "\n"


@dataclass(frozen=True)
class Heading:
    """A version or ``[Unreleased]`` heading and the exact style it is written in."""

    index: int
    hashes: str
    space: str
    label: str  # what sits inside the brackets: "1.4.0", "v1.4.0", "Unreleased"
    version: str | None  # normalised SemVer; None for Unreleased
    bracket: bool
    inline_url: str  # "(url)" right after "]", as release-please writes; "" otherwise
    sep: str = ""  # text between the version and the date: " - ", " — ", " ("
    date: date | None = None
    date_style: DateStyle | None = None
    date_close: str = ""  # ")" for "1.4.0 (2024-05-01)"
    after: str = ""  # anything after the date, e.g. " — YANKED"
    yanked: str = ""  # "", "bracket" ([YANKED]) or "word" (— YANKED)

    @property
    def unreleased(self) -> bool:
        return self.version is None

    @property
    def level(self) -> int:
        return len(self.hashes)

    @property
    def v(self) -> str:
        return self.label[:1] if self.label[:1] in {"v", "V"} else ""


@dataclass(frozen=True)
class LinkDef:
    """A footer link reference definition for a version or ``[Unreleased]``."""

    index: int
    label: str
    ws: str
    url: str  # without the angle brackets of "[1.4.0]: <https://...>"
    tail: str
    angle: bool = False  # the file writes the URL in angle brackets

    def target(self, url: str) -> str:
        """``url`` written the way this link writes its own (in angle brackets or not)."""
        return f"<{url}>" if self.angle else url

    @cached_property
    def unreleased(self) -> bool:
        return self.label.lower() == "unreleased"

    @cached_property
    def version(self) -> str | None:
        if self.unreleased:
            return None
        return self.label[1:] if self.label[:1] in {"v", "V"} else self.label


@dataclass
class Changelog:
    """A parsed changelog: its lines (with endings) plus where the versions and links are."""

    display: str  # how messages name the file
    lines: list[str]
    raw: bytes
    newline: str
    headings: list[Heading] = field(default_factory=list)
    boundaries: list[tuple[int, int]] = field(default_factory=list)  # other headings (idx, level)
    links: list[LinkDef] = field(default_factory=list)
    footer_start: int = 0
    path: Path | None = None
    # Irregularities in old history (a placeholder date, a version heading twice): reported,
    # left untouched, never a reason to refuse this release.
    warnings: list[str] = field(default_factory=list)

    # --- lookups -----------------------------------------------------------------------------
    @property
    def unreleased(self) -> Heading | None:
        return next((h for h in self.headings if h.unreleased), None)

    def versions(self) -> list[Heading]:
        return [h for h in self.headings if not h.unreleased]

    def heading_for(self, version: str) -> Heading | None:
        return next((h for h in self.headings if h.version == version), None)

    def link_for(self, version: str | None) -> LinkDef | None:
        if version is None:
            return next((link for link in self.links if link.unreleased), None)
        return next((link for link in self.links if link.version == version), None)

    def highest(self) -> Heading | None:
        found = self.versions()
        return max(found, key=lambda h: version_key(h.version or "0.0.0")) if found else None

    def section_range(self, heading: Heading) -> tuple[int, int]:
        """Lines of the heading's section body: [start, end), trailing blank lines excluded."""
        start = heading.index + 1
        end = len(self.lines)
        for other in self.headings:
            if other.index > heading.index:
                end = min(end, other.index)
                break
        for index, level in self.boundaries:
            if index > heading.index and level <= heading.level:
                end = min(end, index)
                break
        if self.footer_start > heading.index:
            end = min(end, self.footer_start)
        for link in self.links:
            if link.index > heading.index:
                end = min(end, link.index)
                break
        while end > start and not body(self.lines[end - 1]).strip():
            end -= 1
        return start, end

    def section_lines(self, heading: Heading) -> list[str]:
        start, end = self.section_range(heading)
        while start < end and not body(self.lines[start]).strip():
            start += 1
        return [body(line) for line in self.lines[start:end]]

    def entries(self, heading: Heading) -> list[str]:
        """The section's real content: not blank, not a sub-heading, not an HTML comment."""
        return [line for line in self.section_lines(heading)
                if line.strip() and not line.lstrip().startswith("#")
                and not (line.strip().startswith("<!--") and line.strip().endswith("-->"))]

    def text(self) -> str:
        return "".join(self.lines)


def load(path: Path, display: str | None = None, *, pointer: str = "") -> Changelog:
    """The changelog at ``path``; ``pointer``: how a refusal names another file
    (:func:`services.changelog.files.read_bytes`)."""
    name = display or str(path)
    doc = parse(read_bytes(path, name, pointer=pointer), name)
    doc.path = path
    return doc


def parse(raw: bytes, display: str) -> Changelog:
    """Parse bytes into a :class:`Changelog`; malformed version lines are refused."""
    text = decode(raw, display)
    lines = split_lines(text)
    doc = Changelog(display=display, lines=lines, raw=raw, newline=dominant_newline(text))
    fenced = False
    seen: dict[str, int] = {}
    labels: dict[str, int] = {}
    for index, line in enumerate(lines):
        first = line[:1]
        if first not in "#[`~ \ufeff":
            continue
        text_line = body(line).lstrip("\ufeff") if index == 0 else body(line)
        stripped = text_line.lstrip()
        if stripped[:3] in {"```", "~~~"}:
            fenced = not fenced
            continue
        if fenced or not text_line:
            continue
        if text_line[0] == "#":
            if text_line[:4] == "### " and text_line[4:5] not in _MAYBE_VERSION:
                doc.boundaries.append((index, 3))  # "### Added": the common case, made cheap
                continue
            heading = _heading(doc, index, text_line)
            if heading is None:
                continue
            key = heading.version or "unreleased"
            if key in seen and heading.unreleased:
                raise refused(f"{display} has two headings for [Unreleased] (lines "
                              f"{seen[key] + 1} and {index + 1})", "keep one")
            if key in seen:
                doc.warnings.append(
                    f"{display} has two headings for version {key} (lines {seen[key] + 1} and "
                    f"{index + 1}) in its history; they were left as they are.")
            seen.setdefault(key, index)
            doc.headings.append(heading)
        elif text_line[0] == "[":
            link = _link(display, index, text_line)
            if link is None:
                continue
            key = (link.version or "unreleased").lower()
            if key in labels:
                raise refused(f"{display} has two footer links for [{link.label}] (lines "
                              f"{labels[key] + 1} and {index + 1})", "keep one")
            labels[key] = index
            doc.links.append(link)
    doc.footer_start = _footer_start(lines)
    return doc


def _heading(doc: Changelog, index: int, text_line: str) -> Heading | None:
    match = _HEADING.match(text_line)
    if not match or len(match["hashes"]) > 3:
        return None
    text = match["text"].rstrip()
    hashes, space = match["hashes"], match["space"]
    unreleased = _UNRELEASED_HEAD.match(text)
    if unreleased and bool(unreleased["open"]) == bool(unreleased["close"]):
        return Heading(index=index, hashes=hashes, space=space, label=unreleased["word"],
                       version=None, bracket=bool(unreleased["open"]),
                       inline_url=unreleased["inline"] or "", after=unreleased["rest"])
    where = f"{doc.display} line {index + 1}"
    if unreleased and unreleased["rest"].strip()[:1] in {"", "-", "–", "—"}:
        # "## [Unreleased" (a bracket lost): read as an ordinary heading, `reopen` added a second
        # [Unreleased] above its entries and `move` said to add the one that is there
        raise refused(f"{where}: {text_line.strip()!r} is not an [Unreleased] heading Release "
                      "Console can read (its brackets do not pair; expected '## [Unreleased]')",
                      "fix that line")
    version = _VERSION_HEAD.match(text)
    if not version or bool(version["open"]) != bool(version["close"]) or (
            version["inline"] and not version["open"]):
        if not _MALFORMED_VERSION.match(text) or (len(hashes) > 2 and text[:1] != "["):
            doc.boundaries.append((index, len(hashes)))
            return None
        raise refused(f"{where}: {text_line.strip()!r} is not a version heading Release Console "
                      "can read (expected e.g. '## [1.4.0] - 2024-05-01')", "fix that line")
    rest = version["rest"]
    fields: dict[str, object] = {"after": rest}
    dated = _REST_WITH_DATE.match(rest)
    if dated and dated["sep"] and (dated["sep"].endswith("(") == (dated["close"] == ")")):
        try:
            style, day = DateStyle.read(dated["date"])
            fields = {"sep": dated["sep"], "date": day, "date_style": style,
                      "date_close": dated["close"], "after": dated["after"]}
        except ValueError:  # e.g. a placeholder 0000-00-00 on an old heading: kept as text
            doc.warnings.append(f"{where}: {dated['date']!r} in {text_line.strip()!r} is not a "
                                "real date; the line was left as it is.")
    elif dated:
        raise refused(f"{where}: the date in {text_line.strip()!r} is not set off the way "
                      "Release Console can read (expected ' - DATE', ' — DATE' or ' (DATE)')",
                      "fix that line")
    after = str(fields["after"])
    yank = _YANKED.match(after)
    label = version["v"] + version["version"]
    return Heading(
        index=index, hashes=hashes, space=space, label=label, version=version["version"],
        bracket=bool(version["open"]), inline_url=version["inline"] or "",
        sep=str(fields.get("sep", "")), date=fields.get("date"),  # type: ignore[arg-type]
        date_style=fields.get("date_style"),  # type: ignore[arg-type]
        date_close=str(fields.get("date_close", "")), after=after,
        yanked=("bracket" if yank["mark"].startswith("[") else "word") if yank else "",
    )


def _link(display: str, index: int, text_line: str) -> LinkDef | None:
    match = _LINK_DEF.match(text_line)
    if match and _VERSION_LABEL.match(match["label"]):
        angled = match["angled"]
        return LinkDef(index=index, label=match["label"], ws=match["ws"],
                       url=match["url"] if angled is None else angled, tail=match["tail"],
                       angle=angled is not None)
    if match:
        return None
    broken = _BROKEN_LINK.match(text_line)
    if broken:
        rest = broken["rest"].strip()
        if rest in {"", ":"} or re.match(r"^:?\s*(?:https?://|/)", rest):
            raise refused(f"{display} line {index + 1}: the footer line {text_line.strip()!r} is "
                          "not a link definition (expected '[1.4.0]: https://...')",
                          "fix that line")
    return None


def _footer_start(lines: list[str]) -> int:
    """Index of the trailing block of blank lines and link definitions (the footer)."""
    start = len(lines)
    while start > 0:
        text = body(lines[start - 1])
        if text.strip() and not _LINK_DEF.match(text):
            break
        start -= 1
    while start < len(lines) and not body(lines[start]).strip():
        start += 1
    return start
