"""merge-back never drops a CHANGELOG change the hotfix made besides its own section.

Found reading merge-back: its CHANGELOG resolution (of a conflict, or of a clean merge git got
wrong) rebuilds the file from the default branch's side plus only the hotfix version's section and
link, so a hotfix that also corrected an entry of an older release (here [1.1.0]'s) lost that
correction on main without a word. Now the step stops, naming the file and the part, with the
merge left as git made it; the captain resolves it by hand, commits, and merge-back (or a plain
``next``) adopts the merge and pushes it, also after a kill.
"""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path

from services.hotfix import changelog_lost
from tests.conftest import git, run_cli
from tests.hotfix_helpers import (
    journal_actions,
    killed_after,
    pushed_quick_world,
    reopen_unreleased,
    signed_tag,
)
from tests.test_merge_back import hotfix_on_branch
from tests.test_merge_back_clean_changelog import clean_merge_world

URL = "https://github.com/example-org/pai/compare"
OLD = "- Wi-Fi firmware for Intel AX210.\n"
NEW = "- Wi-Fi firmware for Intel AX210 and AX211.\n"
SECTION = "## [1.3.1] — 2026-11-20\n\n### Fixed\n\n- Unlock: retry on slow sticks.\n\n"


def merge_tree(project: Path, *options: str) -> str:
    """git's merge of the tag into main, in memory (exit 1 on a conflict is an answer here)."""
    return subprocess.run(["git", "merge-tree", "--write-tree", *options, "main", "v1.3.1"],
                          cwd=project, capture_output=True, text=True, check=False).stdout


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


def conflict_world(tmp_path: Path) -> Path:
    """main reopened [Unreleased] with an entry; the hotfix adds its [1.3.1] section (and link)
    and corrects [1.1.0]'s entry: git conflicts in the CHANGELOG only where the section goes."""
    project = pushed_quick_world(tmp_path)
    reopen_unreleased(project)
    changelog = project / "CHANGELOG.md"
    changelog.write_text(changelog.read_text().replace(
        "## [Unreleased]\n", "## [Unreleased]\n\n### Added\n\n- Offline maps.\n", 1))
    git(project, "commit", "-q", "-am", "Offline maps")
    git(project, "push", "-q", "origin", "main")
    hotfix_on_branch(project, "retry=3\n", tag=False)
    correct_1_1_0(project)
    changelog.write_text(changelog.read_text().replace("## [1.3.0]", SECTION + "## [1.3.0]", 1)
                         .replace("[1.3.0]: ", f"[1.3.1]: {URL}/v1.3.0...v1.3.1\n[1.3.0]: ", 1))
    git(project, "commit", "-q", "-am", "Release v1.3.1: changelog")
    signed_tag(project, "v1.3.1")
    git(project, "push", "-q", "origin", "hotfix/v1.3.1", "v1.3.1")
    assert merge_tree(project, "--name-only", "--no-messages").split()[1:] == ["CHANGELOG.md"]
    return project


def by_hand(project: Path) -> str:
    """The captain's resolution: main's file with [1.3.1], its link, [Unreleased] comparing from
    v1.3.1 and the hotfix's correction of [1.1.0]; committed as the merge."""
    text = git(project, "show", "HEAD:CHANGELOG.md").replace(
        "## [1.3.0]", SECTION + "## [1.3.0]", 1).replace(
        f"{URL}/v1.3.0...HEAD", f"{URL}/v1.3.1...HEAD\n[1.3.1]: {URL}/v1.3.0...v1.3.1", 1
    ).replace(OLD, NEW, 1)
    (project / "CHANGELOG.md").write_text(text)
    git(project, "add", "CHANGELOG.md")
    git(project, "commit", "-q", "--no-edit")
    return text


def assert_stopped_as_git_left_it(project: Path, result_stderr: str, *, conflict: bool) -> None:
    assert "CHANGELOG.md" in result_stderr and "the section of 1.1.0" in result_stderr
    assert "`git add` it and `git commit`, then run merge-back again" in result_stderr
    assert "Traceback" not in result_stderr
    assert (project / ".git" / "MERGE_HEAD").exists()  # the merge waits for the captain
    on_disk = (project / "CHANGELOG.md").read_text()
    assert NEW in on_disk and OLD not in on_disk  # the correction is in the file, not lost
    assert ("<<<<<<<" in on_disk) is conflict
    unmerged = git(project, "diff", "--name-only", "--diff-filter=U")
    assert unmerged.split() == (["CHANGELOG.md"] if conflict else [])
    origin = project.parent / "origin.git"
    assert NEW not in git(origin, "show", "main:CHANGELOG.md")  # nothing went up


