"""The smoke sign-off at 80x24 with three and four architectures, as a captain walked it.

The screen opened at its title with the form below the bottom edge: every open architecture
took a bullet and a two-row remedy, the framed fields three rows each. Typing the hardware (the
field had the focus, out of sight) and Enter to the checks then centred the checks, and the
title and the form's own architecture scrolled off: the captain ticked checks without seeing
which architecture they were signing off. Each test reads the terminal's rows as drawn.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Select

from console.app import ReleaseConsoleApp
from console.wiring import Options
from screens.steps.smoke import SmokeScreen
from screens.widgets import StepBody
from services.session_lifecycle import ReleaseRequest, start_release
from services.step_protocol import Context
from services.steps import registry
from tests.github_helpers import complete_steps_before
from tests.signing_keys import write_policy
from tests.test_confirm_layout import screen_lines
from tests.tui_helpers import open_with_key, settle

ARCHES = ("amd64", "arm64", "riscv64", "ppc64le")
TITLE = "Hardware smoke test"


def policy_for(arches: tuple[str, ...]) -> str:
    files = "".join(f'[[artifacts.files]]\narch = "{a}"\nname = "pai-{{tag}}-{a}.iso"\n'
                    for a in arches)
    listed = ", ".join(f'"{a}"' for a in arches)
    return ('[project]\nname = "PAI"\n[artifacts]\ndir = "build"\n' + files
            + f'[smoke]\narchitectures = [{listed}]\n'
            'checks = ["boots", "connects to network", "runs Ollama", "unlocks persistence"]\n'
            '[signing]\nbackend = "none"\ntag_format = "none"\n')


def release_with(repo: Path, make_ctx: Callable[..., Context], arches: tuple[str, ...]) -> None:
    """0.2.0 started with an image per architecture built, smoke the step to do now."""
    write_policy(repo, "", base=policy_for(arches))
    ctx = make_ctx()
    start_release(ctx, ReleaseRequest(version="0.2.0"))
    (repo / "build").mkdir(exist_ok=True)
    for arch in arches:
        (repo / "build" / f"pai-v0.2.0-{arch}.iso").write_bytes(
            hashlib.sha256(arch.encode()).digest() * 1000)
    complete_steps_before(make_ctx(), "smoke")


def seen(pilot: Pilot[None]) -> str:
    """The rows of the terminal, joined: only what is drawn, nothing scrolled away."""
    return "\n".join(screen_lines(pilot.app))


def assert_form_in_view(pilot: Pilot[None], arch: str) -> None:
    screen = pilot.app.screen
    assert isinstance(screen, SmokeScreen)
    rows = seen(pilot)
    assert TITLE in rows, rows
    assert f"Sign off {arch}  (ticked = passed, unticked = failed)" in rows, rows
    for part in ("#smoke-hardware", "#smoke-checks", "#smoke-note", "#smoke-record"):
        assert screen.can_view_entire(screen.query_one(part)), (part, rows)
    assert all(check in rows for check in ("[ ] boots", "[ ] unlocks persistence")), rows
    assert "^s Record sign-off" in rows
    assert f"To do: test {arch} on real hardware, then record its sign-off in the form." in rows


@pytest.mark.parametrize("count", [3, 4])
async def test_the_form_stays_under_the_title_while_the_captain_fills_it_in(
        repo_path: Path, make_ctx: Callable[..., Context], count: int) -> None:
    arches = ARCHES[:count]
    release_with(repo_path, make_ctx, arches)
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # the step to do now, as Enter on its row opens it
        await settle(pilot)
        assert_form_in_view(pilot, "amd64")
        rows = seen(pilot)
        # the open architectures in one bullet, not three rows each
        assert f"• No smoke sign-off yet for {', '.join(arches[:-1])} and {arches[-1]}." in rows
        await pilot.press(*"X1", "enter")  # the hardware, then on to the checks
        await settle(pilot)
        assert app.screen.focused is app.screen.query_one("#smoke-checks")
        assert_form_in_view(pilot, "amd64")
        await pilot.press("a", "ctrl+s")  # tick all, record: the form moves on to arm64
        await settle(pilot)
        await pilot.press(*"M2", "enter")
        await settle(pilot)
        assert "Sign off arm64" in seen(pilot) and TITLE in seen(pilot)
        await pilot.press("tab")  # the note: the last field, still under the title
        await settle(pilot)
        assert app.screen.focused is app.screen.query_one("#smoke-note")
        rows = seen(pilot)
        assert TITLE in rows and "Sign off arm64" in rows, rows
        # amd64 picked again (a second sign-off): the form's header follows the pick
        app.screen.query_one("#smoke-arch", Select).value = "amd64"
        await settle(pilot)
        rows = seen(pilot)
        assert "Sign off amd64" in rows and TITLE in rows, rows


async def test_an_architecture_signed_off_says_the_form_would_sign_it_off_again(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """Walked at 80x24: with every architecture signed off (the last one just recorded, or a
    promotion's reused ones) the form still read "Sign off arm64  (ticked = passed, unticked =
    failed)" under the ready step, as if one were still to do. Its header says it would sign
    that one off again, replacing the recorded one; an open one reads as before."""
    release_with(repo_path, make_ctx, ARCHES[:2])
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_with_key(pilot, "enter", SmokeScreen)
        await pilot.press(*"X1", "enter", "a", "ctrl+s")
        await settle(pilot)
        assert "Sign off arm64  (ticked = passed, unticked = failed)" in seen(pilot)
        await pilot.press(*"M2", "enter", "a", "ctrl+s")
        await settle(pilot)
        rows = seen(pilot)
        assert "Sign off arm64 again  (replaces its sign-off; ticked = passed)" in rows, rows
        assert "unticked = failed" not in rows
        await pilot.press("escape")  # back on it later: the form opens on the first one
        await settle(pilot)
        app.push_screen(SmokeScreen("smoke"))
        await settle(pilot)
        rows = seen(pilot)
        assert "Sign off amd64 again  (replaces its sign-off; ticked = passed)" in rows, rows


async def seen_to_the_end(pilot: Pilot[None]) -> str:
    """The rows with the body scrolled to its end (the plan is below the form at 80x24)."""
    pilot.app.screen.query_one(StepBody).scroll_end(animate=False)
    await settle(pilot)
    return seen(pilot)


async def test_each_architectures_state_is_on_the_screen_once(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """Walked at 80x24: below the form, the plan's "Note: No smoke sign-off for amd64 yet." and
    "Note: No smoke sign-off for arm64 yet." repeated the blocker above the form, and once amd64
    was signed off, "Note: amd64 signed off by …" the ✔ line above it. Each state is shown once,
    above the form; the step's plan (which `run smoke --dry-run` prints) keeps its notes."""
    release_with(repo_path, make_ctx, ARCHES[:2])
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_with_key(pilot, "enter", SmokeScreen)
        rows = await seen_to_the_end(pilot)
        assert "What running it will do:" in rows and "Note:" not in rows, rows
        assert rows.count("No smoke sign-off") == 1, rows
        assert "• No smoke sign-off yet for amd64 and arm64." in rows
        await pilot.press(*"X1", "enter", "a", "ctrl+s")  # amd64 signed off in the form
        await settle(pilot)
        rows = await seen_to_the_end(pilot)
        assert rows.count("amd64 signed off by Casey Captain on X1") == 1, rows
        assert rows.count("No smoke sign-off") == 1 and "Note:" not in rows, rows
        assert "What running it will do:" in rows
    notes = registry()["smoke"].plan(make_ctx()).notes
    assert notes[0].startswith("amd64 signed off by Casey Captain on X1 at ")
    assert notes[1:] == ["No smoke sign-off for arm64 yet."]


