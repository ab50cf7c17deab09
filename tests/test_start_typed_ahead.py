"""Keys typed in one burst go into the start dialog's version field in the order typed, and Enter
starts the version the field held at Enter.

Walked in tmux at 80x24: ``s``, End, five Backspaces, ``1.2.0`` and Enter, sent in one go,
started the suggested version. The keys after ``s`` reached the checklist (it still had the focus
while the dialog opened): the typing went nowhere, and Enter, matched against the dialog's keys
on its way back, submitted the suggestion the field held by then. With the dialog open, the same
keys put ``1.2.0`` over the selected suggestion first, then End and the Backspaces emptied it.
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from console.app import ReleaseConsoleApp
from console.wiring import Options
from screens.start import StartScreen
from tests.conftest import commit_file
from tests.tui_helpers import open_with_key, settle, text_of, type_in_one_burst

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
