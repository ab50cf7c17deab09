"""A blocked step's screen at 80x24 says each blocker's to-do once, one blank row under it.

Walked at 80x24 on the demo's pre-flight: "→ Tick it in the checklist below with space when it
is true." stood under the blocker and again, as "To do: Tick it in the checklist below …", on the
line at the bottom; two blank rows stood between the blockers and the checklist. The line at the
bottom now points at the → line (or, for a blocker with no remedy, at the blocker) and says
what n does then.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

from textual.widgets import Static

from console.app import ReleaseConsoleApp
from console.wiring import Options
from screens.steps.changelog import ChangelogScreen
from screens.steps.preflight import PreflightScreen
from services.session_lifecycle import ReleaseRequest, start_release
from services.step_protocol import Context
from tests.conftest import commit_file, git
from tests.test_changelog_screen import at_the_changelog_step
from tests.test_confirm_layout import screen_lines
from tests.tui_helpers import open_step, settle, text_of

TICK = "Tick it in the checklist below with space when it is true."


async def test_the_remedy_is_said_once(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    commit_file(repo_path, "release.toml", '[checklist]\npreflight = ["Docs updated"]\n')
    start_release(make_ctx(), ReleaseRequest(version="0.2.0"))
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_step(pilot, "preflight", PreflightScreen)
        rows = screen_lines(app)
        seen = "\n".join(rows)
        assert seen.count(TICK) == 1, seen  # under the blocker, not again at the bottom
        assert f"→ {TICK}" in seen, seen
        assert "To do: what the → line above says; then n runs it." in seen, seen


async def test_one_blank_row_stands_under_the_blockers(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    commit_file(repo_path, "release.toml", '[checklist]\npreflight = ["Docs updated"]\n')
    start_release(make_ctx(), ReleaseRequest(version="0.2.0"))
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_step(pilot, "preflight", PreflightScreen)
        blockers = screen.query_one("#step-blockers", Static)
        # three rows ("Blocked because:", the bullet, the →), then one blank row (a margin)
        assert str(blockers.render()).count("\n") == 2 and blockers.region.height == 3, \
            (str(blockers.render()), blockers.region)
        label = next(s for s in screen.query(Static) if "Manual checklist" in str(s.render()))
        assert label.region.y - blockers.region.bottom == 1, (blockers.region, label.region)


async def test_a_blocker_with_no_remedy_is_not_said_again_as_the_to_do(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """The fallback for a blocker with no remedy (its sentence is all there is: here the
    changelog deleted after pre-flight): the line said the reason again after "To do:"; it
    points at the blocker."""
    at_the_changelog_step(repo_path, make_ctx)
    git(repo_path, "rm", "-q", "CHANGELOG.md")
    subprocess.run(["git", "commit", "-qm", "Drop the changelog"], cwd=repo_path, check=True)
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_step(pilot, "changelog", ChangelogScreen)
        await settle(pilot)
        blockers = text_of(screen, "#step-blockers")
        assert "• CHANGELOG.md does not exist" in blockers and "→" not in blockers, blockers
        # the TUI has no --file: the sentence names the policy's path (it said "pass --file")
        assert "--file" not in blockers and "[documents] changelog in release.toml" in \
            " ".join(blockers.split()), blockers
        line = text_of(screen, "#step-message")
        assert line == "To do: put right what the blocker above says; then n runs it.", line
        seen = "\n".join(screen_lines(app))
        assert seen.count("CHANGELOG.md does not exist") == 1, seen
        await pilot.press("escape")  # the checklist's Step pane: no → line to point at either
        await settle(pilot)
        pane = " ".join(text_of(app.screen, "#detail-text").split())
        assert "CHANGELOG.md does not exist" in pane, pane
        assert "Enter opens this step's screen." in pane and "→" not in pane, pane
