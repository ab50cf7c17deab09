"""Snapshots at 80x24, the smallest terminal a captain may have: nothing cut, nothing missing.

Time is frozen (the app's contexts use the tests' fixed clock, so dates in diffs never move) and
no cursor blinks. Update with ``pytest --snapshot-update`` after a deliberate change, and look at
the pictures in the report before accepting them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Markdown, TextArea

from console.app import ReleaseConsoleApp
from console.sandbox import start_sandbox
from console.sandbox.validation import OpenAPIValidator
from console.wiring import Options
from screens.prompts import ConfirmScreen
from screens.step import screen_for
from screens.summary import SummaryScreen
from services import engine
from services.completion import finish_if_complete
from services.flows import runbook
from services.session import Session
from services.session_lifecycle import ReleaseRequest, start_release
from services.step_protocol import Context
from services.step_status import StepStatus
from tests.conftest import FIXED_NOW, commit_file, git
from tests.github_helpers import (
    CANARY,
    REPO,
    Sandbox,
    complete_steps_before,
    prepare_release,
    run,
)
from tests.journal_helpers import record_finished
from tests.signing_keys import build_artifacts, write_policy
from tests.tui_helpers import settle, text_of

SIZE = (80, 24)
CHANGELOG = ("# Changelog\n\n## [Unreleased]\n\n### Added\n\n- Dark mode.\n\n"
             "## [0.1.0] - 2026-01-01\n\n### Added\n\n- First release.\n")


class FrozenApp(ReleaseConsoleApp):
    """The real app, with the tests' fixed clock in every context it builds."""

    def make_context(self) -> Context:
        ctx = super().make_context()
        ctx.clock = lambda: FIXED_NOW
        return ctx


def still(pilot: Pilot[Any]) -> None:
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
    for area in pilot.app.screen.query(TextArea):
        area.cursor_blink = False


def opening(step_id: str) -> Callable[[Pilot[Any]], Any]:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        pilot.app.push_screen(screen_for(step_id))
        await settle(pilot)
        still(pilot)
        await pilot.pause()

    return run_before


def test_home_at_80x24(repo_path: Path, make_ctx: Callable[..., Context],
                       snap_compare: Callable[..., bool]) -> None:
    start_release(make_ctx(), ReleaseRequest(version="0.2.0"))
    assert snap_compare(FrozenApp(Options(repo=repo_path)), terminal_size=SIZE,
                        run_before=settle)


def test_changelog_diff_and_its_confirmation_at_80x24(
        repo_path: Path, make_ctx: Callable[..., Context],
        snap_compare: Callable[..., bool]) -> None:
    commit_file(repo_path, "CHANGELOG.md", CHANGELOG)
    ctx = make_ctx()
    start_release(ctx, ReleaseRequest(version="0.2.0"))
    engine.run_step(ctx, engine.find_step(ctx, "preflight"))
    app = FrozenApp(Options(repo=repo_path))
    assert snap_compare(app, terminal_size=SIZE, run_before=opening("changelog"))

    async def confirm(pilot: Pilot[Any]) -> None:
        await opening("changelog")(pilot)
        await pilot.press("n")  # it asks before writing: the diff, the commit, y/n/Enter
        await settle(pilot)

    assert snap_compare(FrozenApp(Options(repo=repo_path)), terminal_size=SIZE,
                        run_before=confirm)


def test_smoke_sign_off_at_80x24(repo_path: Path, make_ctx: Callable[..., Context],
                                 snap_compare: Callable[..., bool]) -> None:
    write_policy(repo_path, '[signing]\nbackend = "none"\ntag_format = "none"\n')
    start_release(make_ctx(), ReleaseRequest(version="0.2.0"))
    build_artifacts(repo_path)
    assert snap_compare(FrozenApp(Options(repo=repo_path)), terminal_size=SIZE,
                        run_before=opening("smoke"))


