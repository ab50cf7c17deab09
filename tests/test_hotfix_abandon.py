"""Abandoning a hotfix names its branch and how to set it aside, the way a new attempt at the
same version asks for it (nothing is deleted)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.conftest import git, run_cli
from tests.hotfix_helpers import commit, pushed_quick_world


def test_abandoning_a_hotfix_names_its_branch_and_sets_it_aside(tmp_path: Path) -> None:
    project = pushed_quick_world(tmp_path)
    fix = commit(project, "src/unlock.sh", "retry=2\n", "Unlock: two retries")
    assert run_cli("hotfix", "1.3.1", "--yes", "--pick", fix, cwd=project).returncode == 0
    branch = git(project, "log", "--format=%h %s", "v1.3.0..hotfix/v1.3.1").splitlines()

    said = run_cli("abandon", "v1.3.1", "--reason", "wrong fix", cwd=project)
    assert said.returncode == 0, said.stderr
    assert f"{len(branch)} commits of this release on hotfix/v1.3.1, never pushed" in said.stdout
    for line in branch:
        assert line[:7] in said.stdout
    command = "git switch main && git branch -m hotfix/v1.3.1 hotfix/v1.3.1-abandoned"
    assert f"To set the branch aside: `{command}`" in said.stdout

    subprocess.run(command, shell=True, cwd=project, check=True, capture_output=True)
    again = run_cli("hotfix", "1.3.1", "--yes", "--pick", fix, cwd=project)  # as the sentence promised
    assert again.returncode == 0, again.stderr
    assert git(project, "rev-parse", "hotfix/v1.3.1-abandoned").strip()  # kept, not deleted
