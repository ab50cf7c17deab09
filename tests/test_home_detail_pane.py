"""The checklist's Step pane (home) at 80x24: what it says is true where it is shown, and it
shows the highlighted step, never one of a runbook gone. Driven with Pilot, real git."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from console.app import ReleaseConsoleApp
from console.wiring import Options
from services.session_lifecycle import ReleaseRequest, start_release
from services.step_protocol import Context
from tests.conftest import commit_file
from tests.tui_helpers import settle, text_of


async def test_the_step_pane_sends_the_captain_to_the_steps_screen_not_below(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """Walked at 80x24: the pane said "Tick it in the checklist below" with no checklist below
    it, then "Enter opens this step's screen, where the keys and fields above are." with none
    above. The remedy's checklist is on the step's screen, which Enter opens."""
    commit_file(repo_path, "release.toml", '[checklist]\npreflight = ["Docs updated"]\n')
    start_release(make_ctx(), ReleaseRequest(version="0.2.0"))
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        said = " ".join(text_of(app.screen, "#detail-text").split())
        assert "Checklist item not ticked: Docs updated." in said
        assert "→ Tick it in the checklist on its screen with space when it is true." in said
        assert "Enter opens this step's screen, to do what the → lines say." in said
        assert "below" not in said and "above" not in said, said
        await pilot.press("enter")  # where the checklist is: below the blockers, on its screen
        await settle(pilot)
        assert "Tick it in the checklist below with space" in text_of(app.screen,
                                                                       "#step-blockers")
