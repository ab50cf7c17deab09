"""Skip on a step's screen (k) asks why first: the reason typed is what the session keeps, and a
dialog cancelled with Escape skips nothing (the same path as redo's o and the checklist's x)."""

from __future__ import annotations

from pathlib import Path

from console.app import ReleaseConsoleApp
from console.wiring import Options
from screens.prompts import ReasonScreen
from services.session import SessionStore
from services.step_status import StepStatus
from tests.hotfix_helpers import pushed_quick_world
from tests.test_merge_back import hotfix_on_branch
from tests.tui_helpers import open_step, settle, text_of


async def test_skip_records_the_typed_reason_and_escape_skips_nothing(tmp_path: Path) -> None:
    project = pushed_quick_world(tmp_path)
    hotfix_on_branch(project, "retry=3\n")
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(100, 32)) as pilot:
        step = await open_step(pilot, "merge-back", object)
        await pilot.press("k")
        await settle(pilot)
        assert isinstance(app.screen, ReasonScreen)
        assert app.screen.question == ("Skip 'Bring the default branch up to date'? Say why it "
                                       "does not apply.")
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is step
        record = SessionStore(project).load("v1.3.1").step("merge-back")
        assert record.status != StepStatus.SKIPPED

        await pilot.press("k")
        await settle(pilot)
        await pilot.press(*"merged-by-hand", "enter")
        await settle(pilot)
        assert app.screen is step
        assert "skipped" in text_of(step, "#step-message")
        record = SessionStore(project).load("v1.3.1").step("merge-back")
        assert (record.status, record.reason) == (StepStatus.SKIPPED, "merged-by-hand")
