"""The home screen's first frame lists the runbook before the checks (screens/home_early.py):
the same steps, in the same order, as the loaded checklist, with finished steps marked."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.widgets import OptionList

from console.app import ReleaseConsoleApp
from console.wiring import Options
from screens.home_early import early_options
from services import engine
from services.flows import runbook
from services.session_lifecycle import ReleaseRequest, start_release
from services.step_protocol import Context
from tests.conftest import commit_file
from tests.tui_helpers import settle


async def test_the_early_rows_are_the_loaded_checklists_steps(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    ctx = make_ctx()
    start_release(ctx, ReleaseRequest(version="0.2.0"))
    engine.run_step(ctx, engine.find_step(ctx, "preflight"))
    early = early_options(repo_path / "docs" / "..", None)
    assert str(early[0].prompt) == "✔ Pre-flight checks"
    assert str(early[1].prompt) == "  Move [Unreleased] in CHANGELOG.md"  # not checked yet
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        checklist = app.screen.query_one("#checklist", OptionList)
        loaded = [checklist.get_option_at_index(i) for i in range(checklist.option_count)]
    assert [o.id for o in early] == [o.id for o in loaded]
    assert [str(o.prompt)[2:] for o in early] == [str(o.prompt)[2:] for o in loaded]
    assert str(loaded[0].prompt) == "✔ Pre-flight checks"


def test_an_air_gapped_policy_lists_the_hand_off_steps(repo_path: Path) -> None:
    commit_file(repo_path, "release.toml", '[signing]\nworkstation = "air-gapped"\n')
    ids = [o.id for o in early_options(repo_path, None)]
    assert ids == [s.id for s in runbook("release", air_gapped=True)]
    assert "handoff-out" in ids
    assert [o.id for o in early_options(repo_path, repo_path / "missing.toml")] == \
        [s.id for s in runbook("release")]


def test_no_repository_or_a_damaged_session_gives_no_early_rows(
        tmp_path: Path, repo_path: Path) -> None:
    assert early_options(tmp_path, None) == []
    damaged = repo_path / ".release" / "v0.2.0"
    damaged.mkdir(parents=True)
    (damaged / "session.json").write_text("{not json")
    assert early_options(repo_path, None) == []
