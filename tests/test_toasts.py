"""Toasts at 80x24: routine news never hides the step the captain reads next; warnings and errors
stay long enough to read."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.widgets import Static

from console.app import ReleaseConsoleApp, toast_timeout
from console.wiring import Options
from screens.step import StepScreen, screen_for
from services import engine
from services.session_lifecycle import ReleaseRequest, start_release
from services.step_protocol import Context
from tests.conftest import commit_file
from tests.test_changelog_screen import CHANGELOG, until_confirm
from tests.tui_helpers import settle


async def test_the_done_toast_leaves_the_next_steps_description_readable(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """Walked at 80x24: every step that ran and moved on left "✔ <step>: done." as a toast
    five rows high over the right half of the next step's title and description."""
    commit_file(repo_path, "CHANGELOG.md", CHANGELOG)
    ctx = make_ctx()
    start_release(ctx, ReleaseRequest(version="0.2.0"))
    engine.run_step(ctx, engine.find_step(ctx, "preflight"))
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
        title = screen.query_one("#step-title", Static).region
        description = screen.query_one("#step-description", Static).region
        toast = toasts[0].region
        assert toast.bottom <= title.y  # on the session bar's row, above the step's own text
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
