"""A yank killed between its halves (the CHANGELOG note made, not recorded; GitHub yanked, the
answer lost) is finished by plain `next --yes` or by the same `yank` again, each half once."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from services.reconcile import ADOPTED
from services.session import SessionStore
from tests.conftest import flat, run_cli
from tests.github_helpers import Sandbox, cli_env, git, release_json, yank_project
from tests.hotfix_helpers import journal_actions, killed_after
from tests.journal_helpers import killed_at_record

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


@pytest.mark.parametrize("resume", ["next", "yank"])
def test_a_yank_adopted_after_a_kill_still_says_which_release_was_latest_before(
        project: Path, sandbox: Sandbox, resume: str) -> None:
    result = killed_after(project, "", *YANK, env=cli_env(), server=sandbox.server, http="PATCH")
    assert result.returncode == -signal.SIGKILL, result.stderr
    done = run_cli(*(("next", "--yes") if resume == "next" else YANK), cwd=project,
                   env=cli_env())
    assert done.returncode == 0, done.stderr
    assert len(sandbox.requests("PATCH")) == 1
    # GitHub's answer was lost with the kill; the run journaled what was latest before it sent
    # the edit, and the adoption takes it from there (it recorded "" before: the line was lost).
    evidence = SessionStore(project).load("v0.2.0").steps["yank-github"].evidence
    assert evidence["adopted"] is True
    assert evidence["latest_before"] == "v0.2.0" and evidence["latest_before_known"] is True
    if resume == "yank":
        assert "It was the latest release; GitHub now shows no release as latest." in done.stdout
    assert run_cli("journal", "verify", cwd=project).returncode == 0


def test_a_yank_adopted_without_its_record_of_latest_says_that_it_is_not_known(
        project: Path, sandbox: Sandbox) -> None:
    from services.github.yank import yanked_body
    from services.steps.yank_github import LATEST_BEFORE
    from tests.github_helpers import REPO

    result = killed_at_record(project, LATEST_BEFORE, "before", *YANK, env=cli_env())
    assert result.returncode == -signal.SIGKILL, result.stderr
    assert not sandbox.requests("PATCH")  # killed before the edit: nothing of it was recorded
    # Someone yanks it by hand, exactly as asked, before the yank is run again.
    rel = sandbox.github().get_repo(REPO).get_release(release_json(sandbox, "v0.2.0")["id"])
    rel.update_release(name=rel.name, message=yanked_body(
        rel.body, "Unlock corrupts data", "v0.2.1"), prerelease=True, make_latest="false")
    done = run_cli(*YANK, cwd=project, env=cli_env())
    assert done.returncode == 0, done.stderr
    evidence = SessionStore(project).load("v0.2.0").steps["yank-github"].evidence
    assert evidence["adopted"] is True and evidence["latest_before_known"] is False
    assert evidence["latest_before"] == ""  # not guessed
    assert ("Which release was latest before the yank is not known (the interrupted run did "
            "not record it); GitHub now shows no release as latest.") in flat(done.stdout)
    assert "It was the latest release" not in done.stdout


@pytest.mark.parametrize("when", ["before", "after"])
def test_a_yank_killed_as_it_is_requested_is_finished_by_next(
        project: Path, sandbox: Sandbox, when: str) -> None:
    """Found by the kill sweep: killed around the "yank requested" record, the yank's session
    had no reason or replacement, and `next` stopped: "The yank of v0.2.0 needs a reason and a
    replacement version"."""
    result = killed_at_record(project, "yank requested", when, *YANK, env=cli_env())
    assert result.returncode == -signal.SIGKILL, result.stderr
    assert not sandbox.requests("PATCH")
    for _ in range(2):
        done = run_cli("next", "--yes", cwd=project, env=cli_env())
        assert done.returncode == 0, done.stderr
    yanked_once(project, sandbox)
    started = journal_actions(project, "v0.2.0")[0]
    assert started == ("session", "started")
    assert run_cli("journal", "verify", "--tag", "v0.2.0", cwd=project).returncode == 0
    # The reason is journaled from the session's start, before the request's own entry.
    first = (project / ".release" / "v0.2.0" / "journal.jsonl").read_text().splitlines()[0]
    assert '"reason": "Unlock corrupts data"' in first
