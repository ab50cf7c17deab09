"""A step's refusal in the TUI: in the TUI's words, and gone once the captain has fixed it.

Walked as a new captain at 80x24 on the demo: r on a blocked pre-flight named a command line
(`release-console checklist tick preflight 1`) beside "space ticks it"; after the tick its red line
stayed under "▶ ready"; n on the blocked migration step left "MIGRATION.md has no section" up
beside "✔ MIGRATION.md section: done." on the next screen; and an empty [Unreleased] read
"To do:" with nothing after it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.widgets import Static, TextArea

from console.app import ReleaseConsoleApp
from console.wiring import Options
from screens.steps.changelog import ChangelogScreen
from screens.steps.migration import MigrationScreen
from screens.steps.preflight import PreflightScreen
from services import engine
from services.session_lifecycle import ReleaseRequest, start_release
from services.step_protocol import Context
from tests.conftest import commit_file
from tests.test_migration_screen import at_the_migration_step
from tests.tui_helpers import open_step, settle, text_of


def _toasts(app: ReleaseConsoleApp) -> list[str]:
    """The toasts up on the screen now (Textual's Toast widget, by its CSS type name)."""
    return [str(toast.render()) for toast in app.screen.query("Toast")]


def _release_with_a_checklist(repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    commit_file(repo_path, "release.toml", '[checklist]\npreflight = ["Docs updated"]\n')
    start_release(make_ctx(), ReleaseRequest(version="0.2.0"))


async def test_r_on_a_blocked_checklist_says_space_and_the_tick_takes_the_refusal_back(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    _release_with_a_checklist(repo_path, make_ctx)
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await open_step(pilot, "preflight", PreflightScreen)
        await pilot.press("r")
        await settle(pilot)
        refusal = text_of(screen, "#step-message")
        assert "cannot run yet: checklist item not ticked" in refusal
        assert "with space" in refusal
        said = " ".join([*_toasts(app), refusal])
        assert "release-console" not in said and "checklist tick" not in said

        await pilot.press("space")
        await settle(pilot)
        assert "▶ ready" in text_of(screen, "#step-status")
        line = text_of(screen, "#step-message")
        assert "cannot run" not in line and "n: runs it" in line
        assert not any("cannot run" in toast for toast in _toasts(app))


async def test_n_on_a_blocked_step_is_taken_back_once_m_fixes_it(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    app = at_the_migration_step(
        repo_path, make_ctx, "# Changelog\n\n## [Unreleased]\n### Added\n- Maps.\n",
        "# Migration\n", ReleaseRequest(version="0.2.0"))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await open_step(pilot, "migration", MigrationScreen)
        screen.query_one("#step-body").focus()
        await pilot.press("n")
        await settle(pilot)
        assert any("has no section" in toast for toast in _toasts(app))
        await pilot.press("m")
        await settle(pilot)
        assert "▶ ready" in text_of(screen, "#step-status")
        assert not any("has no section" in toast for toast in _toasts(app))


async def test_the_migration_editor_is_not_pushed_down_by_an_empty_status(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """At 80x24 the blocker said what to do, and two empty rows stood between it and the
    editor, which showed four of the template's lines."""
    app = at_the_migration_step(
        repo_path, make_ctx, "# Changelog\n\n## [Unreleased]\n### Added\n- Maps.\n",
        "# Migration\n", ReleaseRequest(version="0.2.0"))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_step(pilot, "migration", MigrationScreen)
        blockers = screen.query_one("#step-blockers", Static)
        editor = screen.query_one("#migration-editor", TextArea)
        assert not screen.query_one("#migration-status", Static).display
        gap = editor.region.y - (blockers.region.y + blockers.region.height)
        assert gap <= 1, gap  # the editor's own margin only


async def test_an_empty_unreleased_says_what_to_do(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """Walked: "To do:" stood alone when the blocker had no remedy (the empty [Unreleased] had
    none then; it has its own to-do now, said once under the blocker: the line at the bottom
    points at it, tests/test_step_blockers_said_once.py)."""
    commit_file(repo_path, "CHANGELOG.md", "# Changelog\n\n## [Unreleased]\n\n## [0.1.0]\n- A.\n")
    ctx = make_ctx()
    start_release(ctx, ReleaseRequest(version="0.2.0"))
    engine.run_step(ctx, engine.find_step(ctx, "preflight"))
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_step(pilot, "changelog", ChangelogScreen)
        assert "→ Add the changes v0.2.0 ships under [Unreleased] in CHANGELOG.md and commit " \
            "them" in " ".join(text_of(screen, "#step-blockers").split())
        line = text_of(screen, "#step-message")
        assert line == "To do: what the → line above says; then n runs it.", line
        assert "changelog: The [Unreleased]" not in text_of(screen, "#step-plan")
