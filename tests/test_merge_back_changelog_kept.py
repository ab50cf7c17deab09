"""merge-back never drops a CHANGELOG change the hotfix made besides its own section.

Found reading merge-back: its CHANGELOG resolution (of a conflict, or of a clean merge git got
wrong) rebuilds the file from the default branch's side plus only the hotfix version's section and
link, so a hotfix that also corrected an entry of an older release (here [1.1.0]'s) lost that
correction on main without a word. Now a change to a part main did not touch is carried into the
resolution; one it cannot carry (here a whole older section the hotfix added) stops the step,
naming the file and the part, with the merge left as git made it: the captain resolves it by hand,
commits, and merge-back (or a plain ``next``) adopts the merge and pushes it, also after a kill.
"""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from services.hotfix import changelog_lost
from tests.conftest import git, run_cli
from tests.hotfix_helpers import (
    hotfix_changelog_tagged,
    journal_actions,
    killed_after,
    main_moves_on,
    pushed_quick_world,
    reopen_unreleased,
)
from tests.test_merge_back import hotfix_on_branch
from tests.test_merge_back_clean_changelog import clean_merge_world

URL = "https://github.com/example-org/pai/compare"
OLD = "- Wi-Fi firmware for Intel AX210.\n"
NEW = "- Wi-Fi firmware for Intel AX210 and AX211.\n"
OLDEST = "\n## [1.0.0] — 2026-06-01\n\n- First release.\n"
SECTION = "## [1.3.1] — 2026-11-20\n\n### Fixed\n\n- Unlock: retry on slow sticks.\n\n"


def as_git_merges_it(project: Path, scratch: Path) -> str:
    """The CHANGELOG `git merge` of the tag into main leaves (conflict markers and all), made in
    a scratch clone so the project is untouched."""
    subprocess.run(["git", "clone", "-q", "--no-local", str(project), str(scratch)], check=True)
    git(scratch, "switch", "-q", "main")
    subprocess.run(["git", "merge", "--no-ff", "--no-commit", "refs/tags/v1.3.1"], cwd=scratch,
                   capture_output=True, check=False)
    return (scratch / "CHANGELOG.md").read_text()


def correct_1_1_0(project: Path) -> None:
    """On the hotfix branch: the captain also corrects an entry of the older release 1.1.0."""
    changelog = project / "CHANGELOG.md"
    assert OLD in changelog.read_text()
    changelog.write_text(changelog.read_text().replace(OLD, NEW, 1))
    git(project, "commit", "-q", "-am", "CHANGELOG: 1.1.0 also fixed the AX211")


def add_1_0_0(project: Path) -> None:
    """On the hotfix branch: the captain also adds the section of 1.0.0, missing until now (a
    part the base tag's file does not have: where it goes is the captain's call)."""
    changelog = project / "CHANGELOG.md"
    changelog.write_text(changelog.read_text().replace(OLD, OLD + OLDEST, 1))
    git(project, "commit", "-q", "-am", "CHANGELOG: the section of 1.0.0")


def conflict_world(tmp_path: Path, also: Callable[[Path], None]) -> Path:
    """main reopened [Unreleased] with an entry; the hotfix adds its [1.3.1] section (and link)
    and commits ``also``: git conflicts in the CHANGELOG only where the section goes."""
    project = pushed_quick_world(tmp_path)
    reopen_unreleased(project)
    main_moves_on(project)
    hotfix_on_branch(project, "retry=3\n", tag=False)
    also(project)
    hotfix_changelog_tagged(project)
    conflicted = subprocess.run(["git", "merge-tree", "--write-tree", "--name-only",
                                 "--no-messages", "main", "v1.3.1"], cwd=project,
                                capture_output=True, text=True, check=False)
    assert conflicted.returncode == 1 and conflicted.stdout.split()[1:] == ["CHANGELOG.md"]
    return project


WORLDS = {"conflict": conflict_world, "clean merge": clean_merge_world}


def main_s_file_put_right(project: Path, change: Callable[[str], str]) -> str:
    """main's CHANGELOG with [1.3.1], its link, [Unreleased] comparing from v1.3.1 and the
    hotfix's other ``change``: what merge-back makes, and what the captain makes by hand."""
    return change(git(project, "show", "main:CHANGELOG.md").replace(
        "## [1.3.0]", SECTION + "## [1.3.0]", 1).replace(
        f"{URL}/v1.3.0...HEAD", f"{URL}/v1.3.1...HEAD\n[1.3.1]: {URL}/v1.3.0...v1.3.1", 1))


def by_hand(project: Path, text: str) -> None:
    """The captain's resolution of the stopped merge, committed as the merge."""
    (project / "CHANGELOG.md").write_text(text)
    git(project, "add", "CHANGELOG.md")
    git(project, "commit", "-q", "--no-edit")


def assert_pushed(project: Path, text: str) -> None:
    origin = project.parent / "origin.git"
    assert git(origin, "show", "main:CHANGELOG.md") == text
    assert git(project, "log", "-1", "--format=%s", "main").strip() == \
        "Merge hotfix v1.3.1 into main"


@pytest.mark.parametrize("world", WORLDS)
def test_the_hotfix_s_correction_of_an_older_section_is_carried_into_main(
        tmp_path: Path, world: str) -> None:
    project = WORLDS[world](tmp_path, correct_1_1_0)
    expected = main_s_file_put_right(project, lambda text: text.replace(OLD, NEW, 1))
    done = run_cli("run", "merge-back", "--yes", cwd=project)
    assert done.returncode == 0, done.stderr
    pushed = git(project.parent / "origin.git", "show", "main:CHANGELOG.md")
    assert NEW in pushed, "the hotfix's correction of [1.1.0] was lost"
    assert_pushed(project, expected)
    assert "changelog_carried: the section of 1.1.0" in done.stdout
    assert NEW in expected and "- Offline maps." in expected.split("## [1.3.1]")[0]


