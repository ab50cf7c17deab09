"""What post-release's confirmation asks: what it is about to commit. Walked: a promotion's last
confirmation asked "Reopen [Unreleased] in CHANGELOG.md and commit it?" over a diff that only
moved [Unreleased]'s compare link from the candidate's tag to the stable one (the candidate had
reopened the section already)."""

from __future__ import annotations

from pathlib import Path

from console.app import ReleaseConsoleApp
from console.wiring import Options
from services.flows import runbook
from services.policy import load_policy
from services.repo import Repository
from services.session import Session, SessionStore
from services.session_lifecycle import open_session
from services.step_protocol import Context
from services.step_status import StepStatus
from tests.conftest import FIXED_NOW, git
from tests.hotfix_helpers import pushed_quick_world, reopen_unreleased
from tests.journal_helpers import journal_finishes
from tests.test_changelog_screen import until_confirm
from tests.test_confirm_layout import screen_lines
from tests.tui_helpers import open_step, text_of


def at_post_release(project: Path, kind: str, version: str) -> None:
    """A ``kind`` session of ``version`` with every step before post-release finished."""
    repo = Repository(project)
    ctx = Context(policy=load_policy(project / "release.toml"), repo=repo,
                  store=SessionStore(repo.root), clock=lambda: FIXED_NOW)
    tag = f"v{version}"
    open_session(ctx, Session(version=version, tag=tag, kind=kind, created_at=ctx.now_iso(),
                              base_commit=repo.head_sha(), branch="main"),
                 inputs={"version": version, "tag": tag, "kind": kind})
    session = ctx.store.load(tag)  # skipped: no evidence for revalidation to look at
    for step in runbook(kind):
        if step.id != "post-release":
            record = session.step(step.id)
            record.status, record.reason = StepStatus.SKIPPED, "made by the test"
    if kind == "promote":
        session.step("promote").evidence = {"commit": repo.head_sha(), "rc_tag": f"{tag}-rc.1",
                                            "branch": "main"}
    ctx.store.save(session)
    journal_finishes(ctx.store, tag, "made by the test")


async def asked(project: Path) -> str:
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_step(pilot, "post-release", object)
        await pilot.press("r")
        confirm = await until_confirm(pilot)
        question = text_of(confirm, "#question")
        shown = " ".join(" ".join(screen_lines(app)).split())
        assert " ".join(question.split()[-4:]) in shown, shown  # all of it, at 80x24
        await pilot.press("n")
    return question


async def test_a_promotion_asks_to_repoint_the_link_not_to_reopen(tmp_path: Path) -> None:
    project = pushed_quick_world(tmp_path)  # v1.3.0 tagged on its release commit
    reopen_unreleased(project)  # as the candidate's own post-release left it: from its rc tag
    path = project / "CHANGELOG.md"
    path.write_text(path.read_text().replace("compare/v1.3.0...HEAD", "compare/v1.3.0-rc.1...HEAD"))
    git(project, "commit", "-q", "-am", "Post-release v1.3.0-rc.1: reopen [Unreleased]")
    at_post_release(project, "promote", "1.3.0")
    assert await asked(project) == ("Make [Unreleased] in CHANGELOG.md compare from v1.3.0 "
                                    "instead of v1.3.0-rc.1 and commit it? Only its link changes: "
                                    "the candidate reopened the section.")


async def test_a_release_candidate_still_asks_to_reopen(tmp_path: Path) -> None:
    project = pushed_quick_world(tmp_path)  # [1.3.0] moved, no [Unreleased]: reopened here
    at_post_release(project, "rc", "1.3.0-rc.1")
    assert await asked(project) == "Reopen [Unreleased] in CHANGELOG.md and commit it?"


async def test_its_screen_says_which_key_and_which_command_push_the_commit(
        tmp_path: Path) -> None:
    """Walked at 80x24: the step's description ended "the summary then offers to push it (p, or
    `push --rest`)", a bare key beside half a command."""
    project = pushed_quick_world(tmp_path)
    at_post_release(project, "release", "1.3.0")
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(80, 24)) as pilot:
        step = await open_step(pilot, "post-release", object)
        said = " ".join(text_of(step, "#step-description").split())
        shown = " ".join(" ".join(screen_lines(app)).split())
    assert "The summary then offers to push it (p in the TUI, `release-console push --rest` on " \
        "the command line)." in said, said
    assert "(p in the TUI," in shown, shown
