"""The push plan before the release commit and tag exist. Walked in the TUI: a hotfix waiting at
its changelog step showed on the push step's screen (and `run push --dry-run` printed) "No commit
goes up to hotfix/v1.3.1: origin has every one already." under `git push origin <release
commit>:refs/heads/hotfix/v1.3.1`, though origin had no hotfix/v1.3.1 branch and the picks were
not on it: the commits were counted from the placeholder. Until the tag is here the plan says
what the step will send and that the commits going up are known once both are made; a
promotion's plan says in its first line that only the tag goes up."""

from __future__ import annotations

from pathlib import Path

from console.app import ReleaseConsoleApp
from console.demo import build_sandbox
from console.wiring import Options
from screens.step import StepScreen
from tests.conftest import flat, git, run_cli
from tests.github_helpers import Sandbox, sandbox  # noqa: F401 - fixture
from tests.hotfix_helpers import commit, pushed_quick_world
from tests.test_promote import candidate  # noqa: F401 - fixture
from tests.tui_helpers import open_step, text_of

HOTFIX_WILL = ("It sends the release commit to hotfix/v1.3.1 and the signed tag v1.3.1; which "
               "commits go up is known once the release commit and the tag are made.")


def hotfix_at_its_changelog_step(tmp_path: Path) -> Path:
    """v1.3.1 picked from main onto a new hotfix/v1.3.1 (not on origin), pre-flight ticked and
    run: the changelog step, which makes the release commit, is next."""
    project = pushed_quick_world(tmp_path)
    fix = commit(project, "src/unlock.sh", "retry=3\n", "Unlock: three retries")
    git(project, "push", "-q", "origin", "main")
    assert run_cli("hotfix", "1.3.1", "--yes", "--pick", fix, cwd=project).returncode == 0
    assert run_cli("checklist", "tick", "preflight", "all", cwd=project).returncode == 0
    ran = run_cli("--offline", "run", "preflight", cwd=project)  # CI: at the push
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "Next: changelog" in ran.stdout, ran.stdout
    assert "hotfix/v1.3.1" not in git(project, "ls-remote", "origin")
    return project


def test_a_hotfix_before_its_release_commit_claims_nothing_about_the_remote(
        tmp_path: Path) -> None:
    project = hotfix_at_its_changelog_step(tmp_path)
    dry = run_cli("run", "push", "--dry-run", cwd=project)
    plan = dry.stdout
    assert "No commit goes up" not in plan and "has every one already" not in plan, plan
    assert plan.startswith("Push the release commit and tag v1.3.1 to origin.\n"
                           "Remote origin: "), plan
    assert HOTFIX_WILL in flat(plan), plan
    assert "$ git push origin <release commit>:refs/heads/hotfix/v1.3.1" in plan
    assert "$ git push origin refs/tags/v1.3.1" in plan


async def test_the_hotfix_push_screen_says_what_it_will_send(tmp_path: Path) -> None:
    project = hotfix_at_its_changelog_step(tmp_path)
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_step(pilot, "push", StepScreen)
        plan = " ".join(text_of(screen, "#step-plan").split())
        assert "No commit goes up" not in plan, plan
        assert HOTFIX_WILL in flat(plan), plan


def test_a_release_before_its_changelog_step_says_what_the_push_will_send(
        tmp_path: Path) -> None:
    project = build_sandbox(tmp_path / "demo", built="1.3.0")
    assert run_cli("start", "1.3.0", cwd=project).returncode == 0
    plan = run_cli("run", "push", "--dry-run", cwd=project).stdout
    assert "No commit goes up" not in plan, plan
    assert ("It sends the release commit to main and the signed tag v1.3.0; which commits go up "
            "is known once the release commit and the tag are made.") in flat(plan), plan


def test_a_promotion_says_first_that_only_the_tag_goes_up(candidate: Path) -> None:  # noqa: F811
    assert run_cli("promote", "v0.2.0-rc.1", cwd=candidate).returncode == 0
    plan = run_cli("run", "push", "--dry-run", cwd=candidate).stdout
    assert flat(plan.split("\n\n")[0]).startswith(  # the first sentence, wrapped at 80
        "Push only tag v0.2.0 to origin: the candidate's commit is on main already, so no "
        "branch moves."), plan
    assert ("Tag v0.2.0 is not made yet: the tag step makes it on the candidate's commit; "
            "nothing else goes up.") in flat(plan), plan
    assert "refs/heads/" not in plan and "$ git push origin refs/tags/v0.2.0" in plan


async def test_the_push_description_is_true_of_a_promotion(candidate: Path) -> None:  # noqa: F811
    """Its title says "Push commit and tag" and its description said it pushes "the release
    commit and the signed tag", while the promotion's plan pushed the tag alone."""
    assert run_cli("promote", "v0.2.0-rc.1", cwd=candidate).returncode == 0
    app = ReleaseConsoleApp(Options(repo=candidate))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_step(pilot, "push", StepScreen)
        said = " ".join(text_of(screen, "#step-description").split())
        assert "a promotion pushes only the tag, its commit is on the branch already" in said
        plan = " ".join(text_of(screen, "#step-plan").split())
        assert "Push only tag v0.2.0 to origin" in plan, plan
