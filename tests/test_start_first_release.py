"""The start dialog on a project with no release tag offers no bump: there is nothing to bump
from, and the start refused one ("no release tag like vX.Y.Z yet to bump from")."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Select

from console.app import ReleaseConsoleApp
from console.wiring import Options
from screens.start import StartScreen
from tests.conftest import commit_file, git
from tests.tui_helpers import open_with_key, settle, text_of


async def test_a_first_release_is_started_by_its_version_not_a_bump(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "config", "user.email", "captain@example.org")
    git(tmp_path, "config", "user.name", "Captain")
    commit_file(tmp_path, "CHANGELOG.md", "# Changelog\n\n## [Unreleased]\n\n### Added\n\n- All.\n")
    app = ReleaseConsoleApp(Options(repo=tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_with_key(pilot, "s", StartScreen)
        assert "No release tag yet: this will be the first release." in text_of(
            app.screen, "#suggestion")
        bump = app.screen.query_one("#bump", Select)
        assert bump.disabled and bump.value == ""
        await pilot.press(*"0.1.0", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, StartScreen)
    assert (tmp_path / ".release" / "v0.1.0" / "session.json").is_file()
