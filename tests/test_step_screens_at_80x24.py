"""Step screens at 80x24, as a captain walking the demo sees them (Pilot, real git)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from console.app import ReleaseConsoleApp
from console.wiring import Options
from screens.steps.changelog import ChangelogScreen
from services.step_protocol import Context
from tests.test_changelog_screen import at_the_changelog_step
from tests.test_confirm_layout import screen_lines
from tests.tui_helpers import open_step, settle


async def test_the_changelog_step_shows_the_start_of_its_plan_at_80x24(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """Walked at 80x24: "What running it will do:" was the screen's last row and the diff
    below it out of sight; an empty blockers section took two rows on every ready step."""
    at_the_changelog_step(repo_path, make_ctx)
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_step(pilot, "changelog", ChangelogScreen)
        await settle(pilot)
        shown = "\n".join(screen_lines(app))
        print(shown)
        assert "What running it will do:" in shown
        assert "Move [Unreleased] in CHANGELOG.md to 0.2.0" in shown
        assert "[Unreleased] in CHANGELOG.md" in shown  # the entries box's title
        assert "File CHANGELOG.md:" in shown  # the diff starts on screen


async def test_the_keys_panel_lists_the_steps_own_keys_before_scrolling_at_80x24(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """Walked at 80x24: ? on a step screen listed the body's ten scroll keys first, and the
    step's own keys (n, r, k, o) were below the bottom edge."""
    import io

    from rich.console import Console
    from textual.widgets import KeyPanel

    at_the_changelog_step(repo_path, make_ctx)
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_step(pilot, "changelog", ChangelogScreen)
        await pilot.press("question_mark")
        await settle(pilot)
        panel = app.screen.query_one(KeyPanel)
        seen = [" ".join(line[panel.region.x:].split()) for line in screen_lines(app)]
        assert "n ⏎ Next" in seen and "r Run" in seen, seen  # on screen, not below its edge
        table = panel.query_one("BindingsTable").render()
        console = Console(width=40, record=True, file=io.StringIO())
        console.print(table)  # every row, also those below the bottom edge
        rows = [" ".join(line.split()) for line in console.export_text().splitlines()]
        assert rows.index("r Run") < rows.index("Scrolling") < rows.index("↑ Scroll Up"), rows


async def test_the_changelog_step_says_the_bump_once_at_80x24(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """Walked at 80x24: under the panel's "The entries call for a MINOR release", the plan's
    "Note: The entries call for a minor release…" said it again. The screen says it once; the
    note stays in ``run changelog --dry-run``, the only place the command line says it."""
    from textual.widgets import Static

    from services.engine import find_step

    at_the_changelog_step(repo_path, make_ctx)
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_step(pilot, "changelog", ChangelogScreen)
        await settle(pilot)
        panel = str(screen.query_one("#changelog-bump", Static).render())
        plan = str(screen.query_one("#step-plan", Static).render())
        assert "The entries call for a MINOR release" in panel
        assert "File CHANGELOG.md:" in plan  # the plan is shown
        assert "call for a" not in plan.lower(), plan
    cli = find_step(make_ctx(), "changelog").plan(make_ctx()).render()
    assert "Note: The entries call for a minor release: " in cli
