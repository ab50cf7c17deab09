"""The smoke screen, driven with Pilot: tick checks, name hardware, record; failures show up."""

from __future__ import annotations

import fcntl
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Select, SelectionList, Static

from console.app import ReleaseConsoleApp
from console.wiring import Options
from screens.steps.smoke import SmokeScreen
from services.session_lifecycle import ReleaseRequest, start_release
from services.step_protocol import Context
from tests.conftest import run_cli
from tests.github_helpers import complete_steps_before
from tests.signing_keys import build_artifacts, write_policy
from tests.tui_helpers import SlowApp, open_step, settle, type_in_one_burst


@pytest.fixture
def released(repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """A release of 0.2.0 in progress with both architectures' images built, no signing."""
    write_policy(repo_path, '[signing]\nbackend = "none"\ntag_format = "none"\n')
    start_release(make_ctx(), ReleaseRequest(version="0.2.0"))
    build_artifacts(repo_path)


async def open_smoke(pilot: Pilot[None]) -> SmokeScreen:
    return await open_step(pilot, "smoke", SmokeScreen)


async def test_record_pass_and_fail_sign_offs_from_the_checklist(
        repo_path: Path, make_ctx: Callable[..., Context], released: None) -> None:
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_smoke(pilot)
        status = str(screen.query_one("#smoke-status", Static).render())
        assert "No smoke sign-off for amd64 yet." in status
        assert screen.query_one("#smoke-tester", Input).value == "Casey Captain"
        assert screen.query_one("#smoke-arch", Select).value == "amd64"

        screen.query_one("#smoke-hardware", Input).focus()
        await pilot.press(*"X1 Carbon")
        checks = screen.query_one("#smoke-checks", SelectionList)
        checks.focus()
        for _ in range(4):
            await pilot.press("space", "down")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Recorded the amd64 sign-off by Casey Captain" in str(
            screen.query_one("#step-message", Static).render())

        # the form moved on to the next architecture, with a fresh form and the cursor in it
        assert screen.query_one("#smoke-arch", Select).value == "arm64"
        hardware = screen.query_one("#smoke-hardware", Input)
        assert hardware.value == "" and hardware.has_focus
        assert checks.selected == []
        await pilot.press(*"Pi 5", "enter")
        assert checks.has_focus
        await pilot.press("space")  # boots
        screen.query_one("#smoke-note", Input).value = "no network on the Pi"
        await pilot.press("ctrl+s")
        await settle(pilot)
        message = str(screen.query_one("#step-message", Static).render())
        assert "FAILED: connects to network, runs Ollama, unlocks persistence" in message
        assert not isinstance(screen.focused, Input)  # r or n now act, not type
        status = str(screen.query_one("#smoke-status", Static).render())
        assert "amd64 signed off by Casey Captain on X1 Carbon" in status
        assert "arm64 failed the smoke check connects to network (no network on the Pi)" in status
    data = make_ctx().require_session().data["smoke"]
    assert data["amd64"]["hardware"] == "X1 Carbon"
    assert all(c["result"] == "pass" for c in data["amd64"]["checks"].values())
    assert data["arm64"]["checks"]["boots"]["result"] == "pass"
    assert data["arm64"]["checks"]["runs Ollama"] == {"result": "fail",
                                                      "note": "no network on the Pi"}