async def test_ctrl_s_on_an_empty_form_says_the_hardware_field_is_empty_too(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """Walked at 80x24: ctrl+s with the hardware field empty and nothing ticked said only
    "Unticked checks are recorded as failed…"; once they were ticked, the empty hardware came
    back as 'Pass --hardware "…"', an option the TUI has not got. The notice says what the
    Hardware field wants, and nothing is recorded."""
    release_with(repo_path, make_ctx, ARCHES[:2])
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_with_key(pilot, "enter", SmokeScreen)
        await pilot.press("ctrl+s")
        await settle(pilot)
        said = " ".join(n.message for n in app.messages)
        assert 'The Hardware field is empty: type the machine you tested on (e.g. "ThinkPad' in said
        assert said.startswith("Nothing was recorded. The Hardware field is empty"), said
        assert "Unticked checks would be recorded as failed" in said
        app.clear_notifications()
        app.messages.clear()  # what is said from here on
        await pilot.press("enter", "a", "ctrl+s")  # every check ticked, still no hardware
        await settle(pilot)
        said = " ".join(n.message for n in app.messages)
        assert "The Hardware field is empty" in said and "Unticked" not in said, said
        assert "--hardware" not in said + " ".join(screen_lines(app))
    assert "smoke" not in make_ctx().require_session().data  # nothing recorded


async def test_a_new_notice_from_the_form_replaces_the_one_before(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """Walked at 80x24: ctrl+s on the empty form said the Hardware field is empty; with it
    filled in, ctrl+s said only that unticked checks fail, and the first notice stayed up under
    it for its 8 seconds, saying the field was still empty. The form's new notice takes the
    one before it down."""
    release_with(repo_path, make_ctx, ARCHES[:2])
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_with_key(pilot, "enter", SmokeScreen)
        await pilot.press("ctrl+s")
        await settle(pilot)
        toasts = [str(t.render()) for t in app.screen.query("Toast")]
        assert any("The Hardware field is empty" in t for t in toasts), toasts
        await pilot.press("X", "1", "enter", "ctrl+s")  # the hardware in, nothing ticked
        await settle(pilot)
        toasts = [str(t.render()) for t in app.screen.query("Toast")]
        assert len(toasts) == 1, toasts
        assert "Nothing was recorded. Unticked checks would be recorded as failed" in toasts[0]
        assert "Hardware" not in toasts[0]
    assert "smoke" not in make_ctx().require_session().data  # nothing recorded


async def test_each_field_of_the_form_is_captioned_and_stays_so_once_filled(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """Walked at 80x24: the form's row read "amd64 ▼   Demo Captain   Hardware", placeholders
    only, so the prefilled tester was a name with no say of what it was, and the Hardware
    placeholder went as soon as a character was typed. Each field has a caption beside it on
    the same row (no row more: the checks and the record button stay on screen), which stays
    once the field is filled."""
    release_with(repo_path, make_ctx, ARCHES)
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_with_key(pilot, "enter", SmokeScreen)
        row = next(r for r in screen_lines(app) if "▼" in r)
        assert re.search(r"Arch amd64 +▼ +Tester Casey Captain +Hardware e\.g\. ", row), row
        await pilot.press(*"ThinkPad X1 Gen 11, USB 3 stick")  # longer than its field
        await settle(pilot)
        row = next(r for r in screen_lines(app) if "▼" in r)
        assert re.search(r"Arch amd64 +▼ +Tester Casey Captain +Hardware .*USB 3 stick", row), row
        await pilot.press("enter")
        await settle(pilot)
        assert_form_in_view(pilot, "amd64")
        assert "Hardware" in next(r for r in screen_lines(app) if "▼" in r)


async def test_one_architecture_open_says_its_to_do_once(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """Walked at 80x24: with one architecture open, "Test it on real hardware, then record the
    amd64 sign-off in the form below." stood under its blocker and again at the bottom as "To
    do: test amd64 on real hardware, then record its sign-off in the form."; said once now (with
    more open, the bottom line names the one in the form, which the grouped → line does not)."""
    release_with(repo_path, make_ctx, ARCHES[:1])
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_with_key(pilot, "enter", SmokeScreen)
        await settle(pilot)
        rows = seen(pilot)
        assert rows.count("on real hardware, then record") == 1, rows
        assert "To do: what the → line above says; then n runs it." in rows, rows
