"""The checklist's keys for a hotfix's branch step, split from :mod:`screens.home`.

The Step pane beside the checklist shows the highlighted step's blocker in the TUI's words, and
for the hotfix branch those words name a key: ``p`` to pick the fixes, ``c`` to continue or
abort a pick stopped on conflicts. Walked by hand: the pane said "press c here to continue" and
c on the checklist did nothing, so the keys work here as on the step's own screen. Each key is
offered only while the highlighted row's blocker says it (the same string, so the words and the
key cannot drift apart).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from screens.base import attempt

if TYPE_CHECKING:
    from screens.home import HomeScreen


def highlighted_says(home: HomeScreen, words: str) -> bool:
    """Whether the highlighted step's blocker says ``words`` as its TUI remedy."""
    from textual.widgets import OptionList

    index = home.query_one("#checklist", OptionList).highlighted
    if index is None or not 0 <= index < len(home.rows):
        return False
    return any(b.tui == words for b in home.rows[index].blockers)


def open_conflict(home: HomeScreen) -> None:
    """The conflict screen over the checklist, as ``c`` opens it on the branch step's screen;
    the checklist reloads when it closes (continued, aborted or left as it is)."""
    from screens.hotfix_conflict import ConflictScreen
    from services.hotfix import picks

    files, said = attempt(home.app, lambda ctx: picks.unmerged(ctx.repo))
    if files is None:
        home.notify(said, severity="error")
        return

    def closed(tag: str | None) -> None:
        if tag:
            home.notify(f"The hotfix branch for {tag} is made.")
        home.action_reload()

    home.app.push_screen(ConflictScreen("", files), closed)
