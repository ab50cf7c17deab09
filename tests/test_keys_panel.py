"""The Keys panel (the command palette's "Keys") closes with Escape, driven with Pilot."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import HelpPanel, KeyPanel

from console.app import ReleaseConsoleApp
from console.wiring import Options
from screens.home import HomeScreen
from screens.step import StepScreen
from services.session_lifecycle import ReleaseRequest, start_release
from services.step_protocol import Context
from tests.tui_helpers import settle


async def open_keys(pilot: Pilot[None]) -> None:
    """As a captain does: Ctrl+P, type "keys", Enter."""
    await pilot.press("ctrl+p")
    await settle(pilot)
    assert isinstance(pilot.app.screen, CommandPalette)
    await pilot.press(*"keys")
    await settle(pilot)
    await pilot.pause(0.3)  # the palette searches in the background; wait for its hit list
    await pilot.press("enter")
    await settle(pilot)
    assert pilot.app.screen.query(HelpPanel), "the Keys panel did not open"


async def test_escape_closes_the_keys_panel_and_does_nothing_else(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    start_release(make_ctx(), ReleaseRequest(version="0.2.0"))
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_keys(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert not app.screen.query(HelpPanel)

        await pilot.press("enter")  # open the highlighted step (pre-flight)
        await settle(pilot)
        assert isinstance(app.screen, StepScreen)
        await open_keys(pilot)
        await pilot.press("escape")  # closes the panel, not the step
        await settle(pilot)
        assert isinstance(app.screen, StepScreen) and not app.screen.query(HelpPanel)
        await pilot.press("escape")  # with the panel closed, Escape is Back again
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)


async def test_question_mark_opens_and_closes_the_keys_panel_outside_fields(
        repo_path: Path) -> None:
    """Walked as a new captain: ? and F1 did nothing on the checklist; the keys of a screen were
    only in the palette's "Keys". ? opens that panel and closes it again; in a field whose text
    may hold a "?" (the abandon dialog's reason) it is typed as any other character. A version never
    holds one: walked at 80x24, ? in the start dialog's version field (it has the focus there)
    typed "?" instead of listing the dialog's keys; there it opens the panel too."""
    from textual.widgets import Input

    from screens.start import StartScreen
    from tests.test_confirm_layout import screen_lines

    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert app.screen.query(HelpPanel), "? did not open the Keys panel"
        await pilot.press("question_mark")
        await settle(pilot)
        assert not app.screen.query(HelpPanel)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, StartScreen)
        field = app.screen.query_one("#version", Input)
        field.value = ""
        await pilot.press("1", "question_mark")
        await settle(pilot)
        assert field.value == "1" and app.screen.query(HelpPanel), "? was typed, not the keys"
        assert "Move cursor" in "\n".join(screen_lines(app))  # the field's keys, on screen
        # the dialog's own keys first: walked at 80x24, "esc Cancel" was under the version
        # field's fifteen editing keys, below the bottom edge
        panel = app.screen.query_one(KeyPanel)
        seen = [" ".join(line[panel.region.x:].split()) for line in screen_lines(app)]
        assert "esc Cancel" in seen[:4], seen
        await pilot.press("question_mark")
        await settle(pilot)
        assert field.value == "1" and not app.screen.query(HelpPanel)



