"""The console's own commits on the default branch: bookkeeping, never a fix to pick.

The release steps commit CHANGELOG.md and MIGRATION.md with fixed subjects (the changelog,
migration, post-release, yank-changelog and hotfix-branch steps' ``commit_message``). Picking one
onto a hotfix branch would carry another release's headings over, so the picker leaves them out
and ``hotfix --pick`` refuses them. They are recognised by the whole subject, with a tag the
policy's tag format makes: "Release notes: changelog" or "Release v1.3.0: changelog fixes" are
someone's own commits and stay pickable.
"""

from __future__ import annotations

import re

from services import versions
from services.subjects import (
    CHANGELOG,
    COMPARES_FROM,
    HOTFIX_ENTRIES,
    MIGRATION,
    REOPEN,
    YANK_NOTE,
)
from services.wording import counted

# (subject as the step writes it, from services.subjects; what it is): {tag} is the release's tag.
SUBJECTS: tuple[tuple[str, str], ...] = (
    (CHANGELOG, "the changelog commit of {tag}"),
    (MIGRATION, "the migration notes commit of {tag}"),
    (REOPEN, "the post-release commit of {tag}"),
    (COMPARES_FROM, "the post-release commit of {tag}"),
    (YANK_NOTE, "the yank note of {tag}"),
    (HOTFIX_ENTRIES, "the CHANGELOG entries commit of hotfix {tag}"),
)


def _pattern(subject: str) -> re.Pattern[str]:
    head, _, rest = re.escape(subject).partition(re.escape("{tag}"))
    return re.compile(head + r"(?P<tag>\S+)" + rest.replace(re.escape("{tag}"), "(?P=tag)"))


PATTERNS = tuple((_pattern(subject), what) for subject, what in SUBJECTS)


def console_commit(subject: str, tag_format: str) -> str:
    """What the console made a commit with this subject for ("the changelog commit of v1.3.0"),
    or "" when it is not one of the console's own."""
    for pattern, what in PATTERNS:
        match = pattern.fullmatch(subject)
        if match and versions.version_from_tag(match["tag"], tag_format) is not None:
            return what.format(tag=match["tag"])
    return ""


def left_out_sentence(subjects: list[str]) -> str:
    """The line under a list of commits to pick that says which of the console's own were left
    out, so a captain looking for one of them knows why it is not there."""
    if not subjects:
        return ""
    shown = "; ".join(f'"{s}"' for s in subjects[:3]) + (" …" if len(subjects) > 3 else "")
    return (f"Not listed: {counted(len(subjects), 'commit')} the console made itself ({shown}); "
            + ("it is not a fix." if len(subjects) == 1 else "they are not fixes."))
