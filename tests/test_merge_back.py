"""merge-back on its own: fast-forward when the default branch has not moved, a conflict outside
the CHANGELOG stops naming the file and a resolved merge is pushed, the plan lists the commits.

The release steps between the branch and merge-back are the CLI acceptance test's business
(tests/test_hotfix_cli.py); here they are recorded as done so merge-back can be looked at alone.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from services.flows import runbook
from services.policy import load_policy
from services.repo import Repository
from services.session import SessionStore
from services.step_protocol import Context
from services.step_status import StepStatus
from tests.conftest import FIXED_NOW, git, run_cli
from tests.hotfix_helpers import (
    commit,
    hotfix_changelog_tagged,
    is_ancestor,
    main_moves_on,
    pushed_quick_world,
    reopen_unreleased,
    signed_tag,
)
from tests.journal_helpers import journal_finishes


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return pushed_quick_world(tmp_path)


def hotfix_on_branch(project: Path, text: str, *, migration: str = "", tag: bool = True) -> None:
    """A hotfix branch made by hand with the fix on it (and ``migration`` as its MIGRATION.md),
    adopted by `hotfix`, released up to the tag (recorded), so merge-back is next."""
    git(project, "switch", "-q", "-c", "hotfix/v1.3.1", "v1.3.0")
    commit(project, "src/unlock.sh", text, "Unlock: retry on slow sticks")
    if migration:
        commit(project, "MIGRATION.md", migration, "Migration notes for v1.3.1")
    result = run_cli("hotfix", "1.3.1", "--yes", cwd=project)
    assert result.returncode == 0, result.stderr
    if tag:  # else the caller tags (and pushes) after its own release commit
        signed_tag(project, "v1.3.1")
        git(project, "push", "-q", "origin", "hotfix/v1.3.1", "v1.3.1")
    repo = Repository(project)
    store = SessionStore(repo.root)
    ctx = Context(policy=load_policy(project / "release.toml"), repo=repo, store=store,
                  clock=lambda: FIXED_NOW)
    ctx.session = store.active()
    session = ctx.store.load("v1.3.1")  # skipped, not done: no evidence for revalidation to look at
    for step in runbook("hotfix")[1:-1]:
        record = session.step(step.id)
        record.status, record.reason = StepStatus.SKIPPED, "released by the CLI test's path"
    ctx.store.save(session)
    journal_finishes(ctx.store, "v1.3.1", "released by the CLI test's path")


def test_an_unmoved_default_branch_is_fast_forwarded_and_pushed(project: Path) -> None:
    hotfix_on_branch(project, "retry=3\n")
    plan = run_cli("run", "merge-back", "--dry-run", cwd=project)
    assert "(fast-forward)" in plan.stdout and "Unlock: retry on slow sticks" in plan.stdout
    assert "git push origin main" in plan.stdout
    assert git(project, "rev-parse", "main") == git(project, "rev-parse", "v1.3.0^{commit}")
    result = run_cli("run", "merge-back", "--yes", cwd=project)
    assert result.returncode == 0, result.stderr
    origin = project.parent / "origin.git"
    assert git(origin, "rev-parse", "main") == git(project, "rev-parse", "hotfix/v1.3.1")
    assert git(project, "log", "--merges", "--format=%s", "main") == ""
    assert "the last session: v1.3.1 released" in run_cli("status", cwd=project).stdout


def test_a_conflict_outside_the_changelog_stops_and_a_resolved_merge_is_pushed(
        project: Path) -> None:
    hotfix_on_branch(project, "retry=3\n")
    git(project, "switch", "-q", "main")
    commit(project, "src/unlock.sh", "retry=5\n", "Unlock: five retries")
    git(project, "push", "-q", "origin", "main")
    git(project, "switch", "-q", "hotfix/v1.3.1")
    origin = project.parent / "origin.git"
    before = git(origin, "rev-parse", "main")
    stopped = run_cli("run", "merge-back", "--yes", cwd=project)
    assert stopped.returncode == 1
    assert "stopped on conflicts in: src/unlock.sh" in stopped.stderr
    assert "git merge --abort" in stopped.stderr
    # the TUI shows this sentence too: its way (r) is named beside the command line's
    assert "then run merge-back again to push (r on its screen, or `release-console run " \
        "merge-back`)" in stopped.stderr
    assert git(origin, "rev-parse", "main") == before  # nothing went up
    assert "still has conflicts in: src/unlock.sh" in run_cli("status", cwd=project).stdout
    (project / "src" / "unlock.sh").write_text("retry=5\n")
    git(project, "add", "src/unlock.sh")
    git(project, "commit", "-q", "--no-edit")
    done = run_cli("run", "merge-back", "--yes", cwd=project)
    assert done.returncode == 0, done.stderr
    assert is_ancestor(origin, "v1.3.1", "main")
    assert git(origin, "show", "main:src/unlock.sh") == "retry=5\n"


def both_lines_add_a_transition(project: Path) -> None:
    """The hotfix adds `v1.3.0 -> v1.3.1` at the top of MIGRATION.md, main (pushed) adds
    `v1.3.0 -> v1.4.0` there: the conflict merge-back resolves itself. Leaves main checked out."""
    guide = (project / "MIGRATION.md").read_text()
    top = "# Migration guide\n\n"
    hotfix_on_branch(project, "retry=3\n", migration=guide.replace(
        top, top + "## v1.3.0 -> v1.3.1\n\nNo migration required.\n\n", 1))
    git(project, "switch", "-q", "main")
    commit(project, "MIGRATION.md", guide.replace(
        top, top + "## v1.3.0 -> v1.4.0\n\nRun `pai migrate`.\n\n", 1), "Migration for 1.4.0")
    git(project, "push", "-q", "origin", "main")


def test_the_two_lines_migration_sections_are_merged_not_left_as_a_conflict(
        project: Path) -> None:
    """Walked by hand: main's `v1.3.0 -> v1.4.0` and the hotfix's `v1.3.0 -> v1.3.1`, both written
    by the console at the top of the guide, stopped every old-line merge-back on MIGRATION.md."""
    both_lines_add_a_transition(project)
    git(project, "switch", "-q", "hotfix/v1.3.1")
    done = run_cli("run", "merge-back", "--yes", cwd=project)
    assert done.returncode == 0, done.stderr
    merged = git(project.parent / "origin.git", "show", "main:MIGRATION.md")
    assert "## v1.3.0 -> v1.4.0\n\nRun `pai migrate`." in merged
    assert "## v1.3.0 -> v1.3.1\n\nNo migration required." in merged
    assert "## v1.1.0 -> v1.2.0" in merged and "<<<<<<<" not in merged


def test_pushing_the_default_branch_asks_first(project: Path) -> None:
    hotfix_on_branch(project, "retry=3\n")
    origin = project.parent / "origin.git"
    before = git(origin, "rev-parse", "main")
    refused = run_cli("run", "merge-back", cwd=project)
    assert refused.returncode == 2 and "--yes" in refused.stderr
    assert git(origin, "rev-parse", "main") == before
    assert git(project, "branch", "--show-current").strip() == "hotfix/v1.3.1"


def test_its_own_merge_stopped_by_a_kill_is_finished_by_running_it_again(
        project: Path) -> None:
    """Found by a kill: merge-back killed after `git merge` stopped on the conflicts it resolves
    itself (here MIGRATION.md); the next run said "still has conflicts in: MIGRATION.md,
    resolve them" and sent the captain to git."""
    both_lines_add_a_transition(project)
    # What the step's own merge leaves when the process dies right after git stops.
    stopped = subprocess.run(["git", "merge", "--no-ff", "--no-edit", "-m",
                              "Merge hotfix v1.3.1 into main", "refs/tags/v1.3.1"],
                             cwd=project, capture_output=True, text=True, check=False)
    assert stopped.returncode != 0 and "MIGRATION.md" in stopped.stdout
    assert "still has conflicts" not in run_cli("status", cwd=project).stdout
    done = run_cli("next", "--yes", cwd=project)
    assert done.returncode == 0, done.stderr
    merged = git(project.parent / "origin.git", "show", "main:MIGRATION.md")
    assert "## v1.3.0 -> v1.4.0" in merged and "## v1.3.0 -> v1.3.1" in merged
    assert "<<<<<<<" not in merged
    assert git(project, "log", "-1", "--format=%s", "main").strip() == \
        "Merge hotfix v1.3.1 into main"