async def test_question_mark_is_typed_in_a_field_whose_text_may_hold_one(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """A reason may ask a question: there ? is text, not the Keys panel."""
    from textual.widgets import Input

    from screens.abandon import AbandonScreen
    from tests.tui_helpers import open_with_key

    start_release(make_ctx(), ReleaseRequest(version="0.2.0"))
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        dialog = await open_with_key(pilot, "x", AbandonScreen)
        await pilot.press(*"why", "question_mark")
        await settle(pilot)
        assert dialog.query_one("#reason", Input).value == "why?"
        assert not app.screen.query(HelpPanel)

async def test_at_80x24_the_keys_panel_leaves_the_checklist_readable(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """Walked at 80x24: ? on the checklist squeezed the Step pane to four columns ("Pr",
    "e-", "fl…"). While the panel is open the pane steps aside; closed, it is back."""
    from textual.containers import VerticalScroll
    from textual.widgets import OptionList

    from tests.test_confirm_layout import screen_lines

    start_release(make_ctx(), ReleaseRequest(version="0.2.0"))
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        home = app.screen
        detail = home.query_one("#detail", VerticalScroll)
        await pilot.press("question_mark")
        await settle(pilot)
        assert home.query(HelpPanel)
        assert detail.size.width == 0 or not detail.display, detail.size
        assert home.query_one("#checklist", OptionList).size.width >= 40
        shown = "\n".join(screen_lines(app))
        assert "Pre-flight checks" in shown and "Pr\n" not in shown
        await pilot.press("question_mark")
        await settle(pilot)
        assert detail.display and detail.size.width > 20
        await open_keys(pilot)  # the palette's "Keys" makes the same room
        assert not detail.display
        await pilot.press("escape")
        await settle(pilot)
        assert detail.display


async def test_the_keys_panel_offers_space_back_only_where_there_is_a_control(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """Walked at 80x24: ? on the changelog step listed "space Back to the checklist" among its
    keys; that screen has no checklist (nor any field) and space did nothing. It is listed where
    there is one to go back to, pre-flight's, where it also ticks the checklist's item."""
    import io

    from rich.console import Console
    from textual.widgets import KeyPanel

    from screens.steps.changelog import ChangelogScreen
    from screens.steps.preflight import PreflightScreen
    from tests.test_changelog_screen import at_the_changelog_step
    from tests.tui_helpers import open_step

    at_the_changelog_step(repo_path, make_ctx)
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        seen = {}
        for step_id, kind in (("changelog", ChangelogScreen), ("preflight", PreflightScreen)):
            await open_step(pilot, step_id, kind)
            await pilot.press("?")
            await settle(pilot)
            table = app.screen.query_one(KeyPanel).query_one("BindingsTable").render()
            console = Console(width=40, record=True, file=io.StringIO())
            console.print(table)  # every row, also those below the bottom edge
            seen[step_id] = " ".join(console.export_text().split())
            await pilot.press("escape", "escape")
            await settle(pilot)
        assert "the checklist" not in seen["changelog"], seen["changelog"]
        assert "space Tick in the checklist" in seen["preflight"], seen["preflight"]


async def test_at_80x24_the_checklists_keys_panel_lists_its_own_keys_first(
        repo_path: Path) -> None:
    """Walked at 80x24: ? on the checklist listed the list's ten moving keys (Up, Down, Scroll
    Left, ..., Page Right) and Textual's, and "s Start", "i Import bundle…" came last, below the
    bottom edge; the README says the panel shows the screen's own keys first."""
    from tests.test_confirm_layout import screen_lines

    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        panel = app.screen.query_one(KeyPanel)
        seen = [" ".join(line[panel.region.x:].split()) for line in screen_lines(app)]
        assert "s Start" in seen[:3] and "i Import" in seen[:6], seen
        assert not any(line.endswith("Up") for line in seen[:6]), seen
        footer = screen_lines(app)[-1]
        assert footer.split()[:2] == ["s", "Start"]  # the footer's order is unchanged


async def test_at_80x24_the_summarys_keys_panel_lists_its_own_keys_first(
        repo_path: Path) -> None:
    """Walked at 80x24: ? on the end-of-release summary listed ten scrolling keys first; "p Push
    the rest…" was below the bottom edge."""
    from screens.summary import SummaryScreen
    from tests.test_confirm_layout import screen_lines

    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(SummaryScreen())
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        panel = app.screen.query_one(KeyPanel)
        seen = [" ".join(line[panel.region.x:].split()) for line in screen_lines(app)]
        # its own (Escape closes the panel meanwhile; p only with commits to push) come first
        assert "f5 Refresh" in seen[:3] and "↑ Scroll Up" not in seen[:6], seen


async def test_at_80x24_the_footer_keeps_every_key_whole_beside_the_keys_panel(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """Walked at 80x24: with the Keys panel open the footer had the two thirds beside it, so the
    migration step's read "esc Back  n Next  r Run  ^s Save sect" ("m No migration" and "q Quit"
    gone) and the checklist's lost "q Quit" after "i Impor". The footer keeps the bottom row."""
    from tests.test_confirm_layout import screen_lines
    from tests.tui_helpers import footer_entries, open_step

    start_release(make_ctx(), ReleaseRequest(version="0.2.0"))
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for step_id in ("", "migration", "smoke"):  # the checklist, then two steps' screens
            if step_id:
                await open_step(pilot, step_id, StepScreen)
            await pilot.press("f1")
            await settle(pilot)
            screen = app.screen
            panel = screen.query_one(KeyPanel).region
            bottom = screen_lines(app)[-1]
            for key in footer_entries(screen):
                words = f"{key.key_display} {key.description}"
                assert words in bottom, (step_id, words, bottom)
                assert not key.region.overlaps(panel), (step_id, words)
            await pilot.press("f1", "escape")
            await settle(pilot)
