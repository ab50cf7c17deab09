"""The migration step screen: template in the editor, save, then the step commits."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.widgets import Static, TextArea

from console.app import ReleaseConsoleApp
from console.wiring import Options
from screens.prompts import ConfirmScreen
from screens.step import screen_for
from screens.steps.migration import MigrationScreen
from services import engine
from services.session_lifecycle import ReleaseRequest, start_release
from services.step_protocol import Context
from tests.conftest import commit_file, git
from tests.tui_helpers import footer_entries, open_step, open_with_key, settle


def at_the_migration_step(repo_path: Path, make_ctx: Callable[..., Context], changelog: str,
                          migration_md: str, request: ReleaseRequest) -> ReleaseConsoleApp:
    """A release started with ``request``, pre-flight and changelog done: the app to open."""
    commit_file(repo_path, "CHANGELOG.md", changelog)
    commit_file(repo_path, "MIGRATION.md", migration_md)
    ctx = make_ctx()
    start_release(ctx, request)
    for step_id in ("preflight", "changelog"):
        engine.run_step(ctx, engine.find_step(ctx, step_id))
    return ReleaseConsoleApp(Options(repo=repo_path))


async def test_migration_editor_fills_saves_and_commits(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    app = at_the_migration_step(
        repo_path, make_ctx, "# Changelog\n\n## [Unreleased]\n### Removed\n- The old disk format.\n",
        "# Migration\r\n\r\nNotes per release.\r\n", ReleaseRequest(version="1.0.0"))
    async with app.run_test(size=(110, 50)) as pilot:
        await settle(pilot)
        app.push_screen(screen_for("migration"))
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MigrationScreen)
        status = str(screen.query_one("#migration-status", Static).render())
        blockers = str(screen.query_one("#step-blockers", Static).render())
        assert "MIGRATION.md has no section for v0.1.0 -> v1.0.0" in blockers
        assert "no section" not in status  # said once, where the remedy is
        editor = screen.query_one("#migration-editor", TextArea)
        assert editor.text.startswith("## v0.1.0 -> v1.0.0\n\n### Breaking changes\n")

        # saving the untouched template is refused: its TODOs never reach the guide
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert (repo_path / "MIGRATION.md").read_bytes() == b"# Migration\r\n\r\nNotes per release.\r\n"
        assert any("template is untouched" in str(n.message) for n in app.messages)

        # a MAJOR release may not say "No migration required." (m is refused with the reason)
        screen.query_one("#step-body").focus()
        await pilot.press("m")
        await settle(pilot)
        assert any("MAJOR release" in str(n.message) for n in app.messages)
        assert b"No migration" not in (repo_path / "MIGRATION.md").read_bytes()
        editor.focus()

        # a half-filled template is saved, and the check says what is left
        editor.load_text(editor.text.replace("TODO: the exact", "The exact"))
        await pilot.press("ctrl+s")
        await settle(pilot)
        blockers = str(screen.query_one("#step-blockers", Static).render())
        assert "still has TODO placeholders" in blockers

        editor.load_text(editor.text.replace("TODO: ", ""))
        await pilot.press("ctrl+s")
        await settle(pilot)
        status = str(screen.query_one("#migration-status", Static).render())
        assert "✔ MIGRATION.md has a section for v0.1.0 -> v1.0.0" in status

        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)  # a commit asks, showing what it does
        assert "Commit MIGRATION.md?" in app.screen.question
        assert "git commit" in app.screen.plan.render()
        await pilot.press("y")
        await settle(pilot)
        assert "done" in str(screen.query_one("#step-message", Static).render())
    data = (repo_path / "MIGRATION.md").read_bytes()
    assert data.startswith(b"# Migration\r\n\r\nNotes per release.\r\n\r\n## v0.1.0 -> v1.0.0\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"") and b"TODO" not in data
    assert git(repo_path, "log", "-1", "--format=%s").strip() == "Release v1.0.0: migration notes"


async def test_a_release_candidate_is_checked_against_its_final_version_on_screen(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    app = at_the_migration_step(
        repo_path, make_ctx, "# Changelog\n\n## [Unreleased]\n### Added\n- Dark mode.\n",
        "# Migration\n", ReleaseRequest(version="0.2.0", channel="rc"))
    async with app.run_test(size=(110, 50)) as pilot:
        await settle(pilot)
        app.push_screen(screen_for("migration"))
        await settle(pilot)
        screen = app.screen
        shown = (str(screen.query_one("#step-blockers", Static).render())
                 + str(screen.query_one("#migration-status", Static).render()))
        # the step, the screen and the template all speak of v0.2.0, the version promote tags
        assert shown.count("MIGRATION.md has no section for v0.1.0 -> v0.2.0") == 1, shown
        assert "rc.1" not in shown
        bar = str(app.screen_stack[0].query_one("#session-bar", Static).render())
        assert "v0.2.0-rc.1 · rc · " in bar and "rc · rc" not in bar  # channel and kind once
        assert screen.query_one("#migration-editor", TextArea).text.startswith(
            "## v0.1.0 -> v0.2.0\n")


async def test_a_section_typed_and_not_saved_is_not_dropped_without_asking(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """Found by a helper: typing in the editor, then Escape twice, threw the text away without a
    word; reopening showed the template again."""
    app = at_the_migration_step(
        repo_path, make_ctx, "# Changelog\n\n## [Unreleased]\n### Added\n- Maps.\n",
        "# Migration\n", ReleaseRequest(version="0.2.0"))
    async with app.run_test(size=(110, 50)) as pilot:
        screen = await open_step(pilot, "migration", MigrationScreen)
        editor = screen.query_one("#migration-editor", TextArea)
        editor.focus()
        editor.insert("Run `pai migrate` once.\n", (2, 0))
        typed = editor.text
        await pilot.press("escape")  # leaves the editor
        await pilot.press("n")  # would move on: refused while unsaved
        await settle(pilot)
        assert app.screen is screen
        assert any("not saved" in str(n.message) for n in app.messages)
        await pilot.press("escape")  # leaves the step: asks
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("enter")  # Enter is no: the text stays
        await settle(pilot)
        assert app.screen is screen and editor.text == typed and editor.has_focus
        await pilot.press("escape", "escape")
        await settle(pilot)
        await pilot.press("y")  # leave, dropping it, as asked
        await settle(pilot)
        assert app.screen is not screen


async def test_a_first_release_offers_no_section_to_save(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """Release Console's own first release: the screen said there was nothing to migrate from,
    yet showed a save button and ctrl+s, which answered "The section ... is empty"."""
    git(repo_path, "tag", "-d", "v0.1.0")
    guide = b"# Migration guide\n\n## (none) -> v0.1.0\n\nFirst release.\n"
    app = at_the_migration_step(
        repo_path, make_ctx, "# Changelog\n\n## [Unreleased]\n### Added\n- Everything.\n",
        guide.decode(), ReleaseRequest(version="0.1.0"))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_step(pilot, "migration", MigrationScreen)
        status = str(screen.query_one("#migration-status", Static).render())
        assert "This is the first release: there is nothing to migrate from." in status
        assert not screen.query_one("#migration-save").display
        assert not screen.query_one("#migration-editor").display
        assert "ctrl+s" not in screen.active_bindings and "m" not in screen.active_bindings
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not any("empty" in str(n.message) for n in app.messages)
        await pilot.press("r")
        await settle(pilot)
        assert make_ctx().require_session().steps["migration"].status == "done"
        assert (repo_path / "MIGRATION.md").read_bytes() == guide


async def test_under_a_confirmation_at_80x24_the_bottom_row_is_the_dialogs_keys_whole(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """Walked at 80x24: with the commit's confirmation open, the step's footer under it (with
    "Cancel step" while the step asks) was cut "m No migr". The dialog shows its own keys."""
    app = at_the_migration_step(
        repo_path, make_ctx, "# Changelog\n\n## [Unreleased]\n### Added\n- Resume.\n",
        "# Migration\n\nNotes.\n", ReleaseRequest(version="0.2.0"))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_step(pilot, "migration", MigrationScreen)
        screen.query_one("#step-body").focus()
        await pilot.press("m")  # "No migration required." saved; r commits it, asking first
        dialog = await open_with_key(pilot, "r", ConfirmScreen)
        keys = {k.key: (k.description, k.region) for k in footer_entries(dialog)}
        assert {key: words for key, (words, _) in keys.items()} == {"n": "No", "y": "Yes"}
        for _, region in keys.values():  # on the bottom row, over the step's, and whole
            assert region.y == 23 and region.right <= 80
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, MigrationScreen)


async def saved_and_said(repo_path: Path, old: str, new: str) -> str:
    """Open the migration screen, replace ``old`` by ``new`` in its editor, ctrl+s: the line
    under the step then."""
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(110, 50)) as pilot:
        screen = await open_step(pilot, "migration", MigrationScreen)
        editor = screen.query_one("#migration-editor", TextArea)
        editor.load_text(editor.text.replace(old, new))
        await pilot.press("ctrl+s")
        await settle(pilot)
        return str(screen.query_one("#step-message", Static).render())


async def test_a_saved_section_says_what_n_does_next(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """Walked: with pre-flight not done, the saved section's line said "n commits it (asks
    first)"; n opened pre-flight, which refused the tree the save had dirtied. The line says so
    and what to do; once migration is the step to do, n commits."""
    commit_file(repo_path, "CHANGELOG.md", "# Changelog\n\n## [Unreleased]\n### Removed\n- X.\n")
    commit_file(repo_path, "MIGRATION.md", "# Migration\n")
    ctx = make_ctx()
    start_release(ctx, ReleaseRequest(version="1.0.0"))
    said = await saved_and_said(repo_path, "TODO: ", "")
    assert "It is not committed: 'Pre-flight checks' comes first and refuses a dirty tree" \
        in said and "(git add MIGRATION.md && git commit)" in said
    assert "commits it (asks first)" not in said
    git(repo_path, "commit", "-q", "-am", "Migration notes, drafted early")  # as it says
    for step_id in ("preflight", "changelog"):
        engine.run_step(ctx, engine.find_step(ctx, step_id))
    assert "n or Enter commits it (asks first)" in await saved_and_said(repo_path, "Remove",
                                                                       "Drop")


async def test_a_saved_section_with_todo_lines_left_does_not_promise_the_commit(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """Walked at 80x24: a section saved with a TODO line still in it said "✔ Saved the section
    to MIGRATION.md. n commits it (asks first). Enter: next step." while the step was blocked on
    that TODO (the blocker had scrolled off); n then refused. The line now says what is left."""
    app = at_the_migration_step(
        repo_path, make_ctx, "# Changelog\n\n## [Unreleased]\n### Added\n- A model.\n",
        "# Migration\n", ReleaseRequest(version="0.2.0"))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_step(pilot, "migration", MigrationScreen)
        editor = screen.query_one("#migration-editor", TextArea)
        editor.load_text(editor.text.replace("TODO: the exact", "The exact"))
        await pilot.press("ctrl+s")
        await settle(pilot)
        said = str(screen.query_one("#step-message", Static).render())
        assert "Saved the section to MIGRATION.md" in said
        assert "still has TODO placeholders" in said and "Then ctrl+s saves it again." in said
        assert "commits it" not in said and "Enter: next step" not in said
        assert "TODO" in (repo_path / "MIGRATION.md").read_text()  # what was typed is kept


async def test_a_save_takes_back_the_refusal_of_the_save_before(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """Walked at 80x24: ctrl+s on the untouched template said "The template is untouched ...
    Nothing was written." in a toast; the captain filled in a line and saved, and that toast
    stood on beside the new save's words for seconds more."""
    app = at_the_migration_step(
        repo_path, make_ctx, "# Changelog\n\n## [Unreleased]\n### Added\n- A model.\n",
        "# Migration\n", ReleaseRequest(version="0.2.0"))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await open_step(pilot, "migration", MigrationScreen)
        await pilot.press("ctrl+s")
        await settle(pilot)
        toasts = [str(t.render()) for t in screen.query("Toast")]
        assert any("template is untouched" in t for t in toasts), toasts
        editor = screen.query_one("#migration-editor", TextArea)
        editor.load_text(editor.text.replace("TODO: ", ""))
        await pilot.press("ctrl+s")
        await settle(pilot)
        toasts = [str(t.render()) for t in screen.query("Toast")]
        assert not any("template is untouched" in t for t in toasts), toasts
        assert "✔ Saved the section to MIGRATION.md" in str(
            screen.query_one("#step-message", Static).render())


