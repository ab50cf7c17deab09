"""The draft, review and publish screens, driven with Pilot against the loopback GitHub."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from rich.markdown import Markdown as RichMarkdown
from textual.widgets import DataTable, Markdown, Static

from console.app import ReleaseConsoleApp
from console.wiring import Options
from screens.step import screen_for
from screens.steps.draft import DraftScreen
from screens.steps.publish import PublishScreen
from screens.steps.review import ASSET_COLUMNS, LONG_BODY, ReviewScreen
from services.step_protocol import Context
from tests.github_helpers import (
    REPO,
    Sandbox,
    complete_steps_before,
    prepare_release,
    run,
)
from tests.test_confirm_layout import screen_lines
from tests.tui_helpers import open_step, settle

Factory = Callable[..., Context]



def reviewed(make_ctx: Factory, repo_path: Path, sandbox: Sandbox) -> Context:
    """A release whose draft is uploaded and has passed review: publish is next."""
    ctx = prepare_release(make_ctx, repo_path, sandbox)
    complete_steps_before(ctx, "draft")
    run(ctx, "draft")
    run(ctx, "review")
    return ctx

def text_of(app: ReleaseConsoleApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_draft_screen_uploads_with_per_asset_progress(
        make_ctx: Factory, repo_path: Path, sandbox: Sandbox) -> None:
    ctx = prepare_release(make_ctx, repo_path, sandbox)
    complete_steps_before(ctx, "draft")
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(screen_for("draft"))
        await settle(pilot)
        assert isinstance(app.screen, DraftScreen)
        table = app.screen.query_one("#draft-assets", DataTable)
        assert table.row_count == 6
        await pilot.press("r")
        await settle(pilot)
        assert "done" in text_of(app, "#step-message")
        column = [str(table.get_cell(row, "progress")) for row in table.rows]
        assert set(column) == {"uploaded"}, column


async def test_review_screen_shows_marks_body_and_blockers(
        make_ctx: Factory, repo_path: Path, sandbox: Sandbox) -> None:
    ctx = prepare_release(make_ctx, repo_path, sandbox)
    complete_steps_before(ctx, "draft")
    run(ctx, "draft")
    rel = next(iter(sandbox.github().get_repo(REPO).get_releases()))
    next(a for a in rel.get_assets() if a.name.endswith("arm64.iso")).delete_asset()
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(120, 50)) as pilot:
        app.push_screen(screen_for("review"))
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        fields = text_of(app, "#review-fields")
        assert "✔ Title   PAI v0.2.0" in fields and "✔ Body    equals the notes" in fields
        table = app.screen.query_one("#review-assets", DataTable)
        marks = {str(table.get_row_at(i)[1]): str(table.get_row_at(i)[4])
                 for i in range(table.row_count)}
        assert marks["pai-v0.2.0-arm64.iso"] == "not attached"
        assert marks["pai-v0.2.0-amd64.iso"] == "matches (digest)"
        assert "Persistence unlock screen" in app.screen.query_one("#review-body", Markdown).source
        assert "pai-v0.2.0-arm64.iso is not attached" in text_of(app, "#review-problems")
        assert "Next: Repair the draft with `release-console redo draft" in text_of(
            app, "#review-problems")


async def test_publish_screen_lists_exactly_what_will_happen(
        make_ctx: Factory, repo_path: Path, sandbox: Sandbox) -> None:
    reviewed(make_ctx, repo_path, sandbox)
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(120, 50)) as pilot:
        app.push_screen(screen_for("publish"))
        await settle(pilot)
        assert isinstance(app.screen, PublishScreen)
        what = text_of(app, "#publish-what")
        assert "Publish 'PAI v0.2.0' (tag v0.2.0" in what
        assert what.count("pai-v0.2.0-") == 6
        assert "Make it the latest release." in what
        assert "cannot be undone" in what
    assert all(r["draft"] for r in sandbox.server.release_data(REPO))


async def test_publish_screen_says_what_it_will_do_once(
        make_ctx: Factory, repo_path: Path, sandbox: Sandbox) -> None:
    """Walked at 120x40: "Exactly what publishing will do: 1-4", then "What running it will
    do:" with the same summary again."""
    reviewed(make_ctx, repo_path, sandbox)
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(screen_for("publish"))
        await settle(pilot)
        shown = "\n".join(screen_lines(app))
        assert "Exactly what publishing will do:" in shown
        assert "What running it will do:" not in shown
        assert shown.count("Publish 'PAI v0.2.0'") == 1, shown


