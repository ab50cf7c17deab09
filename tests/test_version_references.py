"""Version references (``[[version_references]]``) are updated by the changelog step, in the
same commit as the CHANGELOG move, in a real git repository; a pattern that no longer matches is
refused before anything is written; a kill after the commit is adopted."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import Static

from console.app import ReleaseConsoleApp
from console.wiring import Options
from screens.prompts import ConfirmScreen
from screens.step import screen_for
from services import engine
from services.errors import BlockedError
from services.reconcile import Diverged
from services.session_lifecycle import ReleaseRequest, start_release
from services.step_protocol import Context
from services.steps import changelog as changelog_step
from tests.conftest import commit_file, git, run_cli
from tests.tui_helpers import settle

CHANGELOG = (
    "# Changelog\n\n## [Unreleased]\n\n### Added\n\n- Dark mode.\n\n"
    "## [0.1.0] — 2026-10-01\n\n### Added\n\n- First release.\n\n"
    "[Unreleased]: https://github.com/acme/app/compare/v0.1.0...main\n"
    "[0.1.0]: https://github.com/acme/app/releases/tag/v0.1.0\n"
)
POLICY = (
    '[[version_references]]\npath = "README.md"\npattern = "app-v{version}-"\n\n'
    '[[version_references]]\npath = "VERSION"\npattern = "version = {version}"\n'
)
README = ("# App\n\nDownload `app-v0.1.0-amd64.img` or `app-v0.1.0-arm64.img`.\n"
          "Upgrading from app-v0.0.9-? See MIGRATION.md.\n")
VERSION = "version = 0.1.0\n"
MakeCtx = Callable[..., Context]


def files_of_head(repo: Path) -> list[str]:
    return git(repo, "show", "--name-only", "--format=", "HEAD").split()


@pytest.fixture
def started(repo_path: Path, make_ctx: MakeCtx) -> Context:
    commit_file(repo_path, "release.toml", POLICY)
    commit_file(repo_path, "CHANGELOG.md", CHANGELOG)
    commit_file(repo_path, "VERSION", VERSION)
    commit_file(repo_path, "README.md", README, "README names the download")
    ctx = make_ctx()
    start_release(ctx, ReleaseRequest(version="0.2.0"))
    engine.run_step(ctx, engine.find_step(ctx, "preflight"))
    return ctx


def test_the_changelog_commit_updates_every_version_reference(started: Context,
                                                              repo_path: Path) -> None:
    step = engine.find_step(started, "changelog")
    plan = step.plan(started)
    diffs = {change.path: change.diff for change in plan.changes}
    assert list(diffs) == ["CHANGELOG.md", "README.md", "VERSION"]
    assert ("-Download `app-v0.1.0-amd64.img` or `app-v0.1.0-arm64.img`.\n"
            "+Download `app-v0.2.0-amd64.img` or `app-v0.2.0-arm64.img`.\n") in diffs["README.md"]
    assert "-version = 0.1.0\n+version = 0.2.0\n" in diffs["VERSION"]
    assert "Version reference: 'app-v0.1.0-' becomes 'app-v0.2.0-' in README.md, in the same " \
        "commit." in plan.notes
    assert plan.commands[0] == "git add CHANGELOG.md README.md VERSION"
    assert (repo_path / "README.md").read_text() == README  # planning wrote nothing

    evidence = engine.run_step(started, step)
    assert git(repo_path, "log", "-1", "--format=%s").strip() == "Release v0.2.0: changelog"
    assert files_of_head(repo_path) == ["CHANGELOG.md", "README.md", "VERSION"]
    assert (repo_path / "README.md").read_text() == README.replace("app-v0.1.0-", "app-v0.2.0-")
    assert "Upgrading from app-v0.0.9-?" in (repo_path / "README.md").read_text()  # history stays
    assert (repo_path / "VERSION").read_text() == "version = 0.2.0\n"
    assert git(repo_path, "status", "--porcelain") == ""
    assert evidence["references"] == ["README.md", "VERSION"]


def test_a_release_candidate_names_the_final_version_promote_will_tag(
        repo_path: Path, make_ctx: MakeCtx) -> None:
    commit_file(repo_path, "release.toml", POLICY)
    commit_file(repo_path, "CHANGELOG.md", CHANGELOG)
    commit_file(repo_path, "VERSION", VERSION)
    commit_file(repo_path, "README.md", README, "README names the download")
    ctx = make_ctx()
    start_release(ctx, ReleaseRequest(version="0.2.0", channel="rc"))
    assert ctx.require_session().tag == "v0.2.0-rc.1"
    for step_id in ("preflight", "changelog"):
        engine.run_step(ctx, engine.find_step(ctx, step_id))
    # the rc's commit is the one `promote` tags v0.2.0: its files must already say 0.2.0
    assert (repo_path / "VERSION").read_text() == "version = 0.2.0\n"
    assert "app-v0.2.0-amd64.img" in (repo_path / "README.md").read_text()
    assert files_of_head(repo_path) == ["CHANGELOG.md", "README.md", "VERSION"]


def test_a_file_naming_the_candidate_gets_the_final_version(
        repo_path: Path, make_ctx: MakeCtx) -> None:
    commit_file(repo_path, "release.toml", POLICY)
    commit_file(repo_path, "CHANGELOG.md", CHANGELOG)
    commit_file(repo_path, "VERSION", "version = 0.2.0-rc.1\n")
    commit_file(repo_path, "README.md", README.replace("app-v0.1.0-", "app-v0.2.0-rc.1-"))
    git(repo_path, "tag", "v0.2.0-rc.1")
    ctx = make_ctx()
    start_release(ctx, ReleaseRequest(version="0.2.0"))
    for step_id in ("preflight", "changelog"):
        engine.run_step(ctx, engine.find_step(ctx, step_id))
    # "version = 0.2.0" is inside "version = 0.2.0-rc.1": that is the rc's mention, replaced
    assert (repo_path / "VERSION").read_text() == "version = 0.2.0\n"
    assert "app-v0.2.0-amd64.img" in (repo_path / "README.md").read_text()
    assert "rc.1" not in (repo_path / "README.md").read_text()


def test_the_cli_dry_run_shows_the_version_files_and_writes_nothing(started: Context,
                                                                     repo_path: Path) -> None:
    shown = run_cli("run", "changelog", "--dry-run", cwd=repo_path)
    assert shown.returncode == 0, shown.stderr
    assert "File README.md:" in shown.stdout and "+version = 0.2.0" in shown.stdout
    assert (repo_path / "VERSION").read_text() == VERSION
    done = run_cli("run", "changelog", cwd=repo_path)
    assert done.returncode == 0, done.stderr
    assert files_of_head(repo_path) == ["CHANGELOG.md", "README.md", "VERSION"]


def test_a_reference_already_updated_by_hand_is_left_alone(repo_path: Path,
                                                           make_ctx: MakeCtx) -> None:
    commit_file(repo_path, "release.toml", POLICY)
    commit_file(repo_path, "CHANGELOG.md", CHANGELOG)
    commit_file(repo_path, "VERSION", "version = 0.2.0\n")
    commit_file(repo_path, "README.md", README)
    ctx = make_ctx()
    start_release(ctx, ReleaseRequest(version="0.2.0"))
    engine.run_step(ctx, engine.find_step(ctx, "preflight"))
    engine.run_step(ctx, engine.find_step(ctx, "changelog"))
    assert files_of_head(repo_path) == ["CHANGELOG.md", "README.md"]


def test_a_pattern_that_no_longer_matches_is_refused_before_anything_is_written(
        started: Context, repo_path: Path) -> None:
    reworded = "# App\n\nDownload the image for your machine from the releases page.\n"
    commit_file(repo_path, "README.md", reworded, "README without file names")
    head = git(repo_path, "rev-parse", "HEAD")
    sentence = ("README.md no longer matches the version reference pattern 'app-v{version}-' in "
                "release.toml: it mentions neither 'app-v0.2.0-' nor the last release's "
                "'app-v0.1.0-'.")
    step = engine.find_step(started, "changelog")
    assert step.check(started)[0].reason == sentence
    assert "Cannot move the changelog" in step.plan(started).summary
    with pytest.raises(BlockedError):
        engine.run_step(started, step)

    refused = run_cli("run", "changelog", cwd=repo_path)
    assert refused.returncode != 0
    assert sentence in refused.stderr and "Traceback" not in refused.stderr
    assert git(repo_path, "rev-parse", "HEAD") == head
    assert git(repo_path, "status", "--porcelain") == ""  # CHANGELOG.md, VERSION unchanged
    assert (repo_path / "CHANGELOG.md").read_text() == CHANGELOG
    # pre-flight says the same, early
    preflight = engine.find_step(started, "preflight").check(started)
    assert sentence in [blocker.reason for blocker in preflight]


def test_killed_after_the_commit_the_commit_with_the_version_files_is_adopted(
        started: Context, repo_path: Path) -> None:
    changelog_step.STEP.run(started)  # committed; the session never heard of it
    count = git(repo_path, "rev-list", "--count", "HEAD")
    evidence = engine.run_step(started, engine.find_step(started, "changelog"))
    assert evidence["adopted"] is True
    assert evidence["references"] == ["README.md", "VERSION"]
    assert evidence["commit"] == git(repo_path, "rev-parse", "HEAD").strip()
    assert git(repo_path, "rev-list", "--count", "HEAD") == count


def test_killed_between_the_writes_the_rerun_finishes_and_commits_once(
        started: Context, repo_path: Path) -> None:
    (repo_path / "README.md").write_text(README.replace("app-v0.1.0-", "app-v0.2.0-"))
    step = engine.find_step(started, "changelog")
    assert step.check(started) == []
    assert "only the commit is left" in step.plan(started).summary
    engine.run_step(started, step)
    assert files_of_head(repo_path) == ["CHANGELOG.md", "README.md", "VERSION"]
    assert "## [0.2.0] — 2026-11-21" in (repo_path / "CHANGELOG.md").read_text()
    assert git(repo_path, "status", "--porcelain") == ""


def test_a_version_file_edited_by_hand_in_the_commit_is_not_adopted(
        started: Context, repo_path: Path) -> None:
    changelog_step.STEP.run(started)
    (repo_path / "VERSION").write_text("version = 0.2.0 # by hand\n")
    git(repo_path, "commit", "-q", "--amend", "--no-edit", "-a")
    with pytest.raises(Diverged, match="not the edit this step would make of VERSION"):
        changelog_step.STEP.reconcile(started)


def test_an_unrelated_edit_to_a_version_file_blocks(started: Context, repo_path: Path) -> None:
    (repo_path / "VERSION").write_text("version = 0.1.0\nnote\n")
    blockers = engine.find_step(started, "changelog").check(started)
    assert blockers[0].reason == "VERSION has uncommitted changes."


async def test_the_tui_shows_the_version_files_in_the_diff_and_the_question(
        started: Context, repo_path: Path) -> None:
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(110, 60)) as pilot:
        await settle(pilot)
        app.push_screen(screen_for("changelog"))
        await settle(pilot)
        plan = str(app.screen.query_one("#step-plan", Static).render())
        assert "+Download `app-v0.2.0-amd64.img`" in plan and "+version = 0.2.0" in plan
        await pilot.press("r")
        for _ in range(200):
            await pilot.pause(0.02)
            if isinstance(app.screen, ConfirmScreen):
                break
        dialog = app.screen
        assert isinstance(dialog, ConfirmScreen)
        assert "Write this change to CHANGELOG.md and README.md and VERSION" in dialog.question
        assert "File VERSION:" in dialog.plan.render()
        await pilot.press("y")
        await settle(pilot)
    assert files_of_head(repo_path) == ["CHANGELOG.md", "README.md", "VERSION"]
