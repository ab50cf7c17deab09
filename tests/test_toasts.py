"""Toasts at 80x24: routine news never hides the step the captain reads next; warnings and errors
stay long enough to read."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from console.app import ReleaseConsoleApp, toast_timeout
from console.wiring import Options
from screens.home import HomeScreen
from screens.step import StepScreen, screen_for
from screens.yank import YankScreen
from services import engine
from services.session_lifecycle import ReleaseRequest, start_release
from services.step_protocol import Context
from tests.conftest import commit_file
from tests.github_helpers import sandbox  # noqa: F401 - fixture
from tests.test_changelog_screen import CHANGELOG, until_confirm
from tests.test_last_release import released
from tests.test_yank_wizard import project  # noqa: F401 - fixture
from tests.tui_helpers import settle, text_of


def at_the_changelog_step(repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """A release with pre-flight done: the changelog step is next."""
    commit_file(repo_path, "CHANGELOG.md", CHANGELOG)
    ctx = make_ctx()
    start_release(ctx, ReleaseRequest(version="0.2.0"))
    engine.run_step(ctx, engine.find_step(ctx, "preflight"))


async def test_the_done_toast_leaves_the_next_steps_description_readable(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """Walked at 80x24: every step that ran and moved on left "✔ <step>: done." as a toast
    five rows high over the right half of the next step's title and description. It is one row
    now, beside the next step's title, under the session bar."""
    at_the_changelog_step(repo_path, make_ctx)
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        app.push_screen(screen_for("changelog"))
        await settle(pilot)
        await pilot.press("n")  # runs it (asking first) and opens the next step
        await until_confirm(pilot)
        await pilot.press("y")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StepScreen) and screen.step.id == "migration"
        toasts = list(screen.query("Toast"))  # Textual's own widget, by its CSS type
        assert [str(t.render()).strip() for t in toasts] == [
            "✔ Move [Unreleased] in CHANGELOG.md: done."]
        title = screen.query_one("#step-title", Static)
        description = screen.query_one("#step-description", Static).region
        toast = toasts[0].region
        bar = screen.query_one("#session-bar").region
        assert toast.y == bar.bottom == title.region.y  # under the bar, on the title's row,
        assert toast.x > title.region.x + len(str(title.render()).rstrip())  # after its words
        assert not toast.overlaps(description)


def test_routine_toasts_go_quickly_and_errors_stay_long_enough_to_read() -> None:
    assert toast_timeout("✔ Checksums: done.", "information", None) == 3.0
    blocker = ("Checklist item not ticked: Docs in docs/ reflect the release. Tick it in the "
               "checklist below with space when it is true.")
    assert toast_timeout(blocker, "warning", None) >= 1.5 + 22 / 3  # 22 words: 8.8 s
    error = " ".join(["word"] * 40)
    assert toast_timeout(error, "error", 8) >= 14.8  # a caller's 8 s is a minimum, not a cut
    assert toast_timeout("Bad.", "error", None) == 10.0
    assert toast_timeout("✔ Tag: done.", "information", 4) == 4.0


async def test_a_home_screen_toast_does_not_follow_into_the_yank_wizard(
        project: Path) -> None:  # noqa: F811
    """Walked by hand: a toast raised on the home screen stayed over the yank wizard just opened.
    Routine news goes; an error is said again once the wizard closes, so it is not lost."""
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        app.notify("Every step is done.")
        app.notify("The journal could not be read.", severity="error")
        await pilot.pause()
        assert {str(t.render()) for t in app.screen.query("Toast")} >= {
            "Every step is done.", "The journal could not be read."}
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, YankScreen)
        assert not [str(t.render()) for t in app.screen.query("Toast")]  # the wizard is clear
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        toasts = [str(t.render()) for t in app.screen.query("Toast")]
        assert "The journal could not be read." in toasts  # said again where it belongs
        assert "Every step is done." not in toasts


