"""A step screen at 80x24: a refused run reads as the refusal, not as the plan, and the plan's
diff wraps as the confirmation's does (Pilot, real git).

Walked at 80x24 on the demo: after ``r`` was refused on a blocked pre-flight, the body was cut at
"What running it will do:" and the three lines of "'Pre-flight checks' cannot run yet: …" right
under it read as what the plan says; and the release notes step's diff wrapped its long ``+``
lines back to the left edge, where each row read as a line of the notes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from console.app import ReleaseConsoleApp
from console.wiring import Options
from screens.step import StepScreen
from screens.steps.changelog import ChangelogScreen
from screens.steps.preflight import PreflightScreen
from services import engine
from services.session_lifecycle import ReleaseRequest, start_release
from services.step_protocol import Context
from tests.conftest import commit_file
from tests.test_changelog_screen import at_the_changelog_step, until_confirm
from tests.test_confirm_layout import screen_lines
from tests.tui_helpers import open_step, settle, text_of


def heading_over(app: ReleaseConsoleApp, words: str) -> str:
    """The row right above the first row that says ``words`` (at the left edge, trimmed)."""
    rows = screen_lines(app)
    first = next(i for i, row in enumerate(rows) if words in row)
    return rows[first - 1].strip()


async def test_a_refused_run_stands_under_its_own_heading_at_80x24(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    commit_file(repo_path, "release.toml", '[checklist]\npreflight = ["Docs updated"]\n')
    start_release(make_ctx(), ReleaseRequest(version="0.2.0"))
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_step(pilot, "preflight", PreflightScreen)
        await pilot.press("r")
        await settle(pilot)
        assert "cannot run yet" in text_of(screen, "#step-message")
        rule = heading_over(app, "'Pre-flight checks' cannot run yet")
        # a rule across the screen, saying what this is, between the body and the refusal
        assert rule.startswith("─ Not run ─") and rule.endswith("─" * 20), rule
        await pilot.press("space")  # ticked: the refusal goes, and its heading with it
        await settle(pilot)
        assert "n: runs it" in text_of(screen, "#step-message")
        assert not any("Not run" in row for row in screen_lines(app))


async def test_a_run_not_confirmed_is_not_run_at_80x24(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """No to the changelog's confirmation: nothing was written, and the heading says so (the
    step is not failed, only not run)."""
    at_the_changelog_step(repo_path, make_ctx)
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_step(pilot, "changelog", ChangelogScreen)
        await pilot.press("r")
        await until_confirm(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert "was not confirmed" in text_of(screen, "#step-message")
        assert heading_over(app, "was not confirmed").startswith("─ Not run ─")


async def test_a_run_that_failed_says_failed_at_80x24(
        repo_path: Path, make_ctx: Callable[..., Context],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A step that stops on an error while it runs is recorded as failed: the heading says so."""
    from services.errors import ConsoleError
    from services.steps import registry

    start_release(make_ctx(), ReleaseRequest(version="0.2.0"))

    def broken(ctx: Context) -> dict[str, str]:
        raise ConsoleError("The disk is full.", remedy="Free some space and run it again.")

    monkeypatch.setattr(registry()["preflight"].real, "run", broken)  # type: ignore[attr-defined]
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_step(pilot, "preflight", PreflightScreen)
        await pilot.press("r")
        await settle(pilot)
        assert heading_over(app, "'Pre-flight checks' failed: the disk is full").startswith(
            "─ Failed ─")
    assert make_ctx().require_session().steps["preflight"].status == "failed"


LONG = ("Flash app: verify the ISO signature before writing the USB stick, and say which key "
        "signed it")


def at_the_notes_step(repo_path: Path, make_ctx: Callable[..., Context],
                      entry: str = f"{LONG}.") -> None:
    """Release 0.2.0 with an [Unreleased] entry longer than 80 columns, pre-flight, changelog
    and migration done: the release notes step is next."""
    commit_file(repo_path, "CHANGELOG.md", f"# Changelog\n\n## [Unreleased]\n### Added\n- {entry}"
                "\n\n## [0.1.0] - 2026-10-01\n- First.\n")
    commit_file(repo_path, "MIGRATION.md",
                "# Migration\n\n## v0.1.0 -> v0.2.0\n\nNo migration required.\n")
    ctx = make_ctx()
    start_release(ctx, ReleaseRequest(version="0.2.0"))
    for step_id in ("preflight", "changelog", "migration"):
        engine.run_step(ctx, engine.find_step(ctx, step_id))


async def test_the_notes_steps_diff_wraps_at_words_under_its_own_text_at_80x24(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    at_the_notes_step(repo_path, make_ctx)
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_step(pilot, "notes", StepScreen)
        assert "What running it will do:" in text_of(screen, "#step-plan")
        assert f"+- {LONG}." in text_of(screen, "#step-plan")  # the text itself, unwrapped
        rows = screen_lines(app)
        first = next(i for i, row in enumerate(rows) if row.startswith(" +- Flash app:"))
        rest = rows[first + 1]
        # the line goes on two columns in from its own text (after the +), at a word
        assert rest.startswith("    ") and not rest.startswith("     "), rows[first:first + 2]
        words = " ".join([rows[first][2:78], rest[:78]]).split()  # not the scrollbar's columns
        assert " ".join(words) == f"- {LONG}.", rows[first:first + 2]