@pytest.fixture
def frozen_git(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commit and tag dates fixed, so commit ids (shown on the GitHub screens) never move.

    Requested before ``repo_path``, so even its first commit is made with these dates."""
    for name in ("GIT_AUTHOR_DATE", "GIT_COMMITTER_DATE"):
        monkeypatch.setenv(name, "2026-11-21T12:00:00+00:00")


SNAPSHOT_WEB = "http://sandbox.invalid"  # the drafts' html_url on the screen, whatever the port


@pytest.fixture
def snapshot_sandbox(tmp_path_factory: pytest.TempPathFactory,
                     monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    """The loopback GitHub on a free port, kept out of the pictures: its web links (a draft's
    html_url, on the screen) start with ``SNAPSHOT_WEB``, and the console finds its API through
    GITHUB_API_URL, not release.toml, whose text is in the commit ids shown. (It was on a fixed
    port, 18765: two runs on one machine took turns, and another program on it failed them.)"""
    import services.github.client as client_module

    monkeypatch.setattr(client_module, "BACKOFF_SECONDS", (0.0, 0.0, 0.0))
    monkeypatch.setenv("GITHUB_TOKEN", CANARY)
    validator = OpenAPIValidator()
    server = start_sandbox(tmp_path_factory.mktemp("sandbox-state"), CANARY, repository=REPO,
                           validator=validator, web_root=SNAPSHOT_WEB)
    monkeypatch.setenv("GITHUB_API_URL", server.api_url)
    try:
        yield Sandbox(server, validator, tmp_path_factory.mktemp("unused"))
    finally:
        server.stop()
    assert validator.errors == [], "\n".join(validator.errors)


def ready_to_review(make_ctx: Callable[..., Context], repo_path: Path,
                    sandbox: Sandbox) -> Context:
    ctx = prepare_release(make_ctx, repo_path, sandbox, api_url="")  # the port: not committed
    complete_steps_before(ctx, "draft")
    run(ctx, "draft")
    return ctx


def test_draft_review_at_80x24(frozen_git: None, repo_path: Path,
                               make_ctx: Callable[..., Context], snapshot_sandbox: Sandbox,
                               snap_compare: Callable[..., bool]) -> None:
    ready_to_review(make_ctx, repo_path, snapshot_sandbox)

    async def reviewed(pilot: Pilot[Any]) -> None:
        await opening("review")(pilot)
        body = pilot.app.screen.query_one("#review-body", Markdown)
        for _ in range(500):  # the body renders after the review loads: its height sets the
            if body.children:  # scrollbar, so the picture waits for it, not for a clock
                break
            await pilot.pause(0.01)
        await settle(pilot)

    assert snap_compare(FrozenApp(Options(repo=repo_path)), terminal_size=SIZE,
                        run_before=reviewed)


def test_publish_confirmation_at_80x24(frozen_git: None, repo_path: Path,
                                       make_ctx: Callable[..., Context], snapshot_sandbox: Sandbox,
                                       snap_compare: Callable[..., bool]) -> None:
    ctx = ready_to_review(make_ctx, repo_path, snapshot_sandbox)
    run(ctx, "review")

    async def confirm(pilot: Pilot[Any]) -> None:
        await opening("publish")(pilot)
        await pilot.press("n")  # irreversible: it asks first, saying exactly what will happen
        await settle(pilot)
        assert isinstance(pilot.app.screen, ConfirmScreen)

    assert snap_compare(FrozenApp(Options(repo=repo_path)), terminal_size=SIZE,
                        run_before=confirm)


def finished_release(s: Session) -> None:
    """Evidence as a whole release leaves it (the steps' own tests make it for real)."""
    for step in runbook(s.kind):
        record = s.step(step.id)
        record.status = StepStatus.DONE
        record.finished_at = "2026-11-21T12:42:07+00:00"
    s.step("sign").evidence = {"backend": "minisign", "pinned_key": "minisign.pub", "signatures": [
        {"artifact": f"app-v0.2.0-{arch}.img", "sha256": digest * 64, "size": 4096}
        for arch, digest in (("amd64", "a"), ("arm64", "b"))]}
    s.step("tag").evidence = {"object": "3f2a9c41d07e5b6a8c9d0e1f2a3b4c5d6e7f8091",
                              "commit": "8e5d2b7a9c0f1e3d4b6a8c9e0f1a2b3c4d5e6f70",
                              "signing": "openpgp"}
    s.step("publish").evidence = {
        "html_url": "https://github.com/acme/app/releases/tag/v0.2.0"}


def test_end_of_release_summary_at_80x24(frozen_git: None, repo_path: Path,
                                         make_ctx: Callable[..., Context],
                                         snap_compare: Callable[..., bool]) -> None:
    bare = repo_path.parent / "origin.git"
    git(repo_path, "init", "-q", "--bare", str(bare))
    git(repo_path, "remote", "add", "origin", str(bare))
    git(repo_path, "push", "-q", "origin", "main")
    commit_file(repo_path, "CHANGELOG.md", CHANGELOG, "Post-release v0.2.0: reopen [Unreleased]")
    ctx = make_ctx()
    start_release(ctx, ReleaseRequest(version="0.2.0"))
    record_finished(ctx, "a whole release", finished_release)
    assert finish_if_complete(ctx)

    async def summary(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        pilot.app.push_screen(SummaryScreen())
        await settle(pilot)
        assert "Still to do: push the 1 commit left" in text_of(pilot.app.screen, "#summary")

    assert snap_compare(FrozenApp(Options(repo=repo_path)), terminal_size=SIZE,
                        run_before=summary)