async def test_the_next_sign_off_typed_while_one_is_written_lands_on_its_architecture(
        repo_path: Path, make_ctx: Callable[..., Context], released: None) -> None:
    """A sign-off hashes the artifacts (gigabytes) before it is written. The form moved on only
    then, so the next architecture's hardware, typed meanwhile, went into the first one's field
    and its ctrl+s signed off amd64 again. It now moves on when ctrl+s is pressed. The session
    lock is held here so the first sign-off is still being written while the second is typed."""
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_smoke(pilot)
        screen.query_one("#smoke-hardware", Input).focus()
        with open(repo_path / ".release" / "v0.2.0" / ".lock", "a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # the first sign-off waits to be written
            await pilot.press(*"x1", "enter", "a", "ctrl+s")
            assert screen.query_one("#smoke-arch", Select).value == "arm64"
            assert screen.query_one("#smoke-hardware", Input).has_focus
            await pilot.press(*"m2", "enter", "a", "ctrl+s")
            fcntl.flock(lock, fcntl.LOCK_UN)
        await settle(pilot)
        assert not isinstance(screen.focused, Input)  # both done: n and r act, not type
    data = make_ctx().require_session().data["smoke"]
    assert {arch: data[arch]["hardware"] for arch in data} == {"amd64": "x1", "arm64": "m2"}
    assert all(c["result"] == "pass" for arch in data for c in data[arch]["checks"].values())



async def refused_amd64_sign_off(pilot: Pilot[None], hardware: str) -> SmokeScreen:
    """The smoke screen with amd64's sign-off typed (``hardware``, every check ticked) and sent,
    refused since its image is gone: the message says amd64."""
    screen = await open_smoke(pilot)
    screen.query_one("#smoke-hardware", Input).focus()
    await pilot.press(*hardware, "enter", "a", "ctrl+s")
    await settle(pilot)
    assert "amd64" in str(screen.query_one("#step-message", Static).render())
    return screen

async def test_a_refused_sign_off_gives_the_form_back_as_it_was(
        repo_path: Path, make_ctx: Callable[..., Context], released: None) -> None:
    for iso in (repo_path / "build").glob("*amd64*"):
        iso.unlink()  # nothing to hash for amd64: the sign-off is refused
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await refused_amd64_sign_off(pilot, "x1")
        assert screen.query_one("#smoke-arch", Select).value == "amd64"
        assert screen.query_one("#smoke-hardware", Input).value == "x1"
        checks = screen.query_one("#smoke-checks", SelectionList)
        assert len(checks.selected) == checks.option_count  # the ticks are back too
    assert "smoke" not in make_ctx().require_session().data


async def test_a_refused_sign_off_is_still_there_after_leaving_the_screen(
        repo_path: Path, make_ctx: Callable[..., Context], released: None) -> None:
    """Walked at 80x24: amd64's sign-off was refused (its image was not built yet); the captain
    went back to the checklist to see to it and came back, and what was typed was gone: the
    refused sign-off was held by the screen only. It is now kept for the release while the
    console runs, back in the form, until it is sent again."""
    images = {iso: iso.read_bytes() for iso in (repo_path / "build").glob("*amd64*")}
    for iso in images:
        iso.unlink()  # nothing to hash for amd64: the sign-off is refused
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await refused_amd64_sign_off(pilot, "X1 Carbon")
        await pilot.press("escape")  # to the checklist, to build the image
        await settle(pilot)
        for iso, data in images.items():
            iso.write_bytes(data)
        screen = await open_smoke(pilot)
        assert screen.query_one("#smoke-arch", Select).value == "amd64"
        assert screen.query_one("#smoke-hardware", Input).value == "X1 Carbon"
        checks = screen.query_one("#smoke-checks", SelectionList)
        assert len(checks.selected) == checks.option_count
        assert "Your amd64 sign-off, refused before, is in the form: ctrl+s sends it again." in \
            str(screen.query_one("#step-message", Static).render())
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Recorded the amd64 sign-off" in str(
            screen.query_one("#step-message", Static).render())
        await pilot.press("escape")
        await settle(pilot)
        screen = await open_smoke(pilot)  # sent and recorded: nothing kept any more
        assert screen.query_one("#smoke-arch", Select).value == "arm64"
        assert screen.query_one("#smoke-hardware", Input).value == ""
        assert "refused" not in str(screen.query_one("#step-message", Static).render())
    data = make_ctx().require_session().data["smoke"]
    assert data["amd64"]["hardware"] == "X1 Carbon"


