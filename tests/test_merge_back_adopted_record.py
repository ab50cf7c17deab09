"""merge-back's record of a merge it adopts says what the merge carried, as the record of a
merge it makes does.

Found reading merge-back: a merge already on the default branch (a run killed after the merge
commit, or after the push; a conflict the captain resolved by hand) was journaled as "merge
adopted" with the branch's commit only, and its evidence had no commits (nothing pushed by this
run) and an empty changelog_carried, while the record of a merge made by the step lists the
commits sent and the hotfix's other CHANGELOG edits kept ("the section of 1.1.0"). The adopted
records now name the hotfix's commits the merge brought (``merged``) and those edits.
"""

from __future__ import annotations

import json
import signal
from pathlib import Path
from typing import Any

from services.evidence import MergeBackEvidence
from services.repo import Repository
from services.session import SessionStore
from tests.conftest import git, run_cli
from tests.hotfix_helpers import killed_after
from tests.test_merge_back_changelog_kept import (
    NEW,
    OLD,
    OLDEST,
    add_1_0_0,
    assert_pushed,
    by_hand,
    conflict_world,
    correct_1_1_0,
    main_s_file_put_right,
)

FIX = "Unlock: retry on slow sticks"
CORRECTION = "CHANGELOG: 1.1.0 also fixed the AX211"


def entries(project: Path, action: str) -> list[dict[str, Any]]:
    """merge-back's journal entries of ``action``, as written."""
    lines = (project / ".release" / "v1.3.1" / "journal.jsonl").read_text().splitlines()
    return [entry for entry in map(json.loads, lines)
            if entry["step"] == "merge-back" and entry["action"] == action]


def evidence(project: Path) -> MergeBackEvidence:
    found = SessionStore(Repository(project).root).load("v1.3.1").evidence(MergeBackEvidence,
                                                                           done=True)
    assert found is not None
    return found


def subjects(lines: tuple[str, ...] | list[str] | None) -> list[str]:
    return [line.split(" ", 1)[1] for line in lines or ()]


def test_a_merge_found_committed_is_journaled_with_what_it_carried(tmp_path: Path) -> None:
    """Killed after the merge commit: the next run adopts the merge and pushes it; the "merge
    adopted" entry and the step's evidence name the hotfix's commits and its [1.1.0] edit."""
    project = conflict_world(tmp_path, correct_1_1_0)
    expected = main_s_file_put_right(project, lambda text: text.replace(OLD, NEW, 1))
    killed = killed_after(project, "commit", "run", "merge-back", "--yes")
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    resumed = run_cli("next", "--yes", cwd=project)
    assert resumed.returncode == 0, resumed.stderr
    assert_pushed(project, expected)
    [adopted] = entries(project, "merge adopted")
    outputs = adopted["outputs"]
    assert FIX in subjects(outputs["merged"]) and CORRECTION in subjects(outputs["merged"])
    assert not any("Offline maps" in line for line in outputs["merged"])  # main's own
    assert outputs["changelog_carried"] == "the section of 1.1.0"
    record = evidence(project)
    assert record.mode == "merged" and record.changelog_carried == "the section of 1.1.0"
    assert subjects(record.merged) == subjects(outputs["merged"])
    assert "changelog_carried: the section of 1.1.0" in resumed.stdout


def test_a_merge_found_pushed_is_recorded_with_what_it_carried(tmp_path: Path) -> None:
    """Killed after the push: nothing is left to send, and the adopted record still says what
    the merge brought, not only where the branch is."""
    project = conflict_world(tmp_path, correct_1_1_0)
    killed = killed_after(project, "push", "run", "merge-back", "--yes")
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    resumed = run_cli("next", "--yes", cwd=project)
    assert resumed.returncode == 0, resumed.stderr
    record = evidence(project)
    assert record.mode == "merged" and record.pushed == ()
    assert FIX in subjects(record.merged) and CORRECTION in subjects(record.merged)
    assert record.changelog_carried == "the section of 1.1.0"


def test_the_captain_s_merge_by_hand_is_recorded_with_what_it_kept(tmp_path: Path) -> None:
    """A section the hotfix added stops merge-back; the captain's merge by hand keeps it, and
    the adopted record names it (merge-back's own resolution never carries one)."""
    project = conflict_world(tmp_path, add_1_0_0)
    assert run_cli("run", "merge-back", "--yes", cwd=project).returncode == 1
    by_hand(project, main_s_file_put_right(project, lambda t: t.replace(OLD, OLD + OLDEST, 1)))
    done = run_cli("next", "--yes", cwd=project)
    assert done.returncode == 0, done.stderr
    [adopted] = entries(project, "merge adopted")
    assert adopted["outputs"]["changelog_carried"] == "the section of 1.0.0"
    assert "CHANGELOG: the section of 1.0.0" in subjects(adopted["outputs"]["merged"])
    assert evidence(project).changelog_carried == "the section of 1.0.0"
    assert git(project.parent / "origin.git", "rev-parse", "main") == \
        git(project, "rev-parse", "main")


def test_a_fast_forward_found_pushed_names_the_hotfix_s_commits(tmp_path: Path) -> None:
    """main had not moved: merge-back fast-forwards it; killed after the push, the adopted
    record names the hotfix's commits since its base tag (no merge commit to read them from)."""
    from tests.hotfix_helpers import pushed_quick_world
    from tests.test_merge_back import hotfix_on_branch

    project = pushed_quick_world(tmp_path)
    hotfix_on_branch(project, "retry=3\n")
    killed = killed_after(project, "push", "run", "merge-back", "--yes")
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    resumed = run_cli("next", "--yes", cwd=project)
    assert resumed.returncode == 0, resumed.stderr
    record = evidence(project)
    assert record.mode == "merged" and record.pushed == ()
    assert subjects(record.merged) == [
        line.split(" ", 1)[1]
        for line in git(project, "log", "--format=%h %s", "v1.3.1", "^v1.3.0").splitlines()]
    assert FIX in subjects(record.merged)
    assert record.changelog_carried == ""
