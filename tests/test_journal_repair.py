"""A journal whose last entry a crash cut off: `journal repair` sets it aside and the release goes
on; any other damage is refused and changes nothing."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from console.app import ReleaseConsoleApp
from console.wiring import Options
from screens.home import HomeScreen
from screens.prompts import ConfirmScreen
from services.journal import Journal
from tests.conftest import run_cli
from tests.tui_helpers import settle, text_of


def cut_by_a_crash(repo_path: Path) -> tuple[Path, bytes]:
    """A started release whose last journal entry was half written when the power went: the
    session was saved before it (as the recorder saves it only after the entry)."""
    assert run_cli("start", "0.2.0", cwd=repo_path).returncode == 0
    release = repo_path / ".release" / "v0.2.0"
    journal = release / "journal.jsonl"
    for action in ("step started", "step finished"):  # the recorder's entries; no session save
        Journal(journal).append(actor="Captain <c@example.org>", step="preflight", action=action)
    data = journal.read_bytes()
    last = data.rstrip(b"\n").rsplit(b"\n", 1)[-1]
    cut = data[:len(data) - len(last) - 1] + last[:57]
    journal.write_bytes(cut)
    return journal, last[:57]


def snapshot(repo_path: Path) -> dict[str, bytes]:
    release = repo_path / ".release" / "v0.2.0"
    return {p.name: p.read_bytes() for p in sorted(release.iterdir()) if p.is_file()}


def test_a_cut_off_last_entry_is_set_aside_and_the_release_goes_on(repo_path: Path) -> None:
    journal, fragment = cut_by_a_crash(repo_path)

    status = run_cli("status", cwd=repo_path)
    assert "Every step is stopped" in status.stdout and "the last entry is cut off" in \
        status.stdout
    assert "release-console journal repair" in status.stdout
    blocked = run_cli("next", "--yes", cwd=repo_path)
    assert blocked.returncode == 1 and "journal repair" in blocked.stderr

    before = snapshot(repo_path)
    asked = run_cli("journal", "repair", cwd=repo_path)  # no terminal to say yes on
    assert asked.returncode != 0 and "--yes" in asked.stderr
    assert "journal.cut-3.bin:\n+ those 57 bytes, as they are" in asked.stdout  # the plan
    assert snapshot(repo_path) == before

    done = run_cli("journal", "repair", "--yes", cwd=repo_path)
    assert done.returncode == 0, done.stderr
    kept = journal.with_name("journal.cut-3.bin")
    assert kept.read_bytes() == fragment  # nothing of it lost
    assert run_cli("journal", "verify", cwd=repo_path).returncode == 0
    entries = [json.loads(line) for line in journal.read_text().splitlines()]
    assert [e["seq"] for e in entries] == [1, 2, 3]  # started, step started, set aside
    assert entries[-1]["action"] == "cut-off entry set aside"
    assert entries[-1]["outputs"]["sha256"] == hashlib.sha256(fragment).hexdigest()
    assert "Every step is stopped" not in run_cli("status", cwd=repo_path).stdout
    again = run_cli("abandon", "v0.2.0", "--reason", "a test", cwd=repo_path)
    assert again.returncode == 0, again.stderr  # recorded again, after the repair
    assert run_cli("journal", "verify", "--tag", "v0.2.0", cwd=repo_path).returncode == 0


def test_other_damage_is_refused_and_changes_nothing(repo_path: Path) -> None:
    journal, _ = cut_by_a_crash(repo_path)
    lines = journal.read_bytes().split(b"\n")
    lines[0] = lines[0].replace(b'"actor": "', b'"actor": "Mallory ')  # edited by hand too
    journal.write_bytes(b"\n".join(lines))
    before = snapshot(repo_path)
    refused = run_cli("journal", "repair", "--yes", cwd=repo_path)
    assert refused.returncode == 1
    assert "is not only cut off at its end" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert snapshot(repo_path) == before


def test_an_intact_journal_needs_no_repair(repo_path: Path) -> None:
    assert run_cli("start", "0.2.0", cwd=repo_path).returncode == 0
    before = snapshot(repo_path)
    said = run_cli("journal", "repair", "--yes", cwd=repo_path)
    assert said.returncode == 0 and "is intact; there is nothing to repair" in said.stdout
    assert snapshot(repo_path) == before


async def test_the_tui_names_the_repair_and_does_it_from_the_palette(repo_path: Path) -> None:
    journal, fragment = cut_by_a_crash(repo_path)
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        shown = text_of(app.screen, "#message")
        assert "the last entry is cut off" in shown
        assert "Repair the journal" in shown
        await pilot.press("ctrl+p", *"Repair the journal")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)  # the plan, asked first
        assert "journal.cut-3.bin" in str(app.screen.plan.render())
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "Every step is stopped" not in text_of(app.screen, "#message")
        assert any("Set aside in" in str(n.message) for n in app.messages)
    assert journal.with_name("journal.cut-3.bin").read_bytes() == fragment
    assert run_cli("journal", "verify", cwd=repo_path).returncode == 0
