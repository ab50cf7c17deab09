"""`hotfix --pick` shows the branch step's plan and asks, as the TUI's picker does, before it
makes the branch, cherry-picks and commits: at a terminal y goes on and n changes nothing;
without one (a script) it is refused unless --yes, and nothing is changed either."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import git, run_cli
from tests.hotfix_helpers import commit, pushed_quick_world

FIX = "Unlock: two retries"
QUESTION = "Make the hotfix branch for v1.3.1: pick the fixes and commit their CHANGELOG.md entries?"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return pushed_quick_world(tmp_path)


def at_a_terminal(project: Path, answer: str, *args: str) -> subprocess.CompletedProcess[str]:
    """The console with a real terminal (a pty) on its standard input, typing ``answer``."""
    main, side = pty.openpty()
    try:
        proc = subprocess.Popen([sys.executable, "-m", "console", *args], cwd=project,
                                stdin=side, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
        os.close(side)
        os.write(main, f"{answer}\n".encode())
        out, err = proc.communicate(timeout=120)
    finally:
        os.close(main)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def unchanged(project: Path, head: str) -> None:
    """No branch, no pick, no commit, and no hotfix session left behind."""
    assert git(project, "branch", "--list", "hotfix/*") == ""
    assert git(project, "rev-parse", "HEAD") == head and git(project, "branch",
                                                            "--show-current") == "main\n"
    assert not (project / ".release" / "v1.3.1").exists()
    assert "No release in progress" in run_cli("status", cwd=project).stdout


def test_without_a_terminal_the_plan_is_shown_and_nothing_done_without_yes(
        project: Path) -> None:
    fix = commit(project, "src/unlock.sh", "retry=2\n", FIX)
    head = git(project, "rev-parse", "HEAD")
    refused = run_cli("hotfix", "1.3.1", "--pick", fix, cwd=project)
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert ("Make hotfix/v1.3.1 from v1.3.0 with 1 picked commit and its CHANGELOG entries."
            in refused.stdout)
    assert "git switch --no-track -c hotfix/v1.3.1 v1.3.0" in refused.stdout
    assert f"git cherry-pick -x {fix[:12]}" in refused.stdout
    assert QUESTION in refused.stderr and "--yes" in refused.stderr
    unchanged(project, head)

    json_refused = run_cli("hotfix", "1.3.1", "--pick", fix, "--json", cwd=project)
    assert json_refused.returncode == 2 and "--yes" in json_refused.stdout
    unchanged(project, head)

    done = run_cli("hotfix", "1.3.1", "--pick", fix, "--yes", cwd=project)
    assert done.returncode == 0, done.stderr
    assert f"git cherry-pick -x {fix[:12]}" in done.stdout  # --yes still prints the plan
    assert git(project, "log", "--format=%s", "v1.3.0..hotfix/v1.3.1").splitlines() == [
        "Hotfix v1.3.1: CHANGELOG entries for the picked fixes", FIX]


def test_at_a_terminal_no_changes_nothing_and_yes_makes_the_branch(project: Path) -> None:
    fix = commit(project, "src/unlock.sh", "retry=2\n", FIX)
    head = git(project, "rev-parse", "HEAD")
    declined = at_a_terminal(project, "n", "hotfix", "1.3.1", "--pick", fix)
    assert declined.returncode == 1, declined.stdout + declined.stderr
    assert f"git cherry-pick -x {fix[:12]}" in declined.stdout and QUESTION in declined.stdout
    assert "was not confirmed; nothing was changed" in declined.stderr
    unchanged(project, head)

    accepted = at_a_terminal(project, "y", "hotfix", "1.3.1", "--pick", fix)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert QUESTION in accepted.stdout
    assert git(project, "log", "--format=%s", "v1.3.0..hotfix/v1.3.1").splitlines() == [
        "Hotfix v1.3.1: CHANGELOG entries for the picked fixes", FIX]


def test_a_hotfix_whose_branch_is_made_resumes_without_asking(project: Path) -> None:
    fix = commit(project, "src/unlock.sh", "retry=2\n", FIX)
    assert run_cli("hotfix", "1.3.1", "--pick", fix, "--yes", cwd=project).returncode == 0
    again = run_cli("hotfix", "1.3.1", "--pick", fix, cwd=project)  # no terminal, no --yes
    assert again.returncode == 0, again.stderr
    assert "Resuming hotfix v1.3.1" in again.stdout and QUESTION not in again.stdout
