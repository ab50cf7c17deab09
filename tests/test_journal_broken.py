"""A journal that fails verification stops every step, and nothing is appended to it."""

from __future__ import annotations

import json
from pathlib import Path

from console.app import ReleaseConsoleApp
from console.wiring import Options
from screens.home import HomeScreen
from tests.conftest import run_cli
from tests.tui_helpers import settle, text_of


def tampered(repo_path: Path) -> tuple[Path, Path]:
    """A started release whose journal was edited by hand after the fact."""
    assert run_cli("start", "0.2.0", cwd=repo_path).returncode == 0
    release = repo_path / ".release" / "v0.2.0"
    journal = release / "journal.jsonl"
    entry = json.loads(journal.read_text().splitlines()[0])
    entry["actor"] = "Mallory <m@example.org>"  # edited after the fact
    journal.write_text(json.dumps(entry) + "\n")
    return journal, release / "session.json"


def test_broken_journal_stops_every_step_and_is_shown(repo_path: Path) -> None:
    journal, session = tampered(repo_path)
    release = session.parent
    before = (journal.read_bytes(), (release / "session.json").read_bytes())

    status = run_cli("status", cwd=repo_path)
    assert status.returncode == 0
    assert "Every step is stopped: the journal" in status.stdout
    assert "fails verification at line 1" in status.stdout
    assert json.loads(run_cli("status", "--json", cwd=repo_path).stdout)["journal_problem"]

    for args in (("next", "--yes"), ("run", "preflight"),
                 ("abandon", "v0.2.0", "--reason", "broken")):
        result = run_cli(*args, cwd=repo_path)
        assert result.returncode == 1, args
        assert "fails verification at line 1" in result.stderr, args
        assert "Traceback" not in result.stderr
        assert (journal.read_bytes(), (release / "session.json").read_bytes()) == before, args

    shown = run_cli("journal", "show", cwd=repo_path)
    assert "Warning: the journal" in shown.stderr and "Mallory" in shown.stdout


async def test_tui_home_shows_a_broken_journal_and_opens_no_step(repo_path: Path) -> None:
    journal, session = tampered(repo_path)
    before = (journal.read_bytes(), session.read_bytes())
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        shown = text_of(app.screen, "#message")
        assert "Every step is stopped: the journal" in shown
        assert "fails verification at line 1" in shown
        assert "release-console journal verify" in shown  # what to do
        for key in ("n", "enter"):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen), key  # no step screen opened
        said = [str(n.message) for n in app.messages]
        assert said and all("fails verification at line 1" in m for m in said)
    assert (journal.read_bytes(), session.read_bytes()) == before
