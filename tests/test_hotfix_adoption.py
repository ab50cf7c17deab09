"""A hotfix killed between an effect and its record: the branch step and merge-back find what
they made (the branch with the picks and their CHANGELOG entries, the default branch holding the
hotfix tag, here and on the remote), record it as adopted in the journal, and never redo it."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pytest

from services.reconcile import ADOPTED
from services.session import SessionStore
from tests.conftest import git, run_cli
from tests.hotfix_helpers import (
    commit,
    hotfix_changelog_tagged,
    journal_actions,
    killed_after,
    pushed_quick_world,
    reopen_unreleased,
    signed_tag,
)
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

    fix = commit(project, "src/unlock.sh", "retry=3\n", FIX)
    git(project, "switch", "-q", "-c", "hotfix/v1.3.1", "v1.3.0")
    git(project, "cherry-pick", "-x", fix)
    signed_tag(project, "v1.3.1")
    git(project, "switch", "-q", "main")

    refused = run_cli("hotfix", "1.3.2", "--yes", "--pick", fix, cwd=project)
    assert refused.returncode != 0 and "Traceback" not in refused.stderr
    assert f"{fix[:12]} ({FIX}) was already picked into v1.3.1" in refused.stderr
    assert not (project / ".release" / "v1.3.2").exists()  # no session started


def changelog_conflict_at_merge_back(project: Path) -> None:
    """Hotfix v1.3.1 tagged with its [1.3.1] section (the release steps recorded as skipped,
    as :func:`hotfix_on_branch` does), while main's [Unreleased] gained an entry and went up: the
    merge of the tag into main conflicts in CHANGELOG.md, which merge-back resolves."""
    hotfix_on_branch(project, "retry=3\n", tag=False)
    hotfix_changelog_tagged(project, "Release v1.3.1")
    changelog = project / "CHANGELOG.md"
    git(project, "switch", "-q", "main")
    reopen_unreleased(project)
    changelog.write_text(changelog.read_text().replace(
        "## [Unreleased]\n", "## [Unreleased]\n\n### Added\n\n- Pairing over USB.\n", 1))
    git(project, "commit", "-q", "-am", "Pairing over USB")
    git(project, "push", "-q", "origin", "main")
    git(project, "switch", "-q", "hotfix/v1.3.1")


def merge_back_evidence(project: Path) -> dict[str, object]:
    return SessionStore(project).load("v1.3.1").steps["merge-back"].evidence


@pytest.mark.parametrize(("killed", "resumed_with"), [
    ("commit", ("run", "merge-back", "--yes")),  # merged (the conflict resolved), not pushed
    ("push", ("next", "--yes")),  # merged and pushed, not recorded
])
def test_an_adopted_merge_back_records_the_changelog_conflict_it_resolved(
        project: Path, killed: str, resumed_with: tuple[str, ...]) -> None:
    """Found by reading the adoption: a merge killed after it resolved the CHANGELOG conflict
    was recorded with `changelog_resolved: false`, as if no conflict had been resolved."""
    changelog_conflict_at_merge_back(project)
    result = killed_after(project, killed, "run", "merge-back", "--yes")
    assert result.returncode == -signal.SIGKILL, result.stderr
    merge = git(project, "log", "-1", "--format=%s", "main").strip()
    assert merge == "Merge hotfix v1.3.1 into main"  # the effect is there, its record is not

    resumed = run_cli(*resumed_with, cwd=project)
    assert resumed.returncode == 0, resumed.stderr
    evidence = merge_back_evidence(project)
    assert evidence["changelog_resolved"] is True
    merged = git(project.parent / "origin.git", "show", "main:CHANGELOG.md")
    assert merged.index("- Pairing over USB.") < merged.index("## [1.3.1]") < \
        merged.index("## [1.3.0]")


def test_a_fresh_merge_back_and_an_adopted_fast_forward_record_the_same_as_the_world(
        project: Path, tmp_path: Path) -> None:
    """The control: run without a kill, the same world records the conflict as resolved; a
    fast-forward (no merge, so no conflict) adopted after a kill records none."""
    changelog_conflict_at_merge_back(project)
    assert run_cli("run", "merge-back", "--yes", cwd=project).returncode == 0
    assert merge_back_evidence(project)["changelog_resolved"] is True

    other = pushed_quick_world(tmp_path / "other")
    hotfix_on_branch(other, "retry=3\n")
    assert killed_after(other, "push", "run", "merge-back", "--yes").returncode == -signal.SIGKILL
    assert run_cli("next", "--yes", cwd=other).returncode == 0
    assert merge_back_evidence(other)["changelog_resolved"] is False


@pytest.mark.parametrize("when", ["before", "after"])
def test_a_hotfix_start_killed_at_its_plan_record_is_finished_by_next(
        project: Path, when: str) -> None:
    """Found by the kill sweep: killed around the "planned" record, the session had no plan
    (no picks, main as its branch): status and `next` said "No commits are picked" and waited
    for the same hotfix command again."""
    from tests.journal_helpers import killed_at_record

    fix = commit(project, "src/unlock.sh", "retry=3\n", FIX)
    killed = killed_at_record(project, "planned", when, "hotfix", "1.3.1", "--yes", "--pick",
                              fix)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    status = run_cli("status", cwd=project).stdout
    assert "No commits are picked" not in status
    assert "v1.3.1 · stable · hotfix · main" in status  # the hotfix, on main until its branch
    resumed = run_cli("next", "--yes", cwd=project)
    assert resumed.returncode == 0, resumed.stderr
    assert git(project, "log", "--format=%s", "v1.3.0..hotfix/v1.3.1").splitlines() == [
        ENTRIES, FIX]
    session = SessionStore(project).load("v1.3.1")
    assert (session.previous_tag, session.branch) == ("v1.3.0", "hotfix/v1.3.1")
    started = next(e for e in map(json.loads, (project / ".release" / "v1.3.1" /
                                                "journal.jsonl").read_text().splitlines())
                   if e["action"] == "started" and e["step"] == "session")
    assert started["outputs"]["previous_tag"] == "v1.3.0"  # the plan is journaled from the start
    assert started["inputs"]["hotfix"]["picks"] == [fix]
    assert run_cli("journal", "verify", cwd=project).returncode == 0