async def test_draft_screen_shows_a_retried_upload(
        make_ctx: Factory, repo_path: Path, sandbox: Sandbox) -> None:
    ctx = prepare_release(make_ctx, repo_path, sandbox)
    complete_steps_before(ctx, "draft")
    sandbox.server.faults.drop_mid_upload(nth=4, after_bytes=5_000)
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(screen_for("draft"))
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        shown = [n.message for n in app.messages]
        assert "retrying pai-v0.2.0-arm64.iso (attempt 2): the connection was lost" in shown


async def test_review_screen_marks_a_local_file_changed_after_checksumming(
        make_ctx: Factory, repo_path: Path, sandbox: Sandbox) -> None:
    ctx = prepare_release(make_ctx, repo_path, sandbox)
    complete_steps_before(ctx, "draft")
    run(ctx, "draft")
    iso = repo_path / "build" / "pai-v0.2.0-amd64.iso"
    iso.write_bytes(iso.read_bytes().replace(b"amd64", b"EVIL!", 1))
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(120, 50)) as pilot:
        app.push_screen(screen_for("review"))
        await settle(pilot)
        table = app.screen.query_one("#review-assets", DataTable)
        marks = {str(table.get_row_at(i)[1]): str(table.get_row_at(i)[4])
                 for i in range(table.row_count)}
        assert marks["pai-v0.2.0-amd64.iso"] == "LOCAL FILE CHANGED"
        problems = text_of(app, "#review-problems")
        assert "pai-v0.2.0-amd64.iso changed after it was checksummed" in problems
        assert "Next: Put back the exact file that was checksummed" in problems


async def test_a_long_body_is_reviewed_whole_and_not_rendered_again_after_the_run(
        make_ctx: Factory, repo_path: Path, sandbox: Sandbox) -> None:
    """Release Console's own first release has a 50 KB body: the Markdown widget (a widget per
    block) rendered it for seconds, twice, and moving on to publish sat at "Loading…"."""
    ctx = prepare_release(make_ctx, repo_path, sandbox)
    notes = ctx.store.directory("v0.2.0") / "notes.md"
    entries = "".join(f"- Change {i}: a captain-visible fix described in one long sentence "
                      f"for the release notes.\n" for i in range(400))
    notes.write_text(f"### Fixed\n\n{entries}\nThe last line of the notes.\n")
    assert len(notes.read_text()) > LONG_BODY
    complete_steps_before(ctx, "draft")
    run(ctx, "draft")
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        review = await open_step(pilot, "review", ReviewScreen)
        assert "✔ Body    equals the notes" in text_of(app, "#review-fields")
        whole = review.query_one("#review-body-long", Static)
        shown = whole.content
        assert whole.display and not review.query_one("#review-body", Markdown).display
        assert isinstance(shown, RichMarkdown) and shown.markup == notes.read_text()
        await pilot.press("r")
        await settle(pilot)
        assert "done" in text_of(app, "#step-message")
        assert whole.content is shown  # the same draft: not rendered a second time


