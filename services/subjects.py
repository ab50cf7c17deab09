"""The subjects of the commits the console makes itself, each written once.

The steps commit with these (``commit_message``/``note_subject``), and two other parts find those
commits again by their subject: the hotfix picker leaves them out
(:mod:`services.hotfix.bookkeeping`) and abandon names the changelog commit a new attempt must
drop (:mod:`services.left_behind`). Spelt by hand in each place, a reworded subject would have
silently stopped both from finding the commits the steps really make. ``{tag}`` is the release's
tag; :func:`subject` fills it in.
"""

from __future__ import annotations

CHANGELOG = "Release {tag}: changelog"
MIGRATION = "Release {tag}: migration notes"
REOPEN = "Post-release {tag}: reopen [Unreleased]"
COMPARES_FROM = "Post-release {tag}: [Unreleased] compares from {tag}"  # after a promote
YANK_NOTE = "Yank {tag}: changelog note"
HOTFIX_ENTRIES = "Hotfix {tag}: CHANGELOG entries for the picked fixes"


def subject(template: str, tag: str) -> str:
    """``template`` (one of this module's) for the release tagged ``tag``."""
    return template.format(tag=tag)
