"""What "last" means when no release is in progress: the release started last, the same in
`status` and the TUI header. Walked by hand: after yanking v1.3.0, `status` called the yanked
release "the last session" while the header said "last: v1.3.1 released"."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from console.app import ReleaseConsoleApp
from console.wiring import Options
from services import engine
from services.completion import finish_if_complete, last_words
from services.header_words import fit, shorter
from services.policy import load_policy
from services.repo import Repository
from services.session import Session, SessionStore
from services.session_lifecycle import open_session
from services.step_protocol import Context, NonInteractive
from services.step_status import StepStatus
from services.yank import YankRequest, yank_release
from tests.conftest import FIXED_NOW, flat, run_cli
from tests.github_helpers import Sandbox, cli_env, yank_project
from tests.tui_helpers import settle, text_of

BOTH = "v0.2.1 released; last changed: v0.2.0 released, then yanked"


def ctx_at(project: Path, minutes: int, *, assume_yes: bool = False) -> Context:
    """A context whose clock reads ``minutes`` after the fixed time: the releases happen in turn."""
    repo = Repository(project)
    store = SessionStore(repo.root)
    ctx = Context(policy=load_policy(project / "release.toml"), repo=repo, store=store,
                  clock=lambda: FIXED_NOW + timedelta(minutes=minutes),
                  prompter=NonInteractive(assume_yes=assume_yes))
    ctx.session = store.active()
    return ctx


def released(project: Path, version: str, minutes: int, kind: str = "release") -> None:
    """``version`` released with this console at ``minutes``: every step journaled done."""
    ctx = ctx_at(project, minutes)
    open_session(ctx, Session(version=version, tag=f"v{version}", kind=kind,
                              created_at=ctx.now_iso(), base_commit=ctx.repo.head_sha(),
                              branch=ctx.repo.branch()),
                 inputs={"version": version, "tag": f"v{version}", "kind": kind})
    for step in engine.flow(ctx, kind):
        def done(session: Session, step_id: str = step.id) -> None:
            session.step(step_id).status = StepStatus.DONE

        ctx.record(step.id, "done", update=done)
    assert finish_if_complete(ctx)


async def test_after_yanking_an_older_release_status_and_header_name_the_same_last(
        repo_path: Path, sandbox: Sandbox) -> None:
    project = yank_project(repo_path, sandbox, published_body="## [0.2.0]\n\n- Unlock.\n")
    released(project, "0.2.0", 1)
    released(project, "0.2.1", 2)
    yank_release(ctx_at(project, 3, assume_yes=True),
                 YankRequest("0.2.0", "Unlock corrupts data", "0.2.1"))

    status = run_cli("status", cwd=project, env=cli_env())
    assert status.returncode == 0, status.stderr
    assert f"No release in progress; the last session: {BOTH}." in flat(status.stdout)

    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(160, 24)) as pilot:
        await settle(pilot)
        assert f"no release in progress · main · online · last: {BOTH}" in \
            text_of(app.screen, "#session-bar")


async def test_at_80_columns_the_header_shortens_the_last_release_instead_of_cutting_it(
        repo_path: Path, sandbox: Sandbox) -> None:
    """Walked at 80x24: the header read "… online · last: v1.3.1 released; last", cut mid-way;
    `status` keeps the whole line."""
    project = yank_project(repo_path, sandbox, published_body="## [0.2.0]\n\n- Unlock.\n")
    released(project, "0.2.0", 1)
    released(project, "0.2.1", 2)
    yank_release(ctx_at(project, 3, assume_yes=True),
                 YankRequest("0.2.0", "Unlock corrupts data", "0.2.1"))
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        bar = text_of(app.screen, "#session-bar").strip()
        assert "no release in progress · main · online · last: v0.2.1 released" in bar
        assert "; last" not in bar and len(bar) <= 78
        await pilot.resize_terminal(160, 24)  # room again: the whole words come back
        await settle(pilot)
        assert f"last: {BOTH}" in text_of(app.screen, "#session-bar")


async def test_at_80_columns_a_published_candidate_reads_whole(repo_path: Path,
                                                                sandbox: Sandbox) -> None:
    """Walked at 80x24: "last: v1.3.0-rc.1 published as…" was cut for a release candidate."""
    project = yank_project(repo_path, sandbox)
    released(project, "0.3.0-rc.1", 1, kind="rc")
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        bar = text_of(app.screen, "#session-bar").strip()
        assert bar.endswith("· online · last: v0.3.0-rc.1 published") and len(bar) <= 78
    status = run_cli("status", cwd=project, env=cli_env()).stdout
    assert "the last session: v0.3.0-rc.1 published as a pre-release." in flat(status)


def test_the_header_drops_detail_before_it_is_cut() -> None:
    whole = f"PAI · no release in progress · main · online · last: {BOTH}"
    assert fit(whole, 200) == whole
    assert fit(whole, 100) == ("PAI · no release in progress · main · online · last: v0.2.1 "
                               "released (v0.2.0 yanked since)")
    assert fit(whole, 78) == "PAI · no release in progress · main · online · last: v0.2.1 released"
    assert fit(whole, 50) == "PAI · no release in progress · main · online"
    assert shorter("v1.3.0-rc.1 published as a pre-release, then yanked") == "v1.3.0-rc.1 yanked"


def test_without_a_later_change_only_the_last_release_is_named(repo_path: Path,
                                                               sandbox: Sandbox) -> None:
    project = yank_project(repo_path, sandbox)
    released(project, "0.2.0", 1)
    released(project, "0.2.1", 2)
    status = run_cli("status", cwd=project, env=cli_env()).stdout
    assert "No release in progress; the last session: v0.2.1 released.\n" in status


def test_a_yank_of_a_release_made_elsewhere_is_named_as_changed_not_as_the_last_release() -> None:
    """A yank of a release this console did not make starts a yank's own session: it is the
    latest change, not the last release; alone, it is what there is to name."""
    release = Session(version="0.2.1", tag="v0.2.1", kind="release", state="completed",
                      created_at="2026-11-21T12:01:00Z", updated_at="2026-11-21T12:02:00Z")
    yank = Session(version="0.1.0", tag="v0.1.0", kind="yank", state="completed",
                   created_at="2026-11-21T12:03:00Z", updated_at="2026-11-21T12:04:00Z")
    assert last_words([release, yank]) == "v0.2.1 released; last changed: v0.1.0 yanked"
    assert last_words([yank]) == "v0.1.0 yanked"
    assert last_words([]) == ""
