"""What the yank wizard's two preview panes show, and how the wizard opens on a yank that was
interrupted (kept out of ``screens/yank.py``, at its 400-line limit).

The GitHub pane: the banner and the flags as they will be, or once the yank is done as GitHub
shows them. The CHANGELOG pane: the note's diff as the changelog step's confirmation shows one.
An interrupted yank (killed between its halves, recorded in a finished session): the home screen
says "press y ... with the reason ... and the replacement ..."; the wizard opens on it with those
inputs filled in, so the banner cannot get another reason than the note already committed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.widgets import Checkbox, Input, OptionList, Static

from screens.diff_view import diff_text, scroll_to_change
from screens.widgets import CutPane
from services.wording import single_width

if TYPE_CHECKING:
    from textual.screen import Screen

    from services.yank import PreparedYank
    from services.yank_choices import ReleaseChoice
    from services.yank_resume import UnfinishedYank


def github_text(prepared: PreparedYank, done: dict[str, Any] | None = None) -> Text:
    """The GitHub pane: what it will show, or once ``done`` (its half's evidence) what it
    shows now."""
    github = Text()
    if prepared.github is not None:
        github.append("Banner at the top of its notes:\n", style="bold")
        github.append(single_width(prepared.github.banner.rstrip()) + "\n\n")
        lines = prepared.github.lines_done(done) if done else prepared.github.lines
        for line in lines:
            github.append(line + "\n")
    github.rstrip()
    return github


def show_diff(screen: Screen[Any], shown: PreparedYank, *, to_change: bool = False) -> None:
    """The CHANGELOG diff as the changelog step's confirmation shows one (screens/diff_view:
    one line of context, coloured, wrapped at the pane's width), scrolled ``to_change`` as
    little as shows the note whole; it was git's diff as it came, the note below the fold."""
    pane = screen.query_one("#changelog-side", CutPane)
    diff = single_width(shown.changelog_diff)
    # beside the scrollbar's room, so it coming or going does not wrap the rows again
    width = max(0, pane.content_region.width - pane.styles.scrollbar_size_vertical)
    body = diff_text(diff, width) if diff else Text(shown.changelog_said)
    screen.query_one("#diff", Static).update(body)
    if diff and to_change:
        screen.call_after_refresh(lambda: pane.scroll_to(y=scroll_to_change(
            screen.app.console, body, width, pane.scrollable_content_region.height),
            animate=False))


TITLES = {"#github-side": "GitHub after the yank", "#changelog-side": "CHANGELOG.md"}
STALE = " (as previewed before your edit)"


def title_panes(screen: Screen[Any], *, stale: bool = False) -> None:
    """The panes' titles; ``stale`` once a field is edited after a preview. Walked at 80x24: the
    panes kept the earlier preview ("Use v9.9.9 instead") under a form that now said 1.2.0, and
    a refused preview left them so, with nothing saying they were not what y would do."""
    for selector, title in TITLES.items():
        screen.query_one(selector, CutPane).border_title = title + (STALE if stale else "")


def resumed_choice(choices: list[ReleaseChoice],
                   unfinished: UnfinishedYank | None) -> ReleaseChoice | None:
    """The listed release whose yank was interrupted, if any: it is picked at once, yanked on
    GitHub or not (GitHub's half may be the one done)."""
    if unfinished is None:
        return None
    return next((c for c in choices if c.tag == unfinished.tag), None)


def fill_resumed(screen: Screen[Any], choices: list[ReleaseChoice],
                 unfinished: UnfinishedYank) -> str:
    """Highlight the interrupted yank's release and fill in its recorded reason, replacement
    and "older on purpose"; returns what the message line says."""
    releases = screen.query_one("#releases", OptionList)
    releases.highlighted = next(i for i, c in enumerate(choices) if c.tag == unfinished.tag)
    screen.query_one("#reason", Input).value = unfinished.reason
    screen.query_one("#replacement", Input).value = unfinished.replacement
    screen.query_one("#older", Checkbox).value = unfinished.allow_older
    screen.query_one("#preview-button").focus()
    return (f"Finishing the interrupted yank of {unfinished.tag} ({unfinished.parts}): its "
            "reason and replacement are filled in as recorded. Preview (Enter), then y; parts "
            "already done are checked, not redone.")
