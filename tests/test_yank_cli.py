"""`release-console yank` checks GitHub before touching anything, leaves no active session when it
fails, and decides from GitHub's body what still needs doing (review issue 5, items 5 and 6)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from services.session import SessionStore
from tests.conftest import flat, run_cli
from tests.github_helpers import (
    REPO,
    YANK_CHANGELOG,
    Sandbox,
    cli_env,
    git,
    release_json,
    yank_project,
)

CHANGELOG = YANK_CHANGELOG


@pytest.fixture
def project(repo_path: Path, sandbox: Sandbox) -> Path:
    return yank_project(repo_path, sandbox)


def yank(project: Path, reason: str = "Unlock corrupts data",
         version: str = "0.2.0") -> subprocess.CompletedProcess[str]:
    return run_cli("yank", version, "--reason", reason, "--replacement", "0.2.1", "--yes",
                   cwd=project, env=cli_env())


def untouched(project: Path) -> None:
    """Nothing anywhere changed: CHANGELOG, history, and no session that takes over."""
    assert (project / "CHANGELOG.md").read_text() == CHANGELOG
    assert git(project, "log", "-1", "--format=%s").strip() == "Add release policy"
    store = SessionStore(project)
    assert store.active() is None
    assert not (project / ".release" / "v0.2.0").exists()


def journal(project: Path) -> list[dict[str, Any]]:
    lines = (project / ".release" / "v0.2.0" / "journal.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines]


def published(sandbox: Sandbox, body: str = "## [0.2.0]\n\n- Unlock.\n") -> None:
    sandbox.github().get_repo(REPO).create_git_release("v0.2.0", "PAI v0.2.0", body,
                                                       draft=False)


def test_a_version_never_published_on_github_changes_nothing(project: Path) -> None:
    proc = yank(project)
    assert proc.returncode == 1
    assert "acme/pai has no published release v0.2.0 on GitHub" in proc.stderr
    untouched(project)


def test_a_version_that_is_only_a_draft_changes_nothing(project: Path,
                                                        sandbox: Sandbox) -> None:
    sandbox.github().get_repo(REPO).create_git_release("v0.2.0", "PAI v0.2.0", "x", draft=True)
    proc = yank(project)
    assert proc.returncode == 1 and "v0.2.0 is still a draft on GitHub" in proc.stderr
    untouched(project)
    assert release_json(sandbox, "v0.2.0")["body"] == "x"


def test_a_failed_yank_leaves_no_active_session_and_can_be_finished(
        project: Path, sandbox: Sandbox) -> None:
    published(sandbox)
    sandbox.server.faults.fail(status=422, method="PATCH", path_contains="/releases/", times=9)
    proc = yank(project)
    assert proc.returncode == 1
    assert "The yank session for v0.2.0 was closed" in proc.stderr
    store = SessionStore(project)
    assert store.active() is None and store.load("v0.2.0").state == "abandoned"
    status = run_cli("status", cwd=project, env=cli_env())
    assert "No release in progress; the last session: v0.2.0 abandoned." in status.stdout

    sandbox.server.faults.clear()
    again = yank(project)
    assert again.returncode == 0, again.stderr
    assert "Yank note in CHANGELOG.md: already there." in again.stdout
    assert "v0.2.0 is a pre-release and the YANKED banner is at the top" in again.stdout
    assert store.load("v0.2.0").state == "completed"
    text = (project / "CHANGELOG.md").read_text()
    assert text.count("— YANKED") == 1 and text.count("has been yanked") == 1  # not twice


def test_a_new_reason_replaces_the_banner_and_the_journal_says_so(
        project: Path, sandbox: Sandbox) -> None:
    published(sandbox)
    assert yank(project, "first reason").returncode == 0
    proc = yank(project, "the real reason")
    assert proc.returncode == 0, proc.stderr
    assert "the YANKED banner now gives the new reason" in flat(proc.stdout)
    assert "Yank note in CHANGELOG.md: already there; it still gives the earlier reason" \
        in proc.stdout
    body = release_json(sandbox, "v0.2.0")["body"]
    assert body.count("YANKED") == 1 and "the real reason" in body and "first" not in body
    last = journal(project)[-1]
    assert (last["action"], last["inputs"]["reason"]) == ("yank applied again", "the real reason")
    assert last["outputs"]["banner"] == "banner replaced"


def test_a_banner_removed_on_github_is_restored_and_an_unchanged_one_is_left(
        project: Path, sandbox: Sandbox) -> None:
    published(sandbox)
    assert yank(project).returncode == 0
    rel = sandbox.github().get_repo(REPO).get_release("v0.2.0")
    rel.update_release(rel.name, "## [0.2.0]\n\n- Unlock.\n", draft=False, prerelease=True)
    restored = yank(project)
    assert restored.returncode == 0, restored.stderr
    assert "already" not in restored.stdout.split("Yank on GitHub")[1]
    assert release_json(sandbox, "v0.2.0")["body"].startswith("> **⚠️ YANKED** — Unlock")
    assert journal(project)[-1]["outputs"]["banner"] == "banner added"

    same = yank(project)
    assert "already shows this YANKED banner and is a pre-release; nothing changed" in \
        flat(same.stdout)
    assert journal(project)[-1]["action"] == "yank checked, already in place"
    assert not sandbox.requests("DELETE")


def test_a_published_release_candidate_is_yanked_without_a_changelog_section(
        project: Path, sandbox: Sandbox) -> None:
    """Walked by hand: `yank 1.4.0-rc.1` was blocked by "CHANGELOG.md has no section for version
    1.4.0-rc.1"; a candidate has no section of its own, and promote refuses a yanked one."""
    sandbox.github().get_repo(REPO).create_git_release(
        "v0.3.0-rc.1", "PAI v0.3.0-rc.1", "## [0.3.0-rc.1]\n\n- Try the new unlock.\n",
        draft=False, prerelease=True)
    proc = run_cli("yank", "0.3.0-rc.1", "--reason", "Unlock corrupts data", "--replacement",
                   "0.3.0", "--yes", cwd=project, env=cli_env())
    assert proc.returncode == 0, proc.stderr
    assert "no section for the release candidate 0.3.0-rc.1" in proc.stdout
    assert (project / "CHANGELOG.md").read_text() == CHANGELOG  # nothing to mark there
    rc = release_json(sandbox, "v0.3.0-rc.1")
    assert "yanked" in rc["body"].lower() and rc["prerelease"] is True