async def test_a_sign_off_refused_while_the_next_is_typed_keeps_both(
        repo_path: Path, make_ctx: Callable[..., Context], released: None) -> None:
    """The form moves to arm64 as ctrl+s is pressed for amd64. The amd64 sign-off was refused
    (its image is gone) while the captain typed the arm64 one, and the refill put x1 and the
    amd64 ticks back over "m2": what was typed for arm64 was lost. It now stays, and the refused
    amd64 sign-off comes back when the form reaches amd64 again."""
    for iso in (repo_path / "build").glob("*amd64*"):
        iso.unlink()  # nothing to hash for amd64: the sign-off is refused
    app = SlowApp(Options(repo=repo_path))
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_smoke(pilot)
        hardware = screen.query_one("#smoke-hardware", Input)
        checks = screen.query_one("#smoke-checks", SelectionList)
        arch = screen.query_one("#smoke-arch", Select)
        hardware.focus()
        app.held.set()  # the amd64 sign-off waits, as hashing gigabytes does
        await pilot.press(*"x1", "enter", "a", "ctrl+s")
        assert arch.value == "arm64" and hardware.has_focus
        await pilot.press(*"m2", "enter", "space")  # the first check passed on the Pi
        app.go.set()  # and now amd64 is refused
        await settle(pilot)
        assert arch.value == "arm64" and hardware.value == "m2"
        assert checks.selected == ["boots"]
        line = str(screen.query_one("#step-message", Static).render())
        assert "amd64" in line and "pick amd64 in the list to send it again" in line
        await pilot.press("a", "ctrl+s")
        await settle(pilot)
        assert arch.value == "amd64"  # on to the one still open, as it was sent
        assert hardware.value == "x1" and len(checks.selected) == checks.option_count
    data = make_ctx().require_session().data["smoke"]
    assert {a: data[a]["hardware"] for a in data} == {"arm64": "m2"}


async def test_while_an_architecture_is_open_the_line_names_it_not_the_next_step(
        repo_path: Path, released: None) -> None:
    """Walked at 80x24: after the amd64 sign-off the line said "Enter: next step" while the form
    was already on arm64, where Enter moves to the checks; the next step follows only once every
    architecture is signed off."""
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_smoke(pilot)
        screen.query_one("#smoke-hardware", Input).focus()
        await pilot.press(*"X1 Carbon", "enter", "a", "ctrl+s")
        await settle(pilot)
        line = str(screen.query_one("#step-message", Static).render())
        assert "Recorded the amd64 sign-off" in line
        assert "Next: the arm64 sign-off" in line and "next step" not in line
        await pilot.press(*"Pi 5", "enter", "a", "ctrl+s")
        await settle(pilot)
        line = str(screen.query_one("#step-message", Static).render())
        assert "Recorded the arm64 sign-off" in line and "Enter: next step" in line


async def test_another_architecture_never_inherits_the_hardware_or_ticks(
        repo_path: Path, make_ctx: Callable[..., Context], released: None) -> None:
    """Walked at 80x24: the Pi was at hand, so arm64 was picked and signed first. The form stayed
    on arm64 with "Pi 5" and every check ticked; picking amd64 kept them, and ctrl+s would have
    recorded amd64 as tested on the Pi. It now moves to amd64 with an empty form, as it does
    when the captain picks another architecture by hand; the tester is kept."""
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_smoke(pilot)
        arch = screen.query_one("#smoke-arch", Select)
        hardware = screen.query_one("#smoke-hardware", Input)
        checks = screen.query_one("#smoke-checks", SelectionList)
        hardware.focus()
        await pilot.press(*"X1", "enter", "a")
        arch.value = "arm64"  # picked from the list, as the captain does
        await pilot.pause()
        assert hardware.value == "" and checks.selected == [] and hardware.has_focus
        await pilot.press(*"Pi 5", "enter", "a", "ctrl+s")
        await settle(pilot)
        assert arch.value == "amd64"  # the one left, before it in the list
        assert hardware.value == "" and hardware.has_focus and checks.selected == []
        assert screen.query_one("#smoke-tester", Input).value == "Casey Captain"
        assert "Next: the amd64 sign-off" in str(screen.query_one("#step-message", Static).render())
        await pilot.press(*"X1 Carbon", "enter", "a", "ctrl+s")
        await settle(pilot)
    data = make_ctx().require_session().data["smoke"]
    assert {a: data[a]["hardware"] for a in data} == {"amd64": "X1 Carbon", "arm64": "Pi 5"}