def assert_pushed_with_the_correction(project: Path, text: str) -> None:
    origin = project.parent / "origin.git"
    assert git(origin, "show", "main:CHANGELOG.md") == text
    assert git(project, "log", "-1", "--format=%s", "main").strip() == \
        "Merge hotfix v1.3.1 into main"
    assert ("merge-back", "merge adopted") in journal_actions(project, "v1.3.1")


def test_a_conflict_that_would_drop_the_hotfix_s_other_change_stops_naming_it(
        tmp_path: Path) -> None:
    project = conflict_world(tmp_path)
    git_made = as_git_merges_it(project, tmp_path / "scratch")
    stopped = run_cli("run", "merge-back", "--yes", cwd=project)
    assert stopped.returncode == 1, stopped.stdout
    assert "it conflicts" in stopped.stderr
    assert_stopped_as_git_left_it(project, stopped.stderr, conflict=True)
    assert (project / "CHANGELOG.md").read_text() == git_made  # the conflict exactly as git made it
    again = run_cli("next", "--yes", cwd=project)  # refused again, nothing half-written
    assert again.returncode == 1 and "the section of 1.1.0" in again.stderr
    text = by_hand(project)
    done = run_cli("next", "--yes", cwd=project)
    assert done.returncode == 0, done.stderr
    assert_pushed_with_the_correction(project, text)


def test_killed_after_git_stopped_the_rerun_refuses_the_same_way(tmp_path: Path) -> None:
    project = conflict_world(tmp_path)
    killed = killed_after(project, "merge", "run", "merge-back", "--yes")
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    resumed = run_cli("next", "--yes", cwd=project)
    assert resumed.returncode == 1
    assert_stopped_as_git_left_it(project, resumed.stderr, conflict=True)
    text = by_hand(project)
    done = run_cli("next", "--yes", cwd=project)
    assert done.returncode == 0, done.stderr
    assert_pushed_with_the_correction(project, text)


def test_a_clean_merge_that_would_drop_the_hotfix_s_other_change_stops_naming_it(
        tmp_path: Path) -> None:
    project = clean_merge_world(tmp_path, also=correct_1_1_0)
    tree = merge_tree(project).split()[0]
    git_made = git(project, "show", f"{tree}:CHANGELOG.md")
    stopped = run_cli("run", "merge-back", "--yes", cwd=project)
    assert stopped.returncode == 1, stopped.stdout
    assert "merged without a conflict, but git's result lost main's [Unreleased]" in \
        stopped.stderr
    assert_stopped_as_git_left_it(project, stopped.stderr, conflict=False)
    assert (project / "CHANGELOG.md").read_text() == git_made
    # the captain puts [Unreleased] back by hand, keeping the correction
    text = git(project, "show", "HEAD:CHANGELOG.md").replace(
        "## [1.3.0]", SECTION + "## [1.3.0]", 1).replace(
        f"{URL}/v1.3.0...HEAD", f"{URL}/v1.3.1...HEAD\n[1.3.1]: {URL}/v1.3.0...v1.3.1", 1
    ).replace(OLD, NEW, 1)
    (project / "CHANGELOG.md").write_text(text)
    git(project, "add", "CHANGELOG.md")
    git(project, "commit", "-q", "--no-edit")
    done = run_cli("next", "--yes", cwd=project)
    assert done.returncode == 0, done.stderr
    assert_pushed_with_the_correction(project, text)


def test_a_change_the_default_branch_has_too_is_not_counted_as_lost() -> None:
    """A picked commit that corrected [1.1.0] on main too: the rebuilt file (main's) has it. What
    the rebuilt file lacks is named: a section, the preamble, a footer link."""
    link = "[1.1.0]: https://github.com/example-org/pai/releases/tag/v1.1.0\n"
    base = f"# Changelog\n\n## [1.1.0] — 2026-08-14\n\n{OLD}\n{link}"
    tag = f"# Changelog\n\n{SECTION}## [1.1.0] — 2026-08-14\n\n{NEW}\n{link}"
    ours = f"# Changelog\n\n## [Unreleased]\n\n- Maps.\n\n{SECTION}## [1.1.0] — 2026-08-14" \
        f"\n\n{NEW}\n[Unreleased]: {URL}/v1.3.1...HEAD\n{link}"

    def lost(tag: str, result: str) -> list[str]:
        return changelog_lost.lost(base.encode(), tag.encode(), result.encode(),
                                   version="1.3.1", display="CHANGELOG.md")

    assert lost(tag, ours) == []
    assert lost(tag, ours.replace(NEW, OLD)) == ["the section of 1.1.0"]
    assert lost(tag.replace("# Changelog", "# Changes"), ours) == [
        "the lines above the first section"]
    assert lost(tag.replace("releases/tag", "tags"), ours) == ["the footer link of 1.1.0"]
