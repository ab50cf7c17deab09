"""Hotfix picks that conflict: stop with the files, abort puts the branch back, resolved continues;
and every bad input of issue #11 refused in one sentence with nothing changed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from console.demo import build_sandbox
from tests.conftest import git, run_cli
from tests.hotfix_helpers import commit, quick_world


@pytest.fixture
def world(tmp_path: Path) -> Iterator[Path]:
    project = build_sandbox(tmp_path / "demo", built="1.3.0")
    quick_world(project)
    yield project


def stop_a_pick(project: Path) -> str:
    """A hotfix whose one pick conflicts (main changed the line twice), stopped by `hotfix`;
    returns the picked fix."""
    commit(project, "src/unlock.sh", "retry=2\n", "Unlock: two retries")
    fix = commit(project, "src/unlock.sh", "retry=3\n", "Unlock: three retries")
    assert run_cli("hotfix", "1.3.1", "--yes", "--pick", fix, cwd=project).returncode == 1  # stopped
    return fix


def refs(project: Path) -> str:
    """Branches, HEAD, index and tree: what "nothing changed" means for git."""
    return (git(project, "for-each-ref", "--format=%(refname) %(objectname)")
            + git(project, "rev-parse", "HEAD") + git(project, "status", "--porcelain")
            + git(project, "branch", "--show-current"))


def test_a_conflicting_pick_stops_abort_restores_and_a_resolved_one_continues(world: Path) -> None:
    project = world
    commit(project, "src/unlock.sh", "retry=2\n", "Unlock: two retries")
    fix = commit(project, "src/unlock.sh", "retry=3\n", "Unlock: three retries")
    base = git(project, "rev-parse", "v1.3.0^{commit}").strip()

    stopped = run_cli("hotfix", "1.3.1", "--yes", "--pick", fix, cwd=project)
    assert stopped.returncode == 1
    assert "conflicts in: src/unlock.sh" in stopped.stderr
    assert "release-console hotfix --continue" in stopped.stderr
    assert "release-console hotfix --abort" in stopped.stderr
    assert "Traceback" not in stopped.stderr
    shown = run_cli("status", cwd=project)
    status = shown.stdout
    assert "src/unlock.sh" in status and "failed" in status, shown.stderr

    aborted = run_cli("hotfix", "--abort", cwd=project)
    assert aborted.returncode == 0, aborted.stderr
    assert git(project, "branch", "--show-current").strip() == "hotfix/v1.3.1"
    assert git(project, "rev-parse", "HEAD").strip() == base
    assert git(project, "status", "--porcelain") == ""
    assert (project / "src" / "unlock.sh").read_text() == "retry=1\n"
    after = run_cli("status", cwd=project).stdout  # not the conflict that no longer holds
    assert "The picks were aborted" in after and "hotfix --continue" not in after

    again = run_cli("hotfix", "1.3.1", "--yes", "--pick", fix, cwd=project)
    assert again.returncode == 1 and "conflicts in: src/unlock.sh" in again.stderr
    early = run_cli("hotfix", "--continue", cwd=project)
    assert early.returncode == 1 and "still have conflicts: src/unlock.sh" in early.stderr
    # Walked by hand: resolved as the branch had it, the pick is empty, and git's own words came
    # out cut ("git commit --allow-empty; Otherwise, please use 'git cherry-pick --skip'").
    (project / "src" / "unlock.sh").write_text("retry=1\n")
    git(project, "add", "src/unlock.sh")
    empty = run_cli("hotfix", "--continue", cwd=project)
    assert empty.returncode == 1 and empty.stderr == (
        f"error: The resolved pick {fix[:12]} (Unlock: three retries) changes nothing on "
        "hotfix/v1.3.1: the files are as the branch had them; nothing was continued. Resolve "
        "them keeping the fix's change, `git add` them and run `release-console hotfix "
        "--continue` again; or `release-console hotfix --abort` and pick without it.\n")
    (project / "src" / "unlock.sh").write_text("retry=3\n")
    git(project, "add", "src/unlock.sh")
    done = run_cli("hotfix", "--continue", cwd=project)
    assert done.returncode == 0, done.stderr
    log = git(project, "log", "--format=%s%n%b", "v1.3.0..HEAD")
    assert f"(cherry picked from commit {fix})" in log
    assert "Hotfix v1.3.1: CHANGELOG entries for the picked fixes" in log
    assert "### Fixed\n\n- Unlock: three retries\n" in (project / "CHANGELOG.md").read_text()
    assert git(project, "status", "--porcelain") == ""
    assert "hotfix-branch" in run_cli("status", cwd=project).stdout


# The exit code as docs/cli.md gives it: 2 for a value that names nothing (no such commit, a
# time in the future), 1 for what is refused as things stand (a pick that is not a fix).
@pytest.mark.parametrize(("args", "says", "code"), [
    (("1.5.1",), "no tag v1.5.0 to branch from", 1),
    (("1.3.2",), "not the next patch of a shipped release", 1),
    (("1.3.0",), "not the next patch of a shipped release", 1),
    (("1.1.6", "--pick", "HEAD"), "base tag v1.1.5 does not verify with the pinned key", 1),
    (("1.3.1", "--pick", "v1.2.0"), "is already in v1.3.0", 1),
    (("1.3.1", "--pick", "deadbeef"), "deadbeef is not a commit in this repository", 2),
    (("1.3.1", "--pick", "other"), "is not on the default branch main", 1),
    (("1.3.1", "--pick", "HEAD"), "is a merge commit", 1),
    (("1.3.1", "--severity", "critical", "--since", "2999-01-01T00:00:00Z", "--pick", "HEAD~1"),
     "is in the future", 2),
    # walked by hand: with no release at all, both said "No release in progress. Start one"
    (("--continue",), "No hotfix is in progress, so there are no picks to continue or abort.", 1),
    (("--abort",), "No hotfix is in progress, so there are no picks to continue or abort.", 1),
])
def test_bad_input_is_refused_in_one_sentence_and_changes_nothing(
        world: Path, args: tuple[str, ...], says: str, code: int) -> None:
    project = world
    git(project, "tag", "-a", "-m", "PAI v1.1.5, tagged without a signature", "v1.1.5",
        "v1.1.0^{commit}")
    git(project, "switch", "-q", "-c", "side")
    commit(project, "side.txt", "x\n", "Side work")
    git(project, "switch", "-q", "main")
    commit(project, "src/unlock.sh", "retry=2\n", "Unlock: two retries")
    git(project, "merge", "-q", "--no-ff", "-m", "Merge side", "side")
    git(project, "switch", "-q", "-c", "other", "v1.3.0")
    commit(project, "other.txt", "x\n", "Unmerged work")
    git(project, "switch", "-q", "main")
    before = refs(project)
    result = run_cli("hotfix", *args, cwd=project)
    assert result.returncode == code, result.stderr
    assert says in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert refs(project) == before
    assert not (project / ".release").exists()


def test_a_dirty_tree_and_a_foreign_branch_are_refused(world: Path) -> None:
    project = world
    fix = commit(project, "src/unlock.sh", "retry=2\n", "Unlock: two retries")
    (project / "README.md").write_text("edited\n")
    dirty = run_cli("hotfix", "1.3.1", "--yes", "--pick", fix, cwd=project)
    assert dirty.returncode == 1 and "uncommitted changes (README.md)" in dirty.stderr
    git(project, "checkout", "README.md")
    git(project, "branch", "hotfix/v1.3.1", "v1.2.0")
    before = refs(project)
    foreign = run_cli("hotfix", "1.3.1", "--yes", "--pick", fix, cwd=project)
    assert foreign.returncode == 1
    assert "Branch hotfix/v1.3.1 already exists but does not start from v1.3.0" in foreign.stderr
    assert refs(project) == before and not (project / ".release").exists()


def test_an_existing_branch_from_the_tag_is_resumed_and_a_pick_on_it_refused(world: Path) -> None:
    project = world
    fix = commit(project, "src/unlock.sh", "retry=2\n", "Unlock: two retries")
    git(project, "switch", "-q", "-c", "hotfix/v1.3.1", "v1.3.0")
    git(project, "cherry-pick", "-x", fix)
    git(project, "switch", "-q", "main")
    before = refs(project)
    again = run_cli("hotfix", "1.3.1", "--yes", "--pick", fix, cwd=project)
    assert again.returncode == 1 and "is already on the hotfix branch" in again.stderr
    assert refs(project) == before and not (project / ".release").exists()
    resumed = run_cli("hotfix", "1.3.1", "--yes", cwd=project)
    assert resumed.returncode == 0, resumed.stderr
    assert git(project, "branch", "--show-current").strip() == "hotfix/v1.3.1"
    assert git(project, "log", "--format=%s", "-1").strip() == \
        "Hotfix v1.3.1: CHANGELOG entries for the picked fixes"


def test_start_kind_hotfix_then_pick_makes_the_same_branch(world: Path) -> None:
    project = world
    fix = commit(project, "src/unlock.sh", "retry=2\n", "Unlock: two retries")
    listed = run_cli("hotfix", "1.3.1", "--list", cwd=project)
    assert listed.returncode == 0, listed.stderr
    assert f"{fix[:12]}  2026-11-21  Demo Captain" in listed.stdout
    assert "Unlock: two retries" in listed.stdout and "src/unlock.sh" in listed.stdout
    started = run_cli("start", "1.3.1", "--kind", "hotfix", cwd=project)
    assert started.returncode == 0, started.stderr
    assert "No commits are picked for this hotfix yet" in run_cli("status", cwd=project).stdout
    picked = run_cli("hotfix", "1.3.1", "--yes", "--pick", fix, cwd=project)
    assert picked.returncode == 0, picked.stderr
    assert git(project, "branch", "--show-current").strip() == "hotfix/v1.3.1"
    assert f"(cherry picked from commit {fix})" in git(project, "log", "--format=%B", "-2")
    status = run_cli("status", "--json", cwd=project).stdout
    assert '"previous_tag": "v1.3.0"' in status


def test_a_pick_that_brings_its_own_changelog_entry_is_not_listed_twice(world: Path) -> None:
    project = world
    changelog = project / "CHANGELOG.md"
    changelog.write_text(changelog.read_text().replace(
        "## [1.3.0]", "## [Unreleased]\n\n## [1.3.0]", 1))
    git(project, "commit", "-q", "-am", "Reopen [Unreleased]")
    changelog.write_text(changelog.read_text().replace(
        "## [Unreleased]\n", "## [Unreleased]\n\n### Fixed\n\n- Unlock retries on slow sticks.\n",
        1))
    (project / "src" / "unlock.sh").write_text("retry=3\n")
    git(project, "commit", "-q", "-am", "Unlock: retry on slow sticks")
    fix = git(project, "rev-parse", "HEAD").strip()
    # its CHANGELOG conflicts (the tag's file has no [Unreleased]): the branch's file is kept
    # and the fix's own entry goes to its [Unreleased], once; no subject entry beside it
    done = run_cli("hotfix", "1.3.1", "--yes", "--pick", fix, cwd=project)
    assert done.returncode == 0, done.stderr
    assert "CHANGELOG.md conflicted in 1 pick" in done.stdout
    final = changelog.read_text()
    assert final.count("Unlock") == 1 and "Unlock: retry on slow sticks" not in final
    assert git(project, "status", "--porcelain") == ""


async def test_after_a_restart_the_branch_steps_screen_opens_the_conflict_screen(
        world: Path) -> None:
    """Walked by hand: a TUI restarted while a pick was stopped showed only CLI commands on the
    hotfix-branch step; continue/abort were reachable only by starting the hotfix again."""
    from console.app import ReleaseConsoleApp
    from console.wiring import Options
    from screens.hotfix import ConflictScreen
    from screens.steps.hotfix_branch import HotfixBranchScreen
    from tests.tui_helpers import footer_keys, open_step, settle, text_of

    project = world
    stop_a_pick(project)
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(100, 30)) as pilot:
        step = await open_step(pilot, "hotfix-branch", HotfixBranchScreen)
        assert "press c here to continue, or to abort the picks" in text_of(step, "#step-blockers")
        assert footer_keys(step)["c"]
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, ConflictScreen)
        await pilot.press("a")  # abort the picks
        await settle(pilot)
        assert app.screen is step and "c" not in footer_keys(step)
    assert "The picks were aborted" in run_cli("status", cwd=project).stdout
    assert git(project, "status", "--porcelain") == ""


async def test_a_policy_broken_while_the_conflict_screen_is_open_is_said_on_it(
        world: Path) -> None:
    """The context for continue was made outside the error handling: a release.toml broken while
    the screen was open stopped the TUI with an unexpected error in a worker. It is now said on
    the screen, the pick left as it was."""
    from console.app import ReleaseConsoleApp
    from console.wiring import Options
    from screens.hotfix import ConflictScreen
    from screens.steps.hotfix_branch import HotfixBranchScreen
    from tests.tui_helpers import open_step, settle, text_of

    project = world
    stop_a_pick(project)
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(100, 30)) as pilot:
        await open_step(pilot, "hotfix-branch", HotfixBranchScreen)
        await pilot.press("c")
        await settle(pilot)
        conflict = app.screen
        assert isinstance(conflict, ConflictScreen)
        policy = project / "release.toml"
        policy.write_text(policy.read_text() + "\n[[broken\n")
        before = refs(project)
        await pilot.press("c")  # continue
        await settle(pilot)
        assert app.is_running and app.screen is conflict
        said = text_of(conflict, "#conflict-help")
        assert "release.toml" in said and "Unexpected" not in said
        assert "src/unlock.sh" in text_of(conflict, "#conflict-files")
        assert refs(project) == before


def test_a_resolved_pick_is_finished_by_plain_next(world: Path) -> None:
    """Found by a kill: with a pick stopped and nothing left in conflict (resolved and added, or
    a run killed mid-pick), `next` said it "stopped on conflicts in: no files"; plain `next`
    now continues it as `hotfix --continue` does."""
    project = world
    commit(project, "src/unlock.sh", "retry=2\n", "Unlock: two retries")
    fix = commit(project, "src/unlock.sh", "retry=3\n", "Unlock: three retries")
    stopped = run_cli("hotfix", "1.3.1", "--yes", "--pick", fix, cwd=project)
    assert stopped.returncode == 1 and "conflicts in: src/unlock.sh" in stopped.stderr
    (project / "src" / "unlock.sh").write_text("retry=3\n")
    git(project, "add", "src/unlock.sh")
    status = run_cli("status", cwd=project).stdout
    assert "no files" not in status
    done = run_cli("next", "--yes", cwd=project)
    assert done.returncode == 0, done.stderr
    assert f"(cherry picked from commit {fix})" in git(project, "log", "--format=%b", "-3")
    assert "### Fixed\n\n- Unlock: three retries\n" in (project / "CHANGELOG.md").read_text()
    assert git(project, "status", "--porcelain") == ""
    journal = run_cli("journal", "show", cwd=project).stdout
    assert "picks continued" in journal


def test_a_lock_a_killed_git_left_is_named_with_what_to_do(world: Path) -> None:
    project = world
    fix = commit(project, "src/other.sh", "fixed\n", "Other: fixed")
    (project / ".git" / "index.lock").write_text("")
    refused = run_cli("hotfix", "1.3.1", "--yes", "--pick", fix, cwd=project)
    assert refused.returncode != 0 and "Traceback" not in refused.stderr
    assert "index.lock" in refused.stderr
    assert ("Another git command is running in this repository, or a killed one left "
            f"{project / '.git' / 'index.lock'}: if none is running, remove that file, then run "
            "this again.") in refused.stderr
    assert "put back as it was" not in refused.stderr


async def test_the_conflict_dialog_shows_its_own_keys_at_80x24(world: Path) -> None:
    """Walked at 80x24: the conflict dialog over the picker had the picker's footer under it,
    "esc Back  space Pick/unpick  q Quit" (space picks nothing there), not its own c and a."""
    from console.app import ReleaseConsoleApp
    from console.wiring import Options
    from screens.hotfix import ConflictScreen
    from screens.steps.hotfix_branch import HotfixBranchScreen
    from tests.test_confirm_layout import screen_lines
    from tests.tui_helpers import footer_keys, open_step, settle

    project = world
    stop_a_pick(project)
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_step(pilot, "hotfix-branch", HotfixBranchScreen)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, ConflictScreen)
        assert footer_keys(app.screen) == {"escape": True, "c": True, "a": True}
        bottom = screen_lines(app)[-1]
        assert "c Continue" in bottom and "a Abort the picks" in bottom, bottom
        assert "Next" not in bottom and "Run" not in bottom
