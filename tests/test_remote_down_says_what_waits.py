"""A remote that cannot be reached is said in one sentence that ends with what waits for it.
That ending was the push step's for every push ("push, draft, review and publish wait for the
online side"), so merge-back, run after the publish, and the push of a finished release's
reopen commit said the publish was still waiting."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import git, run_cli
from tests.test_push import closed_port
from tests.test_summary_last_finished import v130_finished_with_its_reopen_commit_local

PUSH_STEPS_WAIT = "push, draft, review and publish wait"


def unreachable(project: Path) -> None:
    git(project, "remote", "set-url", "origin", f"git://127.0.0.1:{closed_port()}/pai.git")


def test_merge_back_with_the_remote_down_says_merge_back_waits(tmp_path: Path) -> None:
    from tests.hotfix_helpers import pushed_quick_world
    from tests.test_merge_back import hotfix_on_branch

    project = pushed_quick_world(tmp_path)
    hotfix_on_branch(project, "retry=3\n")
    here = git(project, "rev-parse", "main")
    unreachable(project)
    proc = run_cli("run", "merge-back", "--yes", cwd=project)
    assert proc.returncode == 3, proc.stderr
    said = " ".join(proc.stderr.split())
    assert "cannot reach the remote origin (git://127.0.0.1:" in said, said
    assert "and the merge back into the default branch waits until it can be reached." in said, said
    assert PUSH_STEPS_WAIT not in said
    assert git(project, "rev-parse", "main") == here  # nothing merged before the read failed


def test_the_reopen_commits_push_with_the_remote_down_says_the_commit_waits(
        tmp_path: Path) -> None:
    project, _ = v130_finished_with_its_reopen_commit_local(tmp_path)
    unreachable(project)
    proc = run_cli("push", "--rest", "--yes", cwd=project)
    assert proc.returncode == 3, proc.stderr
    said = " ".join(proc.stderr.split())
    assert "Cannot reach the remote origin (git://127.0.0.1:" in said, said
    assert "the commit waits here, unpushed, until it can be reached." in said, said
    assert PUSH_STEPS_WAIT not in said
