"""Keys typed in one burst go into a dialog's field in the order typed, and Enter in the start
dialog starts the version the field held at Enter.

Walked in tmux at 80x24: ``s``, End, five Backspaces, ``1.2.0`` and Enter, sent in one go,
started the suggested version. The keys after ``s`` reached the checklist (it still had the focus
while the dialog opened): the typing went nowhere, and Enter, matched against the dialog's keys
on its way back, submitted the suggestion the field held by then. With the dialog open, the same
keys put ``1.2.0`` over the selected suggestion first, then End and the Backspaces emptied it.
The abandon dialog's reason field took typed-ahead keys the same way.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from textual.widgets import Input

from console.app import ReleaseConsoleApp
from console.wiring import Options
from screens.start import StartScreen
from services.session_lifecycle import ReleaseRequest, start_release
from services.step_protocol import Context
from tests.conftest import commit_file, run_cli
from tests.tui_helpers import SlowApp, open_with_key, settle, text_of, type_in_one_burst

ENTRIES = "# Changelog\n\n## [Unreleased]\n\n### Added\n- Resume uploads.\n"
OVER_THE_SUGGESTION = ("end", *["backspace"] * 5, *"0.3.1")  # the suggestion: 0.2.0


def started(repo: Path) -> list[str]:
    return sorted(p.parent.name for p in (repo / ".release").glob("*/session.json"))


async def test_a_version_typed_with_the_key_that_opens_the_dialog_is_the_one_started(
        repo_path: Path) -> None:
    commit_file(repo_path, "CHANGELOG.md", ENTRIES)
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        type_in_one_burst(app, "s", *OVER_THE_SUGGESTION, "enter")
        await settle(pilot)
        assert not isinstance(app.screen, StartScreen)
    assert started(repo_path) == ["v0.3.1"]


async def test_keys_typed_in_one_burst_in_the_open_dialog_act_in_turn(repo_path: Path) -> None:
    commit_file(repo_path, "CHANGELOG.md", ENTRIES)
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_with_key(pilot, "s", StartScreen)
        field = screen.query_one("#version", Input)
        assert field.value == "0.2.0"  # the suggestion, selected: typing replaces it
        type_in_one_burst(app, *OVER_THE_SUGGESTION)
        await settle(pilot)
        assert field.value == "0.3.1"
        assert text_of(screen, "#preview").startswith("Enter starts v0.3.1 (stable).")
        type_in_one_burst(app, "home", "delete", "1", "enter", "9")  # a key after Enter
        await settle(pilot)
        assert not isinstance(app.screen, StartScreen)
    assert started(repo_path) == ["v1.3.1"]  # as the field was at Enter, not "19.3.1"


async def test_a_reason_typed_with_the_key_that_opens_the_abandon_dialog_goes_into_it(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """Walked with Pilot: the dialog opened once a worker had worked out what abandoning leaves
    behind, and the reason typed after ``x`` went to the checklist meanwhile (its ``n`` opened
    the next step). The dialog opens at once now; an Enter typed before the list is shown does
    not abandon, as the captain has not read it."""
    from screens.abandon import AbandonScreen

    start_release(make_ctx(), ReleaseRequest(version="0.2.0"))
    app = SlowApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.held.set()  # working out what stays waits, as git does on a loaded machine
        type_in_one_burst(app, "x", *"wrong buildd", "backspace", "enter")
        for _ in range(20):
            await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, AbandonScreen)
        assert dialog.query_one("#reason", Input).value == "wrong build"
        assert "then Enter" in text_of(dialog, "#reason-error")
        app.go.set()
        await settle(pilot)
        assert app.screen is dialog and text_of(dialog, "#reason-error") == ""
        await pilot.press("enter")
        await settle(pilot)
    shown = run_cli("journal", "show", "--tag", "v0.2.0", "--json", cwd=repo_path)
    entries = [json.loads(line) for line in shown.stdout.splitlines() if line.strip()]
    assert [e["inputs"]["reason"] for e in entries if e.get("action") == "abandoned"] == [
        "wrong build"]


async def test_a_key_typed_while_a_confirmation_opens_does_not_answer_it(
        repo_path: Path) -> None:
    """Keys wait for a screen still being built and then go to it; a confirmation is the
    exception: a `y` (or Enter) that arrived before its plan was on screen answered it."""
    from screens.prompts import ConfirmScreen
    from services.step_protocol import Plan

    app = ReleaseConsoleApp(Options(repo=repo_path))
    answers: list[bool | None] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(ConfirmScreen("Commit it?", Plan(summary="Commit CHANGELOG.md.")),
                        answers.append)
        type_in_one_burst(app, "y")  # before the dialog has mounted
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen) and answers == []
        await pilot.press("y")
        await settle(pilot)
    assert answers == [True]
