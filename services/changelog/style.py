"""How a new version heading is written: copied from the file's own headings, else its stated format.

A heading copies the newest dated version heading (brackets, ``v`` prefix, separator, date format).
A file with no version heading yet (a project's first release) has nothing to copy; then what the
file says about itself decides: a preamble that follows Keep a Changelog (it links
keepachangelog.com or names it) gets that format's own ``## [X.Y.Z] - YYYY-MM-DD``, because that is
what the captain's file promises its readers; a file that says nothing gets PAI's
``## [X.Y.Z] — YYYY-MM-DD``.
"""

from __future__ import annotations

import re
from datetime import date

from services.changelog.model import Changelog, Heading, body, version_key

PAI_SEP = " — "
KEEP_A_CHANGELOG_SEP = " - "
_KEEP_A_CHANGELOG = re.compile(r"keepachangelog\.com|keep\s+a\s+changelog", re.IGNORECASE)


def style_template(doc: Changelog) -> Heading | None:
    """The heading new ones copy: the newest dated version heading, else the newest one."""
    found = doc.versions()
    dated = [h for h in found if h.date is not None]
    pool = dated or found
    return max(pool, key=lambda h: version_key(h.version or "0.0.0")) if pool else None


def follows_keep_a_changelog(doc: Changelog) -> bool:
    """Whether the preamble (the lines above the first version or [Unreleased] heading) says the
    file follows Keep a Changelog, by its URL or its name."""
    end = doc.headings[0].index if doc.headings else doc.footer_start or len(doc.lines)
    return any(_KEEP_A_CHANGELOG.search(body(line)) for line in doc.lines[:end])


def default_sep(doc: Changelog) -> str:
    """The separator between version and date when no dated heading shows the file's own."""
    return KEEP_A_CHANGELOG_SEP if follows_keep_a_changelog(doc) else PAI_SEP


def new_heading(doc: Changelog, version: str, day: date, inline_url: str = "") -> str:
    """A heading for ``version`` written like the newest existing (dated) version heading."""
    template = style_template(doc)
    if template is None:
        unreleased = doc.unreleased
        hashes, space = (unreleased.hashes, unreleased.space) if unreleased else ("##", " ")
        return f"{hashes}{space}[{version}]{default_sep(doc)}{day.isoformat()}"
    label = template.v + version
    core = f"[{label}]" if template.bracket else label
    if template.inline_url and inline_url:
        core += f"({inline_url})"
    if template.date is None or template.date_style is None:
        return f"{template.hashes}{template.space}{core}{default_sep(doc)}{day.isoformat()}"
    return (f"{template.hashes}{template.space}{core}{template.sep}"
            f"{template.date_style.render(day)}{template.date_close}")
