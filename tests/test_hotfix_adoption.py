"""A hotfix killed between an effect and its record: the branch step and merge-back find what
they made (the branch with the picks and their CHANGELOG entries, the default branch holding the
hotfix tag, here and on the remote), record it as adopted in the journal, and never redo it."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pytest

from services.reconcile import ADOPTED
from tests.conftest import git, run_cli
from tests.hotfix_helpers import commit, journal_actions, killed_after, pushed_quick_world
from tests.test_merge_back import hotfix_on_branch

FIX = "Unlock: three retries"
ENTRIES = "Hotfix v1.3.1: CHANGELOG entries for the picked fixes"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return pushed_quick_world(tmp_path)


@pytest.mark.parametrize(("killed", "recorded"), [
    ("cherry-pick", "existing branch adopted"),  # picked, CHANGELOG not written yet
    ("add", ADOPTED),  # CHANGELOG written and staged, not committed
    ("commit", ADOPTED),  # the branch is finished, its record is not
])
def test_hotfix_branch_killed_after_an_effect_is_adopted_not_redone(
        project: Path, killed: str, recorded: str) -> None:
    fix = commit(project, "src/unlock.sh", "retry=3\n", FIX)
    result = killed_after(project, killed, "hotfix", "1.3.1", "--yes", "--pick", fix)
    assert result.returncode == -signal.SIGKILL, result.stderr
    assert "interrupted" in run_cli("status", cwd=project).stdout

    resumed = run_cli("next", "--yes", cwd=project)
    assert resumed.returncode == 0, resumed.stderr
    assert ("hotfix-branch", recorded) in journal_actions(project, "v1.3.1")
    log = git(project, "log", "--format=%s", "v1.3.0..hotfix/v1.3.1").splitlines()
    assert log == [ENTRIES, FIX]  # one pick, one CHANGELOG commit: nothing done twice
    changelog = (project / "CHANGELOG.md").read_text()
    assert changelog.count(f"- {FIX}") == 1
    assert git(project, "status", "--porcelain") == ""
    assert json.loads(run_cli("status", "--json", cwd=project).stdout)["next"] != "hotfix-branch"


def test_merge_back_killed_after_the_push_is_adopted(project: Path) -> None:
    hotfix_on_branch(project, "retry=3\n")
    origin = project.parent / "origin.git"
    result = killed_after(project, "push", "run", "merge-back", "--yes")
    assert result.returncode == -signal.SIGKILL, result.stderr
    pushed = git(origin, "rev-parse", "main")
    assert pushed == git(project, "rev-parse", "hotfix/v1.3.1")  # the effect is there

    resumed = run_cli("next", "--yes", cwd=project)
    assert resumed.returncode == 0, resumed.stderr
    assert ("merge-back", ADOPTED) in journal_actions(project, "v1.3.1")
    assert git(origin, "rev-parse", "main") == pushed
    assert "the last session: v1.3.1 released" in run_cli("status", cwd=project).stdout


def test_merge_back_killed_after_the_merge_pushes_and_says_the_merge_was_found(
        project: Path) -> None:
    hotfix_on_branch(project, "retry=3\n")
    origin = project.parent / "origin.git"
    before = git(origin, "rev-parse", "main")
    result = killed_after(project, "merge", "run", "merge-back", "--yes")
    assert result.returncode == -signal.SIGKILL, result.stderr
    assert git(origin, "rev-parse", "main") == before  # merged here, not pushed

    resumed = run_cli("run", "merge-back", "--yes", cwd=project)
    assert resumed.returncode == 0, resumed.stderr
    actions = journal_actions(project, "v1.3.1")
    assert ("merge-back", "merge adopted") in actions and ("merge-back", "done") in actions
    assert git(origin, "rev-parse", "main") == git(project, "rev-parse", "hotfix/v1.3.1")
    assert git(project, "log", "--merges", "--format=%s", "main") == ""
    assert "the last session: v1.3.1 released" in run_cli("status", cwd=project).stdout


def test_an_abandoned_attempts_picks_are_not_shipped_by_the_next_one(project: Path) -> None:
    """Walked by hand: after `abandon v1.3.1`, `hotfix 1.3.1 --pick B` started again (the record
    was moved aside) but reused hotfix/v1.3.1 and reported A, the abandoned pick, as picked too."""
    first = commit(project, "src/unlock.sh", "retry=3\n", FIX)
    second = commit(project, "src/lock.sh", "timeout=5\n", "Lock: time out after five seconds")
    assert run_cli("hotfix", "1.3.1", "--yes", "--pick", first, cwd=project).returncode == 0
    assert run_cli("abandon", "v1.3.1", "--reason", "wrong fix", cwd=project).returncode == 0
    git(project, "switch", "-q", "main")
    before = git(project, "rev-parse", "hotfix/v1.3.1")

    refused = run_cli("hotfix", "1.3.1", "--yes", "--pick", second, cwd=project)
    assert refused.returncode != 0 and "Traceback" not in refused.stderr
    assert f"holds picks of the abandoned attempt at v1.3.1 ({first[:12]})" in refused.stderr
    assert "git branch -m hotfix/v1.3.1 hotfix/v1.3.1-abandoned" in refused.stderr
    assert git(project, "rev-parse", "hotfix/v1.3.1") == before

    git(project, "branch", "-m", "hotfix/v1.3.1", "hotfix/v1.3.1-abandoned")  # as it says
    again = run_cli("hotfix", "1.3.1", "--yes", "--pick", second, cwd=project)
    assert again.returncode == 0, again.stderr
    picked = git(project, "log", "--format=%B", "v1.3.0..hotfix/v1.3.1")
    assert f"cherry picked from commit {second}" in picked and first not in picked


def test_a_fix_an_earlier_hotfix_of_the_line_picked_is_refused_up_front(project: Path) -> None:
    """Walked by hand: picking for 1.3.2 the fix 1.3.1 already carried answered with git's raw
    "git commit --allow-empty ... git cherry-pick --skip", after the session had started."""
    from tests.hotfix_helpers import signed_tag

    fix = commit(project, "src/unlock.sh", "retry=3\n", FIX)
    git(project, "switch", "-q", "-c", "hotfix/v1.3.1", "v1.3.0")
    git(project, "cherry-pick", "-x", fix)
    signed_tag(project, "v1.3.1")
    git(project, "switch", "-q", "main")

    refused = run_cli("hotfix", "1.3.2", "--yes", "--pick", fix, cwd=project)
    assert refused.returncode != 0 and "Traceback" not in refused.stderr
    assert f"{fix[:12]} ({FIX}) was already picked into v1.3.1" in refused.stderr
    assert not (project / ".release" / "v1.3.2").exists()  # no session started