async def test_m_says_n_and_enter_both_commit_and_enter_asks_to(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """Walked at 80x24 (a hotfix): m said "✔ Saved the section to MIGRATION.md. n commits it
    (asks first).  Enter: next step.", as if Enter went on without the commit; Enter does what
    n does. The line says so once, and Enter asks to commit."""
    app = at_the_migration_step(
        repo_path, make_ctx, "# Changelog\n\n## [Unreleased]\n### Fixed\n- A hang.\n",
        "# Migration\n", ReleaseRequest(version="0.1.1"))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_step(pilot, "migration", MigrationScreen)
        screen.query_one("#step-body").focus()
        await pilot.press("m")
        await settle(pilot)
        said = str(screen.query_one("#step-message", Static).render())
        assert "✔ Saved the section to MIGRATION.md. n or Enter commits it (asks first)." \
            in said, said
        assert "Enter: next step" not in said
        await pilot.press("enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConfirmScreen)
        assert dialog.question == "Commit MIGRATION.md?"
        await pilot.press("n")
        await settle(pilot)
        assert "No migration required." in (repo_path / "MIGRATION.md").read_text()


async def test_in_the_editor_the_to_do_line_names_the_key_that_leaves_it(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """The line under the blocked step said "To do: …; then n runs it." while the editor had the
    focus, where n is typed into the section. There it names Esc first, which leaves the
    editor; out of it, n alone again."""
    app = at_the_migration_step(
        repo_path, make_ctx, "# Changelog\n\n## [Unreleased]\n### Added\n- Maps.\n",
        "# Migration\n", ReleaseRequest(version="0.2.0"))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_step(pilot, "migration", MigrationScreen)
        editor = screen.query_one("#migration-editor", TextArea)
        editor.focus()
        await settle(pilot)
        said = str(screen.query_one("#step-message", Static).render())
        assert said == ("To do: what the → line above says; then Esc leaves the editor, and n "
                        "runs it."), said
        template = editor.text
        await pilot.press("escape")  # as the line says: out of the editor, nothing typed
        await settle(pilot)
        assert not editor.has_focus and editor.text == template
        said = str(screen.query_one("#step-message", Static).render())
        assert said == "To do: what the → line above says; then n runs it.", said