async def test_a_long_error_is_read_whole_at_80x24(
        make_ctx: Factory, repo_path: Path, sandbox: Sandbox,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Found walking the clear-errors standard: the step screen's message line held 3 rows, so
    'No GitHub token ...' lost its last words ('needs a system keyring.') once its toast went."""
    ctx = prepare_release(make_ctx, repo_path, sandbox)
    complete_steps_before(ctx, "draft")
    monkeypatch.delenv("GITHUB_TOKEN")
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(screen_for("draft"))
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        app.clear_notifications()
        await pilot.pause()
        said = text_of(app, "#step-message")
        assert said.startswith("No GitHub token for 127.0.0.1:") and "\n" not in said
        rows = [row.strip() for row in screen_lines(app)]
        last = rows.index(next(r for r in rows if r.startswith("No GitHub token for")))
        shown = " ".join(rows[last:last + 6])
        assert said in shown, shown
        assert sandbox.server.requests == []


@pytest.mark.parametrize("keyring_kind", ["none", "file"])
async def test_no_token_tells_the_tui_what_to_set_and_what_to_press(
        make_ctx: Factory, repo_path: Path, sandbox: Sandbox,
        monkeypatch: pytest.MonkeyPatch, keyring_kind: str) -> None:
    """Found walking the clear-errors standard: the TUI said "run the command again", and there
    is no command in the TUI. It says what to set and the key that tries again."""
    import keyring

    from tests.github_helpers import FileKeyring

    ctx = prepare_release(make_ctx, repo_path, sandbox)
    complete_steps_before(ctx, "draft")
    monkeypatch.delenv("GITHUB_TOKEN")
    if keyring_kind == "file":  # the project's test keyring: one a `github login` could fill
        monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.github_helpers.FileKeyring")
        previous = keyring.get_keyring()
        keyring.set_keyring(FileKeyring())
    try:
        app = ReleaseConsoleApp(Options(repo=repo_path))
        async with app.run_test(size=(80, 24)) as pilot:
            app.push_screen(screen_for("draft"))
            await settle(pilot)
            await pilot.press("r")
            await settle(pilot)
            said = text_of(app, "#step-message")
    finally:
        if keyring_kind == "file":
            keyring.set_keyring(previous)
    from services.github import credentials

    host = credentials.host_of(credentials.api_url(ctx.policy.github_api_url))
    assert said == ({
        "none": f"No GitHub token for {host}, and this machine has no usable keyring to keep "
                "one. Quit with q, set GITHUB_TOKEN in the environment (for example from your "
                "password manager), start the console again, then press r on the step.",
        "file": f"No GitHub token for {host}. Store one with `release-console github login` in "
                "another terminal, then press r on the step again (a GITHUB_TOKEN set now "
                "reaches the console once it is restarted).",
    }[keyring_kind])
    assert sandbox.server.requests == []


async def test_the_publish_screen_before_the_review_names_no_empty_commit(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """Walked at 80x24: opened before the review, the publish screen said "Nothing yet: the draft
    has not passed review" and under it "Publish 'PAI v1.3.1' (v1.3.1, commit ) on ... with 0
    assets: ." The plan says it publishes once the draft has passed review, with what the
    review checks."""
    from services.session_lifecycle import ReleaseRequest, start_release

    start_release(make_ctx(), ReleaseRequest(version="0.2.0"))
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_step(pilot, "publish", PublishScreen)
        shown = " ".join(" ".join(screen_lines(app)).split())
        assert "commit )" not in shown and "0 assets" not in shown, shown
        plan = " ".join(text_of(app, "#step-plan").split())  # the rows above, unwrapped
        assert "once its draft has passed review, with the commit and the assets the review " \
            "checks." in plan, plan


async def test_a_numbered_line_of_the_publish_list_hangs_under_its_text_at_80x24(
        make_ctx: Factory, repo_path: Path, sandbox: Sandbox) -> None:
    """Walked at 80x24: "1. Review the draft again… stop if anything changed since the" went on
    with "review or is wrong." at the panel's left edge, under the number, as if a line of its
    own. It hangs under "Review"."""
    reviewed(make_ctx, repo_path, sandbox)
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(screen_for("publish"))
        await settle(pilot)
        rows = screen_lines(app)
        first = next(i for i, row in enumerate(rows) if "1. Review the draft again" in row)
        column = rows[first].index("1. Review") + len("1. ")
        after = rows[first + 1]
        assert "or is wrong." in after and after[column] != " ", rows[first:first + 2]
        assert not after[:column].strip(" │"), rows[first:first + 2]  # under the text


async def test_a_release_candidates_review_says_it_is_published_as_a_pre_release(
        make_ctx: Factory, repo_path: Path, sandbox: Sandbox) -> None:
    """Walked at 80x24: the release candidate's "Review the draft" screen never said that the
    release would be a pre-release; only the Publish screen did, after the review. The review
    screen says it under the draft's fields, before the review and after it (the plan below says
    it no second time), and `run review --dry-run` prints it with the plan; a stable release's
    review says nothing of the kind."""
    from tests.conftest import run_cli
    from tests.github_helpers import cli_env

    ctx = prepare_release(make_ctx, repo_path, sandbox, channel="rc")
    complete_steps_before(ctx, "draft")
    run(ctx, "draft")
    said = "It will be published as a pre-release (channel rc), not as latest."
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_step(pilot, "review", ReviewScreen)
        rows = screen_lines(app)
        assert any(row.strip() == said for row in rows), rows  # one row, under the draft's fields
        assert "pre-release" not in text_of(app, "#step-plan")  # said once, above it
        await pilot.press("r")  # the review runs and passes: the plan goes, the line stays
        await settle(pilot)
        assert "done" in text_of(app, "#step-message")
        assert said in text_of(app, "#review-fields")
    dry = run_cli("run", "review", "--dry-run", cwd=repo_path, env=cli_env())
    assert said in " ".join(dry.stdout.split()), dry.stdout
    run(ctx, "publish")  # published: "will be published" is past, and not said
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_step(pilot, "review", ReviewScreen)
        fields = text_of(app, "#review-fields")
        assert "State   published" in fields and "will be published" not in fields, fields


async def test_a_stable_releases_review_says_nothing_of_a_pre_release(
        make_ctx: Factory, repo_path: Path, sandbox: Sandbox) -> None:
    ctx = prepare_release(make_ctx, repo_path, sandbox)
    complete_steps_before(ctx, "draft")
    run(ctx, "draft")
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_step(pilot, "review", ReviewScreen)
        assert "pre-release" not in text_of(app, "#review-fields") + text_of(app, "#step-plan")


async def test_the_asset_tables_header_stands_over_its_columns_however_soon_it_is_drawn(
        make_ctx: Factory, repo_path: Path, sandbox: Sandbox) -> None:
    """Walked in a terminal, and caught once by the 80x24 review snapshot: the header read
    "asset  expected  attached  digest" squeezed above rows 30 columns wider. Drawn before the
    table had measured its new rows, it was kept in the table's line cache after they widened."""
    ctx = prepare_release(make_ctx, repo_path, sandbox)
    complete_steps_before(ctx, "draft")
    run(ctx, "draft")
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(100, 40)) as pilot:
        app.push_screen(screen_for("review"))
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        table = screen.query_one("#review-assets", DataTable)
        table.clear(columns=True)  # as before the first review was shown: its columns only
        table.add_columns(*ASSET_COLUMNS)
        await settle(pilot)
        screen.show_extra(screen.load_extra(app.make_context()))
        drawn_at_once = table.render_line(0).text  # drawn before the queue goes idle
        await settle(pilot)
        header, row = table.render_line(0).text, table.render_line(1).text
        assert drawn_at_once.rstrip() == header.rstrip()
        assert header.index("expected") == row.index("39.1 KiB") > row.index("pai-v0.2.0-")
        assert header.index("digest") == row.index("matches (digest)")
