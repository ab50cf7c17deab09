"""The yank wizard finishes a yank killed between its halves, as the home screen says it will.

Walked at 80x24: the console killed after the yank's CHANGELOG note (GitHub not edited yet), or
after GitHub's edit (its answer lost), in a release the console made (its session finished).
The home screen said "Press y to open the yank wizard and yank 0.2.0 again with the reason ...
and the replacement 0.2.1"; the wizard then opened empty, to be typed again word for word (a
reason typed differently puts another reason in GitHub's banner than in the CHANGELOG note),
and once GitHub showed the release yanked, picking it said "v0.2.0 is already yanked; nothing
to do.": the yank was left unfinished for good in the TUI. Now the wizard opens on the
interrupted yank with its recorded inputs, and finishing it sends GitHub's edit once at most.
"""

from __future__ import annotations

import signal
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Checkbox, Input

from console.app import ReleaseConsoleApp
from console.wiring import Options
from screens.prompts import ConfirmScreen
from screens.yank import YankScreen
from screens.yank_hotfix import HotfixOffer
from services.overview import overview
from services.session import SessionStore
from tests.conftest import run_cli
from tests.github_helpers import Sandbox, cli_env, git, release_json, release_patches
from tests.hotfix_helpers import killed_after
from tests.test_confirm_layout import screen_lines
from tests.test_tui_home import settle
from tests.test_yank_resume import NOTE, REASON, YANK, Factory
from tests.test_yank_resume import project as project  # the fixture


def killed(project: Path, sandbox: Sandbox, when: str) -> None:
    """A real SIGKILL: after the note's commit, at GitHub's first answer (nothing edited yet),
    or once GitHub has made the edit and before its answer is read."""

    def note_committed(_method: str, _path: str) -> bool:
        return NOTE in git(project, "log", "--format=%s")

    result = killed_after(project, "", *YANK, env=cli_env(), server=sandbox.server,
                          http=note_committed if when == "note" else "PATCH")
    assert result.returncode == -signal.SIGKILL, result.stderr
    assert git(project, "log", "--format=%s").count(NOTE) == 1
    assert len(release_patches(sandbox)) == (0 if when == "note" else 1)


@pytest.mark.parametrize("when", ["note", "github"])
async def test_the_wizard_finishes_an_interrupted_yank_with_its_recorded_inputs(
        project: Path, sandbox: Sandbox, make_ctx: Factory, when: str) -> None:
    killed(project, sandbox, when)
    assert overview(make_ctx()).idle.startswith("The yank of v0.2.0 was interrupted")
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, YankScreen)
        assert screen.chosen is not None and screen.chosen.tag == "v0.2.0"
        assert screen.query_one("#reason", Input).value == REASON
        assert screen.query_one("#replacement", Input).value == "0.2.1"
        assert screen.query_one("#older", Checkbox).value is False
        said = " ".join(" ".join(screen_lines(app)).split())
        assert "Finishing the interrupted yank of v0.2.0" in said, said
        button = screen.query_one("#preview-button", Button)
        button.focus()
        button.press()
        await settle(pilot)
        assert not screen.query_one("#confirm", Button).disabled
        await pilot.press("y")
        await settle(pilot)
        if isinstance(app.screen, ConfirmScreen):  # the note's push: no remote here
            await pilot.press("n")
            await settle(pilot)
        if isinstance(app.screen, HotfixOffer):
            await pilot.press("escape")
            await settle(pilot)
    assert len(release_patches(sandbox)) == 1  # GitHub edited once, whenever the kill came
    body = release_json(sandbox, "v0.2.0")
    assert body["prerelease"] is True and body["body"].count("YANKED") == 1
    assert REASON in body["body"]
    assert git(project, "log", "--format=%s").count(NOTE) == 1
    assert (project / "CHANGELOG.md").read_text().count("has been yanked") == 1
    session = SessionStore(project).load("v0.2.0")
    assert session.state == "completed"
    assert all(session.steps[s].status.value == "done" for s in ("yank-changelog",
                                                                 "yank-github"))
    assert "interrupted" not in overview(make_ctx()).idle
    assert run_cli("journal", "verify", "--tag", "v0.2.0", cwd=project,
                   env=cli_env()).returncode == 0


async def yank_v020_for_021(pilot: Pilot[None]) -> YankScreen:
    """From the checklist: y, v0.2.0, the reason and replacement 0.2.1, preview, y (GitHub's
    half is carried out); the wizard, under whatever asks next."""
    app = pilot.app
    await settle(pilot)
    await pilot.press("y")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, YankScreen)
    await pilot.press("enter")  # v0.2.0, highlighted
    await settle(pilot)
    screen.query_one("#reason", Input).value = REASON
    screen.query_one("#replacement", Input).value = "0.2.1"
    button = screen.query_one("#preview-button", Button)
    button.focus()
    button.press()
    await settle(pilot)
    await pilot.press("y")
    await settle(pilot)
    return screen


async def test_no_replacement_hotfix_is_offered_while_a_release_is_in_progress(
        project: Path, sandbox: Sandbox, make_ctx: Factory) -> None:
    """Walked: with hotfix v0.2.1 already started, the yank of v0.2.0 (its replacement 0.2.1)
    ended with "Start the replacement hotfix 0.2.1 now?", and y was refused: "A release session
    for v0.2.1 is already in progress"."""
    from services.session_lifecycle import ReleaseRequest, start_release

    git(project, "tag", "-a", "v0.2.0", "-m", "PAI v0.2.0")
    start_release(make_ctx(), ReleaseRequest(version="0.2.1", kind="hotfix"))
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await yank_v020_for_021(pilot)
        assert isinstance(app.screen, ConfirmScreen)  # the note's push: no remote here
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is screen  # no offer to start what is already in progress
    assert release_json(sandbox, "v0.2.0")["prerelease"] is True
    active = SessionStore(project).active()
    assert active is not None and active.tag == "v0.2.1"


async def test_a_damaged_session_file_does_not_make_a_finished_yank_read_as_failed(
        project: Path, sandbox: Sandbox) -> None:
    """Found in review: with an old release's session file damaged and none in progress, the
    lookup of the session in progress after the yank raised it, so a yank GitHub had shown was
    reported as an error, and neither the note's push nor anything after it was offered."""
    damaged = project / ".release" / "v0.1.0"
    damaged.mkdir(parents=True)
    (damaged / "session.json").write_text("{not json")
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await yank_v020_for_021(pilot)
        assert isinstance(app.screen, ConfirmScreen), " ".join(screen_lines(app))
        assert app.screen.question.startswith("Push the yank note ")
        await pilot.press("n")
        await settle(pilot)
        # no hotfix offered: start_release would stop at the damaged file as well
        assert app.screen is screen
        said = " ".join(" ".join(screen_lines(app)).split())
        assert "is committed but not pushed" in said, said
    assert release_json(sandbox, "v0.2.0")["prerelease"] is True
    assert SessionStore(project).load("v0.2.0").state == "completed"