@pytest.mark.parametrize("size", [(80, 24), (120, 32)])
async def test_a_toast_leaves_the_session_bar_whole(repo_path: Path, size: tuple[int, int],
                                                    make_ctx: Callable[..., Context]) -> None:
    """Walked at 80x24 and 120x32: a toast sat on the session bar's row, over its right end,
    where it says online or OFFLINE and the last release ("last: v0.2.0 released"). Toasts now
    sit under the bar, on the home screen and on a step's screen."""
    released(repo_path, "0.2.0", 1)
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=size, notifications=True) as pilot:
        await settle(pilot)
        assert text_of(app.screen, "#session-bar").rstrip().endswith(
            "online · last: v0.2.0 released")
        await toasts_clear_of_the_bar(pilot, app)
        start_release(make_ctx(), ReleaseRequest(version="0.3.0"))
        app.push_screen(screen_for("preflight"))
        await settle(pilot)
        assert text_of(app.screen, "#session-bar").rstrip().endswith("v0.3.0 · stable · "
                                                                    "release · main · online")
        await toasts_clear_of_the_bar(pilot, app)


async def toasts_clear_of_the_bar(pilot: Pilot[None], app: ReleaseConsoleApp) -> None:
    """A routine toast and a long warning on the screen now: neither covers its session bar."""
    app.clear_notifications()
    app.notify("✔ Move [Unreleased] in CHANGELOG.md: done.")
    app.notify("Checklist item not ticked: Docs in docs/ reflect the release. Tick it in the "
               "checklist below with space when it is true.", severity="warning")
    await pilot.pause()
    await pilot.pause()
    bar = app.screen.query_one("#session-bar").region
    toasts = list(app.screen.query("Toast"))
    assert len(toasts) == 2
    for toast in toasts:
        assert toast.region.y >= bar.bottom and not toast.region.overlaps(bar), toast.region


async def test_a_standing_notice_does_not_cover_the_confirmation_and_comes_back_after(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """Walked by hand: after merge-back failed and ran again, the failure's notice covered the
    left half of the confirmation's plan. The dialog opens clear; a warning is said again after."""
    at_the_changelog_step(repo_path, make_ctx)
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        app.push_screen(screen_for("changelog"))
        await settle(pilot)
        app.notify("The last run failed: git said no.", severity="warning")
        await pilot.pause()
        assert [str(t.render()) for t in app.screen.query("Toast")]
        await pilot.press("r")
        await until_confirm(pilot)
        assert not [str(t.render()) for t in app.screen.query("Toast")]  # the dialog is clear
        await pilot.press("n")
        await settle(pilot)
        assert "The last run failed: git said no." in [
            str(t.render()) for t in app.screen.query("Toast")]


async def test_a_declined_runs_toast_goes_when_the_step_runs_again(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """Walked at 80x24: Enter at the push's question (no) left "'Push commit and tag' was not
    confirmed; nothing was done." as a ten-second error toast; n and y then pushed, and the next
    step showed that toast stacked with "✔ Push commit and tag: done." The run that follows
    takes back the toasts of the attempt before it."""
    at_the_changelog_step(repo_path, make_ctx)
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        app.push_screen(screen_for("changelog"))
        await settle(pilot)
        await pilot.press("n")
        await until_confirm(pilot)
        await pilot.press("n")  # no
        await settle(pilot)
        said = [str(t.render()).strip() for t in app.screen.query("Toast")]
        assert any("was not confirmed" in line for line in said), said
        await pilot.press("n")
        await until_confirm(pilot)
        await pilot.press("y")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StepScreen) and screen.step.id == "migration"
        said = [str(t.render()).strip() for t in screen.query("Toast")]
        assert said == ["✔ Move [Unreleased] in CHANGELOG.md: done."]
        assert not any("was not confirmed" in m for m, *_ in app.take_standing_warnings())


def test_a_refusal_gone_already_leaves_the_warnings_still_up_to_be_said_again(
        repo_path: Path) -> None:
    """A run after its refusal's toast timed out took back nothing, but forgot the warnings
    still on screen: the next confirmation cleared them and never said them again."""
    import time

    app = ReleaseConsoleApp(Options(repo=repo_path))
    now = time.monotonic()
    app._standing = [("'Push' was not confirmed; nothing was done.", "", "error", now - 1),
                     ("No tag key is pinned.", "", "warning", now + 60)]
    app.withdraw("'Push' was not confirmed; nothing was done.")
    assert app.take_standing_warnings() == [("No tag key is pinned.", "", "warning")]
