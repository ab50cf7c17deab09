"""merge-back when git merges the CHANGELOG cleanly: a base tag whose file kept an open
[Unreleased] (Keep a Changelog's release commit, made before Release Console) and a default branch
that only added entries under it. git took the hotfix's move for the heading and link lines, so
main's own entries were filed under [1.3.1], a release that never shipped them, and main's
[Unreleased] heading and its compare link were gone. merge-back now puts that merge right before
committing it, the way it resolves a CHANGELOG conflict, also when a kill stopped it in between.
"""

from __future__ import annotations

import json
import signal
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import git, run_cli
from tests.hotfix_helpers import journal_actions, killed_after, main_moves_on, signed_tag
from tests.test_merge_back import hotfix_on_branch

URL = "https://github.com/example-org/pai/compare"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return clean_merge_world(tmp_path)


def clean_merge_world(tmp_path: Path, also: Callable[[Path], None] | None = None) -> Path:
    """The demo with v1.3.0 tagged on a release commit that keeps an empty [Unreleased] (and its
    link, comparing from v1.3.0); main then adds an entry under it; the hotfix v1.3.1 is tagged
    with the changelog step's move of its [Unreleased] (the fix's entry) to [1.3.1] (and
    whatever ``also`` commits on the hotfix branch before that)."""
    from console.demo import build_sandbox

    path = build_sandbox(tmp_path / "demo", built="1.3.0")
    changelog = path / "CHANGELOG.md"
    text = changelog.read_text()
    start = text.index("## [Unreleased]\n") + len("## [Unreleased]\n")
    changelog.write_text(
        text[:start] + "\n## [1.3.0] — 2026-11-01\n" + text[start:]
        .replace(f"{URL}/v1.2.0...HEAD", f"{URL}/v1.3.0...HEAD\n[1.3.0]: {URL}/v1.2.0...v1.3.0"))
    (path / "src").mkdir(exist_ok=True)
    (path / "src" / "unlock.sh").write_text("retry=1\n")
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "Release v1.3.0")
    signed_tag(path, "v1.3.0")
    git(path, "push", "-q", "origin", "main", "v1.3.0")
    main_moves_on(path)
    hotfix_on_branch(path, "retry=3\n", tag=False)
    if also is not None:
        also(path)
    if "- Unlock: retry on slow sticks." not in changelog.read_text():
        changelog.write_text(changelog.read_text().replace(
            "## [Unreleased]\n", "## [Unreleased]\n\n### Fixed\n\n- Unlock: retry on slow sticks."
            "\n", 1))
    moved = run_cli("changelog", "move", "1.3.1", "--date", "2026-11-20", cwd=path)
    assert moved.returncode == 0, moved.stderr
    git(path, "commit", "-q", "-am", "Release v1.3.1: changelog")
    signed_tag(path, "v1.3.1")
    git(path, "push", "-q", "origin", "hotfix/v1.3.1", "v1.3.1")
    clean = git(path, "merge-tree", "--write-tree", "--name-only", "main", "v1.3.1")
    assert len(clean.split()) == 1  # git merges it cleanly: no conflicted file listed
    return path


def assert_main_put_right(project: Path) -> None:
    merged = git(project.parent / "origin.git", "show", "main:CHANGELOG.md")
    assert "## [Unreleased]\n\n### Added\n\n- Offline maps.\n\n## [1.3.1] — 2026-11-20\n" in merged
    assert "- Offline maps." not in merged.split("## [1.3.1]", 1)[1]
    assert f"[Unreleased]: {URL}/v1.3.1...HEAD\n" in merged
    assert f"[1.3.1]: {URL}/v1.3.0...v1.3.1\n" in merged
    assert "v1.3.0...HEAD" not in merged
    assert git(project, "log", "-1", "--format=%s", "main").strip() == \
        "Merge hotfix v1.3.1 into main"


def test_a_clean_changelog_merge_keeps_main_s_unreleased_and_relinks_it(project: Path) -> None:
    done = run_cli("run", "merge-back", "--yes", cwd=project)
    assert done.returncode == 0, done.stderr
    assert_main_put_right(project)


def test_killed_before_the_merge_commit_the_rerun_puts_it_right(project: Path) -> None:
    result = killed_after(project, "merge", "run", "merge-back", "--yes")
    assert result.returncode == -signal.SIGKILL, result.stderr
    resumed = run_cli("next", "--yes", cwd=project)
    assert resumed.returncode == 0, resumed.stderr
    assert_main_put_right(project)


def test_killed_after_the_merge_commit_it_is_adopted_as_resolved(project: Path) -> None:
    result = killed_after(project, "commit", "run", "merge-back", "--yes")
    assert result.returncode == -signal.SIGKILL, result.stderr
    resumed = run_cli("run", "merge-back", "--yes", cwd=project)
    assert resumed.returncode == 0, resumed.stderr
    assert ("merge-back", "merge adopted") in journal_actions(project, "v1.3.1")
    assert_main_put_right(project)
    lines = (project / ".release" / "v1.3.1" / "journal.jsonl").read_text().splitlines()
    adopted = [json.loads(line) for line in lines if '"merge adopted"' in line]
    assert adopted and adopted[0]["outputs"]["changelog_resolved"] is True


def test_a_hotfix_without_its_changelog_section_is_merged_as_git_merges_it(
        tmp_path: Path) -> None:
    """The captain skipped the hotfix's changelog step: there is no [1.3.1] section to add, so
    main's CHANGELOG (its [Unreleased] comparing from v1.3.0) is merged as git merges it, not
    refused."""
    from tests.hotfix_helpers import pushed_quick_world, reopen_unreleased

    project = pushed_quick_world(tmp_path)
    reopen_unreleased(project)
    git(project, "push", "-q", "origin", "main")
    before = git(project, "show", "main:CHANGELOG.md")
    hotfix_on_branch(project, "retry=3\n")
    done = run_cli("run", "merge-back", "--yes", cwd=project)
    assert done.returncode == 0, done.stderr
    assert git(project.parent / "origin.git", "show", "main:CHANGELOG.md") == before
