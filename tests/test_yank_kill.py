"""A yank killed between its halves (the CHANGELOG note made, not recorded; GitHub yanked, the
answer lost) is finished by plain `next --yes` or by the same `yank` again, each half once."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from services.reconcile import ADOPTED
from services.session import SessionStore
from tests.conftest import run_cli
from tests.github_helpers import Sandbox, cli_env, git, release_json, yank_project
from tests.hotfix_helpers import journal_actions, killed_after

YANK = ("yank", "0.2.0", "--reason", "Unlock corrupts data", "--replacement", "0.2.1", "--yes")
NOTE = "Yank v0.2.0: changelog note"


@pytest.fixture
def project(repo_path: Path, sandbox: Sandbox) -> Path:
    return yank_project(repo_path, sandbox, published_body="## [0.2.0]\n\n- Unlock.\n")


def yanked_once(project: Path, sandbox: Sandbox) -> None:
    """Both halves done, each exactly once, and the session finished."""
    text = (project / "CHANGELOG.md").read_text()
    assert text.count("— YANKED") == 1 and text.count("has been yanked") == 1
    assert git(project, "log", "--format=%s", "-3").splitlines()[0] == NOTE
    assert git(project, "log", "--format=%s").count(NOTE) == 1
    assert git(project, "status", "--porcelain") == ""
    body = release_json(sandbox, "v0.2.0")
    assert body["prerelease"] is True and body["body"].count("YANKED") == 1
    session = SessionStore(project).load("v0.2.0")
    assert session.state == "completed"
    assert session.steps["yank-changelog"].evidence.get("commit") == \
        git(project, "log", "-1", "--format=%H", f"--grep={NOTE}").strip()


@pytest.mark.parametrize("killed", ["add", "commit"])
@pytest.mark.parametrize("resume", ["next", "yank"])
def test_a_yank_killed_after_the_changelog_note_is_finished(
        project: Path, sandbox: Sandbox, killed: str, resume: str) -> None:
    result = killed_after(project, killed, *YANK, env=cli_env())
    assert result.returncode == -signal.SIGKILL, result.stderr
    assert not sandbox.requests("PATCH")  # GitHub's half has not started
    runs = [("next", "--yes")] * 2 if resume == "next" else [YANK]
    for args in runs:
        done = run_cli(*args, cwd=project, env=cli_env())
        assert done.returncode == 0, done.stderr
    yanked_once(project, sandbox)
    assert ("yank-changelog", "adopted after an interruption") in journal_actions(project,
                                                                                   "v0.2.0")


@pytest.mark.parametrize("resume", ["next", "yank"])
def test_a_yank_killed_after_github_answered_is_finished(
        project: Path, sandbox: Sandbox, resume: str) -> None:
    result = killed_after(project, "", *YANK, env=cli_env(), server=sandbox.server, http="PATCH")
    assert result.returncode == -signal.SIGKILL, result.stderr
    assert release_json(sandbox, "v0.2.0")["prerelease"] is True  # GitHub's half is done
    done = run_cli(*(("next", "--yes") if resume == "next" else YANK), cwd=project,
                   env=cli_env())
    assert done.returncode == 0, done.stderr
    yanked_once(project, sandbox)
    assert len(sandbox.requests("DELETE")) == 0
    assert len(sandbox.requests("PATCH")) == 1  # GitHub's edit was not sent again
    # Recorded as GitHub shows it and said to be adopted; it was recorded as `changed: false`
    # (as if the release had been found yanked already) before.
    evidence = SessionStore(project).load("v0.2.0").steps["yank-github"].evidence
    assert evidence["adopted"] is True and "changed" not in evidence
    assert (evidence["prerelease"], evidence["banner_shown"], evidence["banner"]) == (
        True, True, "in place")
    assert ("yank-github", ADOPTED) in journal_actions(project, "v0.2.0")
    said = "as the interrupted run left it; recorded as adopted" if resume == "yank" else \
        "adopted: True"  # `next` lists the evidence it recorded
    assert said in done.stdout
