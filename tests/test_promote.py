"""Promoting a release candidate: what is refused (one sentence, nothing changed) and the TUI
action. The whole rc -> promote -> publish walk is tests/test_rc_promote.py."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import OptionList

from console.app import ReleaseConsoleApp
from console.wiring import Options
from screens.home import HomeScreen
from screens.promote import PromoteScreen
from services.github.yank import banner
from services.step_protocol import Context
from tests.conftest import flat, last_said, run_cli
from tests.github_helpers import (
    REPO,
    Sandbox,
    git,
    remote,
    sandbox,  # noqa: F401 - fixture
    write_policy,
)
from tests.test_tui_home import settle, text_of


@pytest.fixture
def candidate(repo_path: Path, sandbox: Sandbox) -> Path:  # noqa: F811
    """v0.2.0-rc.1 tagged on main and published on GitHub as a pre-release."""
    (repo_path / "CHANGELOG.md").write_text(
        "# Changelog\n\n## [0.2.0] - 2026-11-01\n\n- Unlock.\n\n## [0.1.0] - 2026-10-01\n\n"
        "- First.\n")
    git(repo_path, "add", "CHANGELOG.md")
    git(repo_path, "commit", "-q", "-m", "Release v0.2.0-rc.1: changelog")
    write_policy(repo_path, sandbox.api_url)
    git(repo_path, "tag", "-a", "v0.2.0-rc.1", "-m", "rc", "HEAD~1")
    remote(repo_path)
    sandbox.github().get_repo(REPO).create_git_release(
        "v0.2.0-rc.1", "PAI v0.2.0-rc.1", "- Unlock.\n", draft=False, prerelease=True)
    return repo_path


def refused(project: Path, rc_tag: str) -> str:
    result = run_cli("promote", rc_tag, cwd=project)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert not (project / ".release").exists() or not any((project / ".release").iterdir())
    return result.stderr


def test_promote_starts_on_the_candidates_commit(candidate: Path) -> None:
    result = run_cli("promote", "v0.2.0-rc.1", "--json", cwd=candidate)
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    rc_commit = git(candidate, "rev-parse", "v0.2.0-rc.1^{commit}").strip()
    assert doc == {"tag": "v0.2.0", "version": "0.2.0", "kind": "promote", "channel": "stable",
                   "rc_tag": "v0.2.0-rc.1", "commit": rc_commit}
    status = json.loads(run_cli("status", "--json", cwd=candidate).stdout)
    assert [s["id"] for s in status["steps"]][:4] == [
        "promote", "notes", "artifacts", "reuse-signoffs"]
    assert "changelog" not in [s["id"] for s in status["steps"]]
    plan = run_cli("run", "promote", "--dry-run", cwd=candidate).stdout
    assert (f"Promote v0.2.0-rc.1 to v0.2.0 on its commit {rc_commit[:12]}: no new changelog "
            "commit; the notes are CHANGELOG.md's [0.2.0] section at that commit.") in flat(plan)


def test_a_candidate_never_published_is_refused(candidate: Path, sandbox: Sandbox) -> None:  # noqa: F811
    git(candidate, "tag", "v0.3.0-rc.1")
    assert "v0.3.0-rc.1 was never published on GitHub, so it cannot be promoted." in refused(
        candidate, "v0.3.0-rc.1")


def test_a_draft_candidate_is_refused(candidate: Path, sandbox: Sandbox) -> None:  # noqa: F811
    git(candidate, "tag", "v0.3.0-rc.1")
    sandbox.github().get_repo(REPO).create_git_release("v0.3.0-rc.1", "rc", "x", draft=True,
                                                       prerelease=True)
    assert "v0.3.0-rc.1 is still a draft on GitHub" in refused(candidate, "v0.3.0-rc.1")


def test_a_yanked_candidate_is_refused(candidate: Path, sandbox: Sandbox) -> None:  # noqa: F811
    rel = sandbox.github().get_repo(REPO).get_release("v0.2.0-rc.1")
    rel.update_release(name=rel.name, message=banner("bad", "v0.2.0-rc.2") + "- Unlock.\n",
                       prerelease=True)
    assert "v0.2.0-rc.1 was yanked on GitHub, so it cannot be promoted." in refused(
        candidate, "v0.2.0-rc.1")


def test_a_later_candidate_or_an_existing_stable_is_refused(candidate: Path) -> None:
    git(candidate, "tag", "v0.2.0-rc.2")
    assert ("v0.2.0-rc.1 is not the newest release candidate of 0.2.0: v0.2.0-rc.2 came after "
            "it.") in refused(candidate, "v0.2.0-rc.1")
    git(candidate, "tag", "v0.2.0", "v0.2.0-rc.2")
    assert "v0.2.0 already exists, so v0.2.0-rc.2 cannot be promoted to it." in refused(
        candidate, "v0.2.0-rc.2")


def test_a_candidate_off_the_default_branch_is_refused(candidate: Path) -> None:
    git(candidate, "switch", "-q", "-c", "side")
    (candidate / "side.txt").write_text("side\n")
    git(candidate, "add", "side.txt")
    git(candidate, "commit", "-q", "-m", "side")
    git(candidate, "tag", "-f", "v0.2.0-rc.1")
    git(candidate, "switch", "-q", "main")
    assert "is no longer reachable from main, so the stable release cannot be tagged on it." \
        in refused(candidate, "v0.2.0-rc.1")


def test_a_stable_tag_or_nonsense_is_not_a_candidate(candidate: Path) -> None:
    assert "v0.1.0 is a stable version already; only a release candidate is promoted." in \
        refused(candidate, "v0.1.0")
    assert "'banana' is not a release-candidate tag of this project." in refused(
        candidate, "banana")


async def test_promote_from_the_tui(candidate: Path, make_ctx: Callable[..., Context]) -> None:
    app = ReleaseConsoleApp(Options(repo=candidate))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, PromoteScreen)
        candidates = app.screen.query_one("#candidates", OptionList)
        # walked: only "v0.2.0-rc.1" was listed; what Enter starts was said after it started
        assert [str(candidates.get_option_at_index(i).prompt)
                for i in range(candidates.option_count)] == ["v0.2.0-rc.1  → v0.2.0 (stable)"]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "v0.2.0 · stable · promote" in text_of(app, "#session-bar")
        assert "Next: Release candidate to promote." in text_of(app, "#message")
    session = make_ctx().require_session()
    assert session.kind == "promote" and session.tag == "v0.2.0"
    assert session.data["promote"]["commit"] == git(
        candidate, "rev-parse", "v0.2.0-rc.1^{commit}").strip()


def test_a_mistyped_candidate_tag_is_said_to_be_missing(candidate: Path) -> None:
    """Walked by hand: `promote v0.2.0-rc` (the .1 forgotten) said it "belongs to no channel
    that is promoted ... or set promotes_to for that channel", sending the captain to edit
    release.toml over a typo; the tag simply does not exist."""
    said = refused(candidate, "v0.2.0-rc")
    assert "There is no tag v0.2.0-rc in this repository" in said
    assert "promotes_to" not in said


def test_the_build_is_said_to_be_from_the_candidates_commit(candidate: Path) -> None:
    """The candidate's commit is under HEAD (its reopen commit on top): `./build.sh` run where
    the remedy said built HEAD, other bytes than the tag's source, whose sign-offs could not be
    reused. The remedy names the release commit and how to build from it."""
    assert run_cli("promote", "v0.2.0-rc.1", cwd=candidate).returncode == 0
    (candidate / "build.sh").write_text("#!/bin/sh\n")
    for _ in range(2):  # promote, notes
        assert run_cli("next", "--yes", cwd=candidate).returncode == 0
    rc_commit = git(candidate, "rev-parse", "v0.2.0-rc.1^{commit}").strip()[:12]
    head = git(candidate, "rev-parse", "HEAD").strip()[:12]
    status = run_cli("status", cwd=candidate).stdout
    assert (f"Build it from the release commit {rc_commit}, not HEAD ({head}): `git switch "
            f"--detach {rc_commit}`, `./build.sh 0.2.0` in {candidate}, then `git switch -` and "
            "run the step again.") in last_said(status)  # `Next:`, wrapped at the width