async def test_a_sign_off_typed_before_the_screen_has_loaded_lands_in_its_form(
        repo_path: Path, make_ctx: Callable[..., Context], released: None) -> None:
    """Walked on a loaded machine: n on the checklist opened the smoke screen, and the captain
    typed on ("X1", Enter, a, ctrl+s) while its form loaded (it hashes the images). The hardware
    went nowhere, Enter went to the screen (which, the release not loaded yet, closed), a
    ticked an empty list and ctrl+s, with no architecture list yet, was an error; once loaded,
    the form took the focus, empty. Now the hardware field has the focus at once on the step to
    do now, Enter moves on before the keys typed after it arrive (they went into the field: "X1a"),
    an a before the checks are there ticks them when they come, and ctrl+s says to wait."""
    complete_steps_before(make_ctx(), "smoke")
    app = SlowApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        app.held.set()  # the screen's load waits, as on a slow machine
        await pilot.press("n")  # the home screen opens the step to do now: the smoke test
        screen = app.screen
        assert isinstance(screen, SmokeScreen)
        type_in_one_burst(app, *"X1", "enter", "a", "ctrl+s")
        await pilot.pause()
        assert "still loading" in " ".join(n.message for n in app.messages)
        app.go.set()
        await settle(pilot)
        assert app.screen is screen and "smoke" not in make_ctx().require_session().data
        hardware = screen.query_one("#smoke-hardware", Input)
        checks = screen.query_one("#smoke-checks", SelectionList)
        assert hardware.value == "X1" and checks.has_focus
        assert checks.option_count == 4 and len(checks.selected) == 4
        assert screen.query_one("#smoke-arch", Select).value == "amd64"
        await pilot.press("ctrl+s")  # and the sign-off is the one typed
        await settle(pilot)
        assert screen.query_one("#smoke-arch", Select).value == "arm64"
        type_in_one_burst(app, *"M2", "enter", "a", "ctrl+s")  # the next one, as fast
        await settle(pilot)
    data = make_ctx().require_session().data["smoke"]
    assert {arch: data[arch]["hardware"] for arch in data} == {"amd64": "X1", "arm64": "M2"}
    assert all(c["result"] == "pass" for arch in data for c in data[arch]["checks"].values())


async def test_a_note_with_every_check_passed_is_recorded_on_the_highlighted_check(
        repo_path: Path, make_ctx: Callable[..., Context], released: None) -> None:
    """The command line takes `--pass "runs Ollama" --note "slow on USB 2"`; the form took a note
    only for failed checks, and one typed with every check ticked was dropped unrecorded. With
    none failed it goes on the check highlighted in the list, and the result line says which."""
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_smoke(pilot)
        screen.query_one("#smoke-hardware", Input).focus()
        await pilot.press(*"X1", "enter", "a", "down", "down")  # a ticks all; on "runs Ollama"
        assert screen.query_one("#smoke-checks", SelectionList).highlighted == 2
        await pilot.press("tab")
        assert screen.query_one("#smoke-note", Input).has_focus
        await pilot.press(*"model loads in 40 s from USB 2", "enter")  # Enter in the note records
        await settle(pilot)
        message = str(screen.query_one("#step-message", Static).render())
        assert "✔ Recorded the amd64 sign-off by Casey Captain, with the note on 'runs " \
            "Ollama'." in message, message
    checks = make_ctx().require_session().data["smoke"]["amd64"]["checks"]
    assert checks["runs Ollama"] == {"result": "pass", "note": "model loads in 40 s from USB 2"}
    assert all(c == {"result": "pass", "note": ""} for name, c in checks.items()
               if name != "runs Ollama")
    shown = " ".join(run_cli("smoke", "show", cwd=repo_path).stdout.split())
    assert "[x] runs Ollama: pass — model loads in 40 s from USB 2" in shown
