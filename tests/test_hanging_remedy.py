"""A blocker or remedy that wraps at 80x24 hangs under its own text, past its bullet or arrow.

Walked by hand: at 80 columns the checklist's detail panel and a step screen's blockers wrapped
"→ Test it on real hardware, then record the amd64 sign-off in the form below." to the panel's
left edge, under the arrow and the bullets, so its second row read like a line of its own."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.widgets import OptionList

from console.app import ReleaseConsoleApp
from console.wiring import Options
from screens.step import StepScreen
from screens.steps.smoke import SmokeScreen
from services.session_lifecycle import ReleaseRequest, start_release
from services.step_protocol import Context
from tests.github_helpers import complete_steps_before
from tests.signing_keys import write_policy
from tests.test_confirm_layout import screen_lines
from tests.test_smoke_screen import released  # noqa: F401 - the fixture
from tests.tui_helpers import open_step, settle, text_of

REMEDY = "→ Test it on real hardware,"


def hangs_under_its_text(rows: list[str], start: str) -> list[str]:
    """The rows of the entry that begins with ``start``: each row after the first starts
    right under the text after the mark (two cells on: the mark and its space)."""
    first = next(i for i, row in enumerate(rows) if start in row)
    column = rows[first].index(start) + 2
    entry = [rows[first]]
    for row in rows[first + 1:]:
        if row[column - 2:column] != "  " or row[column:column + 1] in ("", " "):
            break
        entry.append(row)
    return [row[column - 2:].rstrip(" │▁▂▃▄▅▆▇█") for row in entry]  # no border, no scrollbar


async def test_a_wrapped_remedy_hangs_under_its_text_on_the_checklist_and_the_screen(
        repo_path: Path, make_ctx: Callable[..., Context], released: None) -> None:  # noqa: F811
    complete_steps_before(make_ctx(), "smoke")
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        checklist = app.screen.query_one("#checklist", OptionList)
        ids = [checklist.get_option_at_index(i).id for i in range(checklist.option_count)]
        checklist.highlighted = ids.index("smoke")
        await settle(pilot)
        entry = hangs_under_its_text(screen_lines(app), REMEDY)
        assert len(entry) > 1, entry  # the panel is narrow: the remedy wraps, under itself
        assert " ".join(r.strip() for r in entry).startswith(
            "→ Test it on real hardware, then record the amd64 sign-off in the form on its "
            "screen.")  # the form is not below the checklist's pane (test_home_detail_pane.py)

        # The smoke screen itself says the open sign-offs in one bullet, its remedy in one row
        # (the form has to fit under the title at 80x24: tests/test_smoke_at_80x24.py).
        screen = await open_step(pilot, "smoke", SmokeScreen)
        screen.query_one("#step-body").scroll_home(animate=False)
        await settle(pilot)
        assert hangs_under_its_text(screen_lines(app), "→ Test each on real hardware,") == [
            "→ Test each on real hardware, then record its sign-off in the form below."]
        assert "• No smoke sign-off yet for amd64 and arm64.\n  → Test each on real hardware" \
            in text_of(screen, "#step-blockers")


async def test_a_wrapped_command_in_the_plan_hangs_under_itself(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """Walked at 80x24 on the signed tag step: a long ``git tag`` command under "Commands:"
    wrapped to the panel's edge, where its tail read like a command of its own."""
    write_policy(repo_path, '[signing]\nbackend = "none"\ntag_format = "none"\ntag_message = '
                 '"{project} {tag}, the long-term support release for every device in the fleet"\n')
    ctx = make_ctx()
    start_release(ctx, ReleaseRequest(version="0.2.0"))
    complete_steps_before(ctx, "tag")
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_step(pilot, "tag", StepScreen)
        screen.query_one("#step-plan").scroll_visible(animate=False)
        await settle(pilot)
        entry = hangs_under_its_text(screen_lines(app), "$ git tag")
        assert len(entry) > 1, entry  # it wraps, each row under the command
        assert " ".join(r.strip() for r in entry).startswith(
            "$ git tag -a -m 'PAI v0.2.0, the long-term support release for every device in the")
        assert "  $ git tag -a -m 'PAI v0.2.0, the long-term" in text_of(screen, "#step-plan")
