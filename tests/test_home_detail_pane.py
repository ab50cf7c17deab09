"""The checklist's Step pane (home) at 80x24: what it says is true where it is shown, and it
shows the highlighted step, never one of a runbook gone. Driven with Pilot, real git."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.widgets import OptionList

from console.app import ReleaseConsoleApp
from console.wiring import Options
from services.session_lifecycle import ReleaseRequest, start_release
from services.step_protocol import Context
from tests.conftest import commit_file, git
from tests.hotfix_helpers import commit
from tests.journal_helpers import journal_finishes
from tests.test_hotfix_tui import project  # noqa: F401 - a fixture
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


async def test_when_the_runbook_changes_the_pane_shows_the_highlighted_row(
        project: Path) -> None:  # noqa: F811 - a fixture
    """Walked: after a hotfix ended, the pane showed a step of the hotfix's runbook where the
    cursor had been, not where the release's runbook now has it highlighted. Another runbook
    puts the cursor on the step to do now (none: the first) and the pane shows that row."""
    from services import engine
    from services.flows import runbook
    from services.hotfix.start import HotfixRequest, start_hotfix
    from services.policy import load_policy
    from services.repo import Repository
    from services.session import SessionStore
    from services.step_status import StepStatus

    commit(project, "src/unlock.sh", "retry=2\n", "Unlock: two retries")
    repo = Repository(project)
    ctx = Context(policy=load_policy(project / "release.toml"), repo=repo,
                  store=SessionStore(repo.root))
    start_hotfix(ctx, HotfixRequest("1.3.1", ["HEAD"]))
    session = ctx.store.load("v1.3.1")
    for step in runbook("hotfix")[:-1]:
        record = session.step(step.id)
        record.status, record.reason = StepStatus.SKIPPED, "walked in tests/test_hotfix_cli.py"
    ctx.store.save(session)
    journal_finishes(ctx.store, "v1.3.1", "walked in tests/test_hotfix_cli.py")
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        checklist = app.screen.query_one("#checklist", OptionList)
        await pilot.press("up", "up", "up")  # the hotfix's "GitHub draft and uploads"
        await settle(pilot)
        assert text_of(app.screen, "#detail-text").startswith("GitHub draft and uploads")

        engine.skip_step(ctx, engine.find_step(ctx, "merge-back"), "merged by hand")  # it ends
        git(project, "switch", "-q", "main")
        await pilot.press("f5")
        await settle(pilot)
        assert checklist.option_count == 14  # the release's runbook, nothing in progress
        assert checklist.highlighted == 0
        assert text_of(app.screen, "#detail-text").startswith("Pre-flight checks  (preflight)")

        await pilot.press("down", "down")  # the pane follows the cursor in the new runbook
        await settle(pilot)
        assert text_of(app.screen, "#detail-text").startswith("MIGRATION.md section")


async def test_once_the_release_ends_the_pane_shows_the_first_step_not_the_last_opened(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """Walked at 80x24: after the summary, Escape back to the checklist with nothing in progress
    showed "Push commit and tag ... irreversible" in the Step pane, the row last highlighted
    during the release, as if it came next. The pane goes back to the first step."""
    from services.session_lifecycle import abandon_release

    start_release(make_ctx(), ReleaseRequest(version="0.2.0"))
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        checklist = app.screen.query_one("#checklist", OptionList)
        checklist.highlighted = 9
        await settle(pilot)
        assert "Push commit and tag" in text_of(app.screen, "#detail-text")
        abandon_release(make_ctx(), "v0.2.0", "walked")  # the release ends (here: abandoned)
        await pilot.press("f5")
        await settle(pilot)
        assert "No release in progress" in text_of(app.screen, "#message")
        assert checklist.highlighted == 0
        assert text_of(app.screen, "#detail-text").startswith("Pre-flight checks")
