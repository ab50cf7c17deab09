"""Abandon tells the release's own commits from the captain's own. Found rehearsing the console's
own release: the tag key pinned in release.toml by hand after `start` (as pre-flight asks) was
listed as a commit "of this release", and the `git reset --keep` offered to drop the release's
commits dropped the captain's pin too, without a word. The captain's commits are now named as
theirs; the reset offered keeps them, or, when one sits between the release's commits, the
output says it would go and offers the rebase that keeps it. Nothing is ever run for them."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import Static

from console.app import ReleaseConsoleApp
from console.wiring import Options
from screens.abandon import AbandonScreen
from services import engine
from services.left_behind import left_behind
from services.session_lifecycle import ReleaseRequest, start_release
from services.step_protocol import Context
from tests.conftest import commit_file, git, run_cli
from tests.test_changelog_steps import CHANGELOG
from tests.tui_helpers import open_with_key, settle

MakeCtx = Callable[..., Context]
PIN = "Pin the tag key in release.toml"


def sha(repo: Path, rev: str = "HEAD") -> str:
    return git(repo, "rev-parse", rev).strip()


def flat(text: str) -> str:
    """The output with its wrapping undone (the CLI wraps at 80 columns)."""
    return " ".join(text.split())


def abandon_entry(repo: Path) -> dict[str, object]:
    shown = run_cli("journal", "show", "--tag", "v0.2.0", "--json", cwd=repo)
    assert shown.returncode == 0, shown.stderr
    entries = [json.loads(line) for line in shown.stdout.splitlines() if line.strip()]
    (entry,) = [e for e in entries if e.get("action") == "abandoned"]
    outputs = entry["outputs"]
    assert isinstance(outputs, dict)
    return outputs


@pytest.fixture
def pinned_then_changelog(repo_path: Path, make_ctx: MakeCtx) -> tuple[str, str]:
    """v0.2.0 started; the captain commits the pin by hand, pre-flight is run again on it, then
    the changelog step commits on top. Returns (the pin, the changelog commit)."""
    commit_file(repo_path, "CHANGELOG.md", CHANGELOG, "Add changelog")
    ctx = make_ctx()
    start_release(ctx, ReleaseRequest(version="0.2.0"))
    engine.run_step(ctx, engine.find_step(ctx, "preflight"))
    commit_file(repo_path, "release.toml", '[versioning]\ntag = "v{version}"\n', PIN)
    pin = sha(repo_path)
    assert run_cli("redo", "preflight", "--reason", "pinned", cwd=repo_path).returncode == 0
    assert run_cli("run", "preflight", cwd=repo_path).returncode == 0
    assert run_cli("run", "changelog", "--yes", cwd=repo_path).returncode == 0
    moved = sha(repo_path)
    assert git(repo_path, "log", "-1", "--format=%s").strip() == "Release v0.2.0: changelog"
    return pin, moved


def test_the_pin_is_the_captains_and_the_reset_offered_keeps_it(
        repo_path: Path, pinned_then_changelog: tuple[str, str]) -> None:
    pin, moved = pinned_then_changelog
    said = run_cli("abandon", "v0.2.0", "--reason", "start over", cwd=repo_path)
    assert said.returncode == 0, said.stderr
    text = flat(said.stdout)
    assert (f"1 commit of this release on main, never pushed, stays there: {moved[:7]} "
            "Release v0.2.0: changelog") in text, text
    assert (f"To drop it: `git reset --keep {moved[:12]}^`, which keeps your own one listed "
            "below (starting v0.2.0 again works, but its changelog step stops until") in text
    assert ("1 commit of your own on main, made by hand during this release and never pushed, "
            f"stays there (the console did not make it; starting v0.2.0 again, or a later "
            f"version, works with it): {pin[:7]} {PIN}") in text
    assert f"reset --keep {pin[:12]}^" not in text  # the reset that took the pin with it

    outputs = abandon_entry(repo_path)
    assert outputs["unpushed_commits"] == [pin, moved]  # as before: every commit never pushed
    assert outputs["release_commits"] == [moved]
    assert outputs["captain_commits"] == [pin]
    assert outputs["drop"] == f"git reset --keep {moved[:12]}^"
    assert outputs["drop_also_drops"] == [] and outputs["keep_captain_commits"] == ""

    # Nothing was run for the captain; the command as written drops the changelog commit only.
    assert sha(repo_path) == moved
    git(repo_path, "reset", "-q", "--keep", f"{moved[:12]}^")
    assert sha(repo_path) == pin
    assert git(repo_path, "status", "--porcelain") == ""


def test_a_commit_of_the_captains_between_the_releases_is_named_and_the_choice_left_to_them(
        repo_path: Path, make_ctx: MakeCtx) -> None:
    """Changelog commit, the captain's pin, then the migration commit: no reset drops the
    release's two and keeps the pin. The output says the reset would drop the pin, and gives the
    rebase that keeps it; the captain chooses."""
    commit_file(repo_path, "CHANGELOG.md", CHANGELOG, "Add changelog")
    ctx = make_ctx()
    start_release(ctx, ReleaseRequest(version="0.2.0"))
    for step_id in ("preflight", "changelog"):
        engine.run_step(ctx, engine.find_step(ctx, step_id))
    moved = sha(repo_path)
    commit_file(repo_path, "release.toml", '[versioning]\ntag = "v{version}"\n', PIN)
    pin = sha(repo_path)
    assert run_cli("migration", "none", "v0.1.0", "v0.2.0", cwd=repo_path).returncode == 0
    ran = run_cli("run", "migration", "--yes", cwd=repo_path)
    assert ran.returncode == 0, ran.stderr
    notes = sha(repo_path)
    assert git(repo_path, "log", "-1", "--format=%s").strip() == "Release v0.2.0: migration notes"

    left = left_behind(ctx, ctx.store.load("v0.2.0"))  # the TUI's toast after abandoning
    assert left.summary() == (
        f"Left behind: 2 commits never pushed (to drop them: `git reset --keep {moved[:12]}^`, "
        f"which drops your own commit {pin[:7]} too; `git rebase -i {moved[:12]}^ main` keeps "
        "it); 1 commit of your own never pushed.")

    said = run_cli("abandon", "v0.2.0", "--reason", "start over", cwd=repo_path)
    assert said.returncode == 0, said.stderr
    text = flat(said.stdout)
    assert (f"2 commits of this release on main, never pushed, stay there: {moved[:7]} Release "
            f"v0.2.0: changelog {notes[:7]} Release v0.2.0: migration notes") in text, text
    assert (f"Your own commit {pin[:7]} sits between them, so `git reset --keep {moved[:12]}^` "
            "would drop it too.") in text
    assert (f"To drop only them: `git rebase -i {moved[:12]}^ main` and delete the lines "
            f"`pick {moved[:7]}` and `pick {notes[:7]}` in the editor; to drop them and yours: "
            f"`git reset --keep {moved[:12]}^` (") in text
    assert f"{pin[:7]} {PIN}" in text

    outputs = abandon_entry(repo_path)
    assert outputs["unpushed_commits"] == [moved, pin, notes]
    assert outputs["release_commits"] == [moved, notes]
    assert outputs["captain_commits"] == [pin] and outputs["drop_also_drops"] == [pin]
    assert outputs["keep_captain_commits"] == f"git rebase -i {moved[:12]}^ main"
    assert sha(repo_path) == notes  # nothing was run for the captain

    # The rebase it offers, with the two lines deleted as it says, keeps the pin alone.
    editor = repo_path.parent / "drop-release-lines.sh"
    editor.write_text(f"#!/bin/sh\nsed -i -e '/^pick {moved[:7]}/d' -e '/^pick {notes[:7]}/d' "
                      '"$1"\n')
    editor.chmod(0o755)
    env = {"GIT_SEQUENCE_EDITOR": str(editor)}
    rebased = run_cli_git(repo_path, env, "rebase", "-i", f"{moved[:12]}^", "main")
    assert rebased == 0
    subjects = git(repo_path, "log", "--format=%s", f"{moved}^..HEAD").splitlines()
    assert subjects == [PIN]


def run_cli_git(repo: Path, env: dict[str, str], *args: str) -> int:
    return subprocess.run(["git", *args], cwd=repo, env={**os.environ, **env},
                          capture_output=True, text=True).returncode


def test_a_hand_made_commit_alone_is_listed_as_the_captains_with_no_reset(
        repo_path: Path, make_ctx: MakeCtx) -> None:
    """Only the captain's commit since start: nothing of the release's to drop, so no reset."""
    commit_file(repo_path, "CHANGELOG.md", CHANGELOG, "Add changelog")
    ctx = make_ctx()
    start_release(ctx, ReleaseRequest(version="0.2.0"))
    commit_file(repo_path, "release.toml", '[versioning]\ntag = "v{version}"\n', PIN)
    pin = sha(repo_path)
    assert run_cli("run", "preflight", cwd=repo_path).returncode == 0
    said = flat(run_cli("abandon", "v0.2.0", "--reason", "later", cwd=repo_path).stdout)
    assert "1 commit of your own on main, made by hand during this release" in said
    assert f"{pin[:7]} {PIN}" in said
    assert "git reset" not in said and "of this release on main" not in said
    outputs = abandon_entry(repo_path)
    assert outputs["unpushed_commits"] == [pin] and outputs["captain_commits"] == [pin]
    assert outputs["release_commits"] == [] and outputs["drop"] == ""


async def test_the_abandon_dialog_names_the_captains_commit_and_keeps_it(
        repo_path: Path, pinned_then_changelog: tuple[str, str]) -> None:
    pin, moved = pinned_then_changelog
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        dialog = await open_with_key(pilot, "x", AbandonScreen)
        shown = flat("".join(str(s.render()) for s in dialog.query(
            "#abandon-left Static").results(Static)))
        assert (f"To drop it: `git reset --keep {moved[:12]}^`, which keeps your own one "
                "listed below") in shown, shown
        assert "1 commit of your own on main, made by hand during this release" in shown
        assert f"{pin[:7]} {PIN}" in shown
        await pilot.press(*"start over", "enter")
        await settle(pilot)
        said = [flat(str(t.render())) for t in app.screen.query("Toast")]
        assert any(f"1 commit never pushed (to drop it: `git reset --keep {moved[:12]}^`); "
                   "1 commit of your own never pushed (that command keeps it)." in t
                   for t in said), said
    assert sha(repo_path) == moved
