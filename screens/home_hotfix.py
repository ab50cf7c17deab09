"""The checklist's keys for a hotfix's branch step, split from :mod:`screens.home`.

The Step pane beside the checklist shows the highlighted step's blocker in the TUI's words, and
for the hotfix branch those words name a key: ``p`` to pick the fixes, ``c`` to continue or
abort a pick stopped on conflicts. Walked by hand: the pane said "press c here to continue" and
c on the checklist did nothing, so the keys work here as on the step's own screen, offered only
while the highlighted row's blocker says so (the same string, so the words and the key cannot
drift apart) or, for ``p``, while the branch step's own screen offers it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from screens.base import attempt

if TYPE_CHECKING:
    from screens.home import HomeScreen
    from services.overview import OverviewRow


def highlighted_says(home: HomeScreen, words: str) -> bool:
    """Whether the highlighted step's blocker says ``words`` as its TUI remedy."""
    row = _highlighted(home)
    return row is not None and any(b.tui == words for b in row.blockers)


def picks_wanted(home: HomeScreen) -> bool:
    """``p`` opens the picker where the branch step's screen offers it: the branch step not
    finished and no pick stopped (``c`` is for that). Walked: after an abort the pane said
    "Pick again ... (in the TUI: p on this step)" and p on the checklist did nothing."""
    from services.step_status import FINISHED
    from services.steps.hotfix_branch import CONTINUE_HERE

    row = _highlighted(home)
    return (row is not None and row.id == "hotfix-branch" and row.status is not None
            and row.status not in FINISHED and not highlighted_says(home, CONTINUE_HERE))


def _highlighted(home: HomeScreen) -> OverviewRow | None:
    from textual.widgets import OptionList

    index = home.query_one("#checklist", OptionList).highlighted
    if index is None or not 0 <= index < len(home.rows):
        return None
    return home.rows[index]


def open_conflict(home: HomeScreen) -> None:
    """The conflict screen over the checklist, as ``c`` opens it on the branch step's screen;
    the checklist reloads when it closes (continued, aborted or left as it is)."""
    from screens.hotfix_conflict import ConflictScreen
    from services.hotfix import picks

    files, said = attempt(home.app, lambda ctx: picks.unmerged(ctx.repo))
    if files is None:
        home.notify(said, severity="error")
        return

    # continued, aborted or left: the conflict screen said which; the checklist shows it now
    home.app.push_screen(ConflictScreen("", files), lambda _tag: home.action_reload())