def test_a_merge_not_its_own_is_left_to_the_captain(project: Path) -> None:
    hotfix_on_branch(project, "retry=3\n")
    git(project, "switch", "-q", "main")
    commit(project, "src/unlock.sh", "retry=5\n", "Unlock: five retries")
    stopped = subprocess.run(["git", "merge", "--no-edit", "hotfix/v1.3.1"], cwd=project,
                             capture_output=True, text=True, check=False)
    assert stopped.returncode != 0
    assert "still has conflicts in: src/unlock.sh" in run_cli("status", cwd=project).stdout


def test_main_s_unreleased_link_compares_from_the_hotfix_tag_after_merge_back(
        project: Path) -> None:
    """Found walking the CLI: after merge-back main's CHANGELOG kept `[Unreleased]: ...compare/
    v1.3.0...HEAD` (the merge resolves the CHANGELOG conflict keeping main's links), though
    v1.3.1 is now main's newest release; only the next changelog move put it right."""
    reopen_unreleased(project)
    main_moves_on(project)
    hotfix_on_branch(project, "retry=3\n", tag=False)
    hotfix_changelog_tagged(project)  # the hotfix's changelog step, as it leaves the branch

    done = run_cli("run", "merge-back", "--yes", cwd=project)
    assert done.returncode == 0, done.stderr
    merged = git(project.parent / "origin.git", "show", "main:CHANGELOG.md")
    assert "## [Unreleased]\n\n### Added\n\n- Offline maps.\n\n## [1.3.1]" in merged
    assert "[Unreleased]: https://github.com/example-org/pai/compare/v1.3.1...HEAD\n" in merged
    assert "v1.3.0...HEAD" not in merged
    assert "[1.3.1]: https://github.com/example-org/pai/compare/v1.3.0...v1.3.1\n" in merged


async def test_its_screen_before_the_tag_says_what_it_will_do_not_a_git_error(
        project: Path) -> None:
    """Walked at 80x24: merge-back's screen opened early in a hotfix (the tag not made yet)
    showed "No plan yet: git log --format=%h %s refs/heads/main refs/tags/v1.3.1 ... failed:
    fatal: bad revision 'refs/tags/v1.3.1'." It says what it will do, and that what goes up is
    known once the tag is made."""
    from console.app import ReleaseConsoleApp
    from console.wiring import Options
    from screens.step import StepScreen
    from tests.test_confirm_layout import screen_lines
    from tests.tui_helpers import open_step

    fix = commit(project, "src/unlock.sh", "retry=2\n", "Unlock: two retries")
    assert run_cli("hotfix", "1.3.1", "--yes", "--pick", fix, cwd=project).returncode == 0
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_step(pilot, "merge-back", StepScreen)
        shown = " ".join(" ".join(screen_lines(app)).split())
        assert "fatal" not in shown and "No plan yet" not in shown, shown
        assert ("What running it will do: Bring main up to date with v1.3.1 and push it; never "
                "a rebase or a force-push.") in shown, shown
        assert "The commits going up to origin/main are known once v1.3.1 is tagged." in shown
