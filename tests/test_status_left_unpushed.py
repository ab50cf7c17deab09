"""While the next release is in progress, `status` says what the last finished one left unpushed.

Walked: with v1.3.1 started, `status` listed v1.3.1's steps and nothing of v1.3.0's reopen commit,
still local, though `push --rest` would push it: a captain who forgot it found out only later.
"""

from __future__ import annotations

import json
from pathlib import Path

from console.app import ReleaseConsoleApp
from console.wiring import Options
from tests.conftest import run_cli
from tests.test_confirm_layout import screen_lines
from tests.test_summary_last_finished import (
    next_release_started,
    palette_summary,
    v130_finished_with_its_reopen_commit_local,
)
from tests.tui_helpers import settle, text_of

LINE = ("v1.3.0 left 1 commit unpushed (its reopen commit): `release-console push --rest` "
        "pushes it.")


def test_status_in_progress_names_the_last_releases_unpushed_reopen_commit(
        tmp_path: Path) -> None:
    project, _ = v130_finished_with_its_reopen_commit_local(tmp_path)
    next_release_started(project)
    status = run_cli("status", cwd=project)
    assert status.returncode == 0, status.stderr
    assert "v1.3.1" in status.stdout.splitlines()[0]
    assert LINE in " ".join(status.stdout.split()), status.stdout
    shown = json.loads(run_cli("status", "--json", cwd=project).stdout)
    assert shown["session"]["tag"] == "v1.3.1"
    assert shown["left_unpushed"] == {"tag": "v1.3.0", "count": 1, "what": "reopen commit",
                                      "command": "release-console push --rest"}
    # pushed: nothing left to say
    assert run_cli("push", "--rest", "--yes", cwd=project).returncode == 0
    assert "unpushed" not in run_cli("status", cwd=project).stdout
    assert json.loads(run_cli("status", "--json", cwd=project).stdout)["left_unpushed"] is None


async def test_the_summary_title_says_which_release_and_that_the_next_is_in_progress(
        tmp_path: Path) -> None:
    project, _ = v130_finished_with_its_reopen_commit_local(tmp_path)
    next_release_started(project)
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(80, 24)) as pilot:
        await palette_summary(pilot)
        summary = " ".join(text_of(app.screen, "#summary").split())
        assert summary.startswith("Summary of v1.3.0 (the last finished release; v1.3.1 is in "
                                  "progress)"), summary
        assert "v1.3.1" in text_of(app.screen, "#session-bar")  # the session bar is unchanged


async def test_the_checklist_says_the_last_release_left_its_reopen_commit(tmp_path: Path) -> None:
    project, _ = v130_finished_with_its_reopen_commit_local(tmp_path)
    next_release_started(project)
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        rows = screen_lines(app)
        said = 'v1.3.0 left 1 commit unpushed: Ctrl+P "Summary of the last release", then p.'
        assert any(said in row for row in rows), "\n".join(rows)  # one line at 80 columns
        assert any("Next: Pre-flight checks." in row for row in rows)
    assert run_cli("push", "--rest", "--yes", cwd=project).returncode == 0
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert not any("unpushed" in row for row in screen_lines(app))


async def test_the_home_screen_with_no_release_in_progress_says_what_is_left_unpushed(
        tmp_path: Path) -> None:
    """Walked: a yank killed at "Push the yank note?" left the note local; `status` said so, the
    home screen only "No release in progress. Press s to start one."."""
    project, _ = v130_finished_with_its_reopen_commit_local(tmp_path)
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        rows = screen_lines(app)
        said = 'v1.3.0 left 1 commit unpushed: Ctrl+P "Summary of the last release", then p.'
        assert any("No release in progress. Press s to start one." in row for row in rows)
        assert any(said in row for row in rows), "\n".join(rows)
    assert run_cli("push", "--rest", "--yes", cwd=project).returncode == 0
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert not any("unpushed" in row for row in screen_lines(app))
