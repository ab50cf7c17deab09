"""The start dialog's preview follows every keystroke, from the changelog read once.

Each keystroke read and parsed CHANGELOG.md again for the preview's note, although the dialog's
suggestion had read it when the dialog opened; a long changelog made typing lag. The note now
comes from that reading while the file is unchanged, and from the file again when it changed,
could not be read, or the suggestion has not come yet.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Input, Select

from console.app import ReleaseConsoleApp
from console.wiring import Options
from screens.start import StartScreen
from services import changelog
from services.changelog import Changelog
from tests.conftest import commit_file
from tests.tui_helpers import open_with_key, settle, text_of

ENTRIES = "# Changelog\n\n## [Unreleased]\n\n### Added\n- Resume uploads.\n"
NOTE = "Note: the [Unreleased] entries call for 0.2.0 (a minor release)"


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Path]]:
    """Every time CHANGELOG.md is read and parsed (the real reading, counted)."""
    seen: list[Path] = []
    real = changelog.load

    def load(path: Path, display: str | None = None) -> Changelog:
        if path.name == "CHANGELOG.md":
            seen.append(path)
        return real(path, display)

    monkeypatch.setattr(changelog, "load", load)
    yield seen


async def type_version(pilot: object, app: ReleaseConsoleApp, text: str) -> list[str]:
    """Types ``text`` over the version, a key at a time; the preview after each key."""
    field = app.screen.query_one("#version", Input)
    field.select_all()
    shown = []
    for key in text:
        await pilot.press(key)  # type: ignore[attr-defined]
        await settle(pilot)  # type: ignore[arg-type]
        shown.append(text_of(app.screen, "#preview"))
    assert field.value == text
    return shown


async def test_each_keystroke_previews_from_the_changelog_read_once(
        repo_path: Path, reads: list[Path]) -> None:
    commit_file(repo_path, "CHANGELOG.md", ENTRIES)
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_with_key(pilot, "s", StartScreen)
        assert "The [Unreleased] entries call for 0.2.0." in text_of(app.screen, "#suggestion")
        reads.clear()
        shown = await type_version(pilot, app, "0.3.0")
        assert [line.split(" is not")[0] for line in shown[:4]] == [  # each key, its preview
            "'0'", "'0.'", "'0.3'", "'0.3.'"]
        assert shown[4].startswith("Enter starts v0.3.0 (stable).\n" + NOTE)
        assert shown[4].endswith("0.3.0 is a larger step, taken as you asked.")
        assert reads == []  # five keys, five previews, and the file was not read again

        # a changelog changed while the dialog is open is read again, once; the line above
        # says so too, and the channel chosen stays
        app.screen.query_one("#channel", Select).value = "rc"
        await settle(pilot)
        commit_file(repo_path, "CHANGELOG.md", ENTRIES.replace("Added", "Fixed"))
        shown = await type_version(pilot, app, "0.4.0")
        assert "entries call for 0.1.1 (a patch release)" in shown[-1]
        assert "The [Unreleased] entries call for 0.1.1." in text_of(app.screen, "#suggestion")
        assert app.screen.query_one("#channel", Select).value == "rc"
        assert len(reads) == 1  # read again once (0, 0. and 0.4 are refused before the note)
        await type_version(pilot, app, "0.5.0")
        assert len(reads) == 1  # and that reading is the one the next keystrokes reuse


async def test_an_unreadable_changelog_is_read_again_at_each_keystroke(
        repo_path: Path, reads: list[Path]) -> None:
    """No changelog when the dialog opened: nothing to reuse, so a keystroke reads it, and the
    note comes as soon as the file does."""
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert "call for" not in text_of(app.screen, "#suggestion")
        shown = await type_version(pilot, app, "0.3.0")
        assert shown[-1] == "Enter starts v0.3.0 (stable)."
        commit_file(repo_path, "CHANGELOG.md", ENTRIES)
        reads.clear()
        shown = await type_version(pilot, app, "0.3.0")
        assert shown[-1].startswith("Enter starts v0.3.0 (stable).\n" + NOTE)
        assert len(reads) == 1
        shown = await type_version(pilot, app, "0.4.0")
        assert "0.4.0 is a larger step" in shown[-1] and len(reads) == 1


async def test_a_refused_start_is_not_said_once_the_version_is_corrected(repo_path: Path) -> None:
    """Enter on a typo put "'1.' is not a SemVer version" under the fields; the captain typed
    the right version and the preview said "Enter starts v0.3.0", with the old refusal still
    below it (found walking the demo at 80x24). Typing clears the start's answer."""
    commit_file(repo_path, "CHANGELOG.md", ENTRIES)
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_with_key(pilot, "s", StartScreen)
        await type_version(pilot, app, "1.")
        await pilot.press("enter")
        await settle(pilot)
        assert "'1.' is not a SemVer version" in text_of(app.screen, "#error")
        shown = await type_version(pilot, app, "0.3.0")
        assert shown[-1].startswith("Enter starts v0.3.0 (stable).")
        assert text_of(app.screen, "#error") == ""


async def test_the_start_dialog_says_when_the_branch_is_not_the_default_one(
        repo_path: Path) -> None:
    """Walked at 80x24: after abandoning a hotfix the checkout stayed on hotfix/v1.3.1, and s
    offered "Enter starts v1.3.1 (stable)" from that branch's [Unreleased]; pre-flight then
    refused the branch, and the version was not the one main's entries call for. The dialog
    says so before anything starts, and what to do; on main it says nothing of it."""
    from tests.conftest import git
    from tests.test_confirm_layout import screen_lines

    commit_file(repo_path, "CHANGELOG.md", ENTRIES)
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_with_key(pilot, "s", StartScreen)
        assert "not main" not in text_of(app.screen, "#suggestion")
    git(repo_path, "switch", "-q", "-c", "hotfix/v0.2.1")
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_with_key(pilot, "s", StartScreen)
        said = " ".join(text_of(app.screen, "#suggestion").split())
        assert said.startswith("⚠ You are on hotfix/v0.2.1, not main: a release starts from "
                               "main (pre-flight refuses another branch). Switch with `git "
                               "switch main` first."), said
        lines = screen_lines(app)  # on the screen at 80x24, the buttons too
        assert any("⚠ You are on hotfix/v0.2.1, not main" in line for line in lines), lines
        assert any("Switch with `git switch main`" in line for line in lines), lines
        assert any("Cancel" in line and "Start" in line for line in lines), lines


async def test_the_start_dialog_says_when_unreleased_has_no_entries(repo_path: Path) -> None:
    """Walked at 80x24 after a release: [Unreleased] was empty, the dialog said nothing of it,
    and the rc started only to stop at the changelog step ("To do:" with nothing after it).
    The dialog says so before anything starts, on screen with its buttons."""
    from tests.test_confirm_layout import screen_lines

    commit_file(repo_path, "CHANGELOG.md", "# Changelog\n\n## [Unreleased]\n\n## [0.1.0]\n- A.\n")
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_with_key(pilot, "s", StartScreen)
        said = " ".join(text_of(app.screen, "#suggestion").split())
        assert "CHANGELOG.md has no [Unreleased] entries yet: add this release's changes and " \
               "commit them, or the changelog step stops." in said, said
        lines = screen_lines(app)
        assert any("no [Unreleased] entries yet" in line for line in lines), lines
        assert any("Cancel" in line and "Start" in line for line in lines), lines
    commit_file(repo_path, "CHANGELOG.md", ENTRIES)
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_with_key(pilot, "s", StartScreen)
        assert "no [Unreleased] entries" not in text_of(app.screen, "#suggestion")
