"""The checked checklist worked out by a child process beside Textual's import
(console/overview_child.py): the home screen draws it in its first frame, the same as a reload
would, and falls back to checking in-process when the child fails."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import OptionList

from console.app import ReleaseConsoleApp
from console.overview_child import EarlyOverview
from console.wiring import Options
from services.errors import ConsoleError
from services.overview import Overview, checked_overview
from services.session_lifecycle import ReleaseRequest, start_release
from services.step_protocol import Context
from tests.conftest import commit_file
from tests.tui_helpers import settle, text_of


class NoInProcessLoad(ReleaseConsoleApp):
    """An app that cannot check the release itself: whatever it shows came from the child."""

    def make_context(self) -> Context:
        raise ConsoleError("checked in-process, not by the child")


def rows(app: ReleaseConsoleApp) -> list[str]:
    checklist = app.screen.query_one("#checklist", OptionList)
    return [str(checklist.get_option_at_index(i).prompt) for i in range(checklist.option_count)]


async def test_the_first_frame_draws_the_childs_checked_checklist(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    start_release(make_ctx(), ReleaseRequest(version="0.2.0"))
    options = Options(repo=repo_path)
    app = NoInProcessLoad(options, EarlyOverview.start(options))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "Status: ▶ ready" in text_of(app.screen, "#detail-text")
        assert "v0.2.0" in text_of(app.screen, "#session-bar")
        assert rows(app)[0] == "▶ Pre-flight checks"
        await pilot.press("down")  # the next step's blocker crossed the process boundary too
        assert "Waiting for 'Pre-flight checks' (preflight)." in \
            text_of(app.screen, "#detail-text")
        await pilot.press("f5")  # a reload checks in-process: this app cannot, and says so
        await settle(pilot)
        assert "checked in-process, not by the child" in text_of(app.screen, "#detail-text")


async def test_a_failed_child_leaves_the_check_to_the_home_screen(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    start_release(make_ctx(), ReleaseRequest(version="0.2.0"))
    for script in ("raise SystemExit(1)", "print('not json')", "print('{\"schema\": 99}')"):
        failed = EarlyOverview(subprocess.Popen([sys.executable, "-c", script],
                                                stdout=subprocess.PIPE))
        app = ReleaseConsoleApp(Options(repo=repo_path), failed)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert "Status: ▶ ready" in text_of(app.screen, "#detail-text"), script


async def test_the_child_names_a_broken_policy_file_as_a_reload_does(repo_path: Path) -> None:
    commit_file(repo_path, "release.toml", "[signing\n")
    options = Options(repo=repo_path)
    app = NoInProcessLoad(options, EarlyOverview.start(options))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        shown = text_of(app.screen, "#detail-text")
        assert rows(app) == []
    from console.wiring import build_context

    assert shown == checked_overview(lambda: build_context(options)).error
    assert "release.toml" in shown


def test_an_overview_survives_the_json_crossing(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    from services.overview import overview

    start_release(make_ctx(), ReleaseRequest(version="0.2.0"))
    here = overview(make_ctx())
    assert here.rows[1].blockers and here.next_id == "preflight"
    assert Overview.from_json(here.to_json()) == here


def test_quitting_before_the_answer_stops_the_child() -> None:
    slow = EarlyOverview(subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"],
                                          stdout=subprocess.PIPE))
    process = slow.process
    assert process is not None
    slow.discard()
    assert process.returncode is not None  # killed and reaped, not left behind
    assert slow.take() is None


def test_no_command_opens_the_tui_without_building_every_commands_parser(tmp_path: Path) -> None:
    from console.cli import tui_arguments

    args = tui_arguments(["--repo", str(tmp_path), "--offline"])
    assert args is not None and args.repo == tmp_path and args.offline
    for command_line in (["status"], ["--repo", str(tmp_path), "next"], ["--help"], ["--version"],
                         ["--repo"], ["--bogus"]):
        assert tui_arguments(command_line) is None, command_line  # the whole parser decides
    probe = ("import sys; from console.cli import tui_arguments; tui_arguments([]); "
             "print(sorted(m for m in sys.modules if m.startswith(('console.commands', 'git'))))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_child_runs_the_consoles_code_not_a_package_in_the_working_directory(
        repo_path: Path, make_ctx: Callable[..., Context], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Walked: the TUI started from a checkout of another console version drew that version's
    checklist first (`python -m` puts the working directory first on the child's path). A
    project with its own ``services`` package, the working directory when the captain runs
    the console, must not stand in for the console's."""
    start_release(make_ctx(), ReleaseRequest(version="0.2.0"))
    elsewhere = tmp_path / "a-project-with-its-own-services"
    (elsewhere / "services").mkdir(parents=True)
    (elsewhere / "services" / "__init__.py").write_text("raise SystemExit(7)\n")
    monkeypatch.chdir(elsewhere)
    taken = EarlyOverview.start(Options(repo=repo_path)).take()
    assert taken is not None
    assert Overview.from_json(taken).rows[0].title == "Pre-flight checks"
