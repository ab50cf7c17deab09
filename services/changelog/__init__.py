"""The changelog service: Keep a Changelog files edited faithfully.

This package's ``__init__`` is the public face: the runbook steps, the notes, the migration check,
the CLI and the screens import only ``services.changelog``. The work is split by concern into
``model`` (reading), ``dates`` (heading date styles), ``style`` (how a new version heading is
written), ``links`` (footer URLs), ``edit`` (line edits, diffs, atomic writes), ``ops`` (move,
reopen, yank), ``bump`` (which SemVer bump the entries ask for) and ``git`` (committing the
documents, reading the file's history); those modules are the facade's internals.
``services.migration`` edits the same kind of document, so the facade also exports the line-level
helpers it shares (``body``, ``decode``, ``dominant_newline``, ``insertion``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from services import versions
from services.changelog.bump import RANK, BumpDecision, compute_bump
from services.changelog.edit import Change, Edit, insertion, unified_diff_of
from services.changelog.files import EmptyUnreleased, UnknownVersion
from services.changelog.git import (
    commit_files,
    head_bytes,
    head_message,
    modified,
    unreleased_from_history,
)
from services.changelog.links import infer_tag_format, parse_url
from services.changelog.model import (
    Changelog,
    ChangelogError,
    Heading,
    LinkDef,
    body,
    decode,
    dominant_newline,
    load,
    parse,
    split_lines,
)
from services.changelog.ops import YANK_MARK, YANK_NOTE, move, relink_unreleased, reopen, yank
from services.changelog.rc import rc_change

__all__ = [
    "RANK",
    "YANK_MARK",
    "YANK_NOTE",
    "BumpDecision",
    "Change",
    "Changelog",
    "ChangelogError",
    "Edit",
    "EmptyUnreleased",
    "Heading",
    "LinkDef",
    "UnknownVersion",
    "body",
    "commit_files",
    "compute_bump",
    "decode",
    "dominant_newline",
    "head_bytes",
    "head_message",
    "infer_tag_format",
    "insertion",
    "load",
    "modified",
    "move",
    "parse",
    "parse_date",
    "parse_url",
    "rc_change",
    "relink_unreleased",
    "reopen",
    "section",
    "split_lines",
    "today",
    "unified_diff_of",
    "unreleased_from_history",
    "yank",
]


def parse_date(text: str, name: str = "the changelog") -> date:
    """A ``--date`` value: YYYY-MM-DD only, so there is no doubt about day and month."""
    try:
        if len(text) != 10:
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise ChangelogError(f"{text!r} is not a date in the form YYYY-MM-DD (for example "
                             f"2024-05-01), so {name} was not changed.") from None


def today(clock: datetime) -> date:
    """Today's date in UTC, the release date a heading gets by default."""
    return clock.astimezone(UTC).date() if clock.tzinfo else clock.date()


def section(doc: Changelog, version: str) -> str:
    """The body of one version's section, verbatim (lines joined with LF), as release notes use
    it. ``Unreleased`` (any case) gives the [Unreleased] entries, the notes of a candidate."""
    if version.strip().lower() == "unreleased":
        heading = doc.unreleased
        if heading is None:
            raise ChangelogError(f"{doc.display} has no [Unreleased] section.")
    else:
        try:
            wanted = str(versions.parse_version(version))
        except versions.VersionError as err:
            raise UnknownVersion(f"{err.message[:-1]}, so it names no section of {doc.display}.",
                                 remedy=err.remedy) from None
        heading = doc.heading_for(wanted)
        if heading is None:
            known = ", ".join(h.version or "" for h in doc.versions()[:5])
            raise UnknownVersion(
                f"{doc.display} has no section for version {wanted}"
                + (f" (newest: {known})." if known else "."))
    lines = doc.section_lines(heading)
    return "\n".join(lines) + ("\n" if lines else "")