@pytest.mark.parametrize("after", ["merge", "commit"])
def test_killed_after_git_stopped_or_committed_next_carries_it_too(
        tmp_path: Path, after: str) -> None:
    project = conflict_world(tmp_path, correct_1_1_0)
    expected = main_s_file_put_right(project, lambda text: text.replace(OLD, NEW, 1))
    killed = killed_after(project, after, "run", "merge-back", "--yes")
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    resumed = run_cli("next", "--yes", cwd=project)
    assert resumed.returncode == 0, resumed.stderr
    assert_pushed(project, expected)


@pytest.mark.parametrize("world", WORLDS)
def test_a_change_it_cannot_carry_stops_naming_it_with_the_merge_as_git_left_it(
        tmp_path: Path, world: str) -> None:
    project = WORLDS[world](tmp_path, add_1_0_0)
    git_made = as_git_merges_it(project, tmp_path / "scratch")
    origin = project.parent / "origin.git"
    before = git(origin, "rev-parse", "main")
    stopped = run_cli("run", "merge-back", "--yes", cwd=project)
    assert stopped.returncode == 1, stopped.stdout
    assert_stopped_as_git_left_it(project, stopped.stderr, git_made, conflict=world == "conflict")
    assert ("it conflicts" if world == "conflict" else
            "merged without a conflict, but git's result lost main's [Unreleased]") \
        in stopped.stderr
    assert git(origin, "rev-parse", "main") == before  # nothing went up
    again = run_cli("next", "--yes", cwd=project)  # refused again, nothing half-written
    assert again.returncode == 1
    assert_stopped_as_git_left_it(project, again.stderr, git_made, conflict=world == "conflict")
    expected = main_s_file_put_right(project, lambda text: text.replace(OLD, OLD + OLDEST, 1))
    by_hand(project, expected)
    done = run_cli("next", "--yes", cwd=project)
    assert done.returncode == 0, done.stderr
    assert ("merge-back", "merge adopted") in journal_actions(project, "v1.3.1")
    assert_pushed(project, expected)


def assert_stopped_as_git_left_it(project: Path, stderr: str, git_made: str, *,
                                  conflict: bool) -> None:
    assert "stopped at CHANGELOG.md" in stderr and "the section of 1.0.0" in stderr
    assert "`git add` it and `git commit`, then run merge-back again" in stderr
    assert "Traceback" not in stderr
    assert (project / ".git" / "MERGE_HEAD").exists()  # the merge waits for the captain
    assert (project / "CHANGELOG.md").read_text() == git_made  # with the hotfix's section in it
    assert OLDEST in git_made and ("<<<<<<<" in git_made) is conflict
    unmerged = git(project, "diff", "--name-only", "--diff-filter=U")
    assert unmerged.split() == (["CHANGELOG.md"] if conflict else [])


def test_killed_after_git_stopped_next_stops_the_same_way(tmp_path: Path) -> None:
    project = conflict_world(tmp_path, add_1_0_0)
    git_made = as_git_merges_it(project, tmp_path / "scratch")
    killed = killed_after(project, "merge", "run", "merge-back", "--yes")
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    resumed = run_cli("next", "--yes", cwd=project)
    assert resumed.returncode == 1
    assert_stopped_as_git_left_it(project, resumed.stderr, git_made, conflict=True)
    expected = main_s_file_put_right(project, lambda text: text.replace(OLD, OLD + OLDEST, 1))
    by_hand(project, expected)
    done = run_cli("next", "--yes", cwd=project)
    assert done.returncode == 0, done.stderr
    assert_pushed(project, expected)


def test_what_is_carried_and_what_is_named() -> None:
    """A part only the hotfix changed is carried; one main already has (a picked commit's) is
    not counted; one both changed differently is named, not carried."""
    link = "[1.1.0]: https://github.com/example-org/pai/releases/tag/v1.1.0\n"
    base = f"# Changelog\n\n## [1.1.0] — 2026-08-14\n\n{OLD}\n{link}"
    tag = f"# Changelog\n\n{SECTION}## [1.1.0] — 2026-08-14\n\n{NEW}\n{link}"
    ours = f"# Changelog\n\n## [Unreleased]\n\n- Maps.\n\n{SECTION}## [1.1.0] — 2026-08-14" \
        f"\n\n{OLD}\n[Unreleased]: {URL}/v1.3.1...HEAD\n{link}"

    def carry(tag: str, result: str) -> tuple[str, list[str], list[str]]:
        data, carried = changelog_lost.carry(base.encode(), tag.encode(), result.encode(),
                                             version="1.3.1", display="CHANGELOG.md")
        return data.decode(), carried, changelog_lost.lost(
            base.encode(), tag.encode(), data, version="1.3.1", display="CHANGELOG.md")

    assert carry(tag, ours) == (ours.replace(OLD, NEW), ["the section of 1.1.0"], [])
    assert carry(tag, ours.replace(OLD, NEW)) == (ours.replace(OLD, NEW), [], [])
    other = ours.replace(OLD, "- Wi-Fi firmware.\n")
    assert carry(tag, other) == (other, [], ["the section of 1.1.0"])
    moved = tag.replace("releases/tag", "tags").replace("# Changelog\n", "# Changes\n")
    assert carry(moved, ours)[1:] == (
        ["the lines above the first section", "the section of 1.1.0", "the footer link of 1.1.0"],
        [])
