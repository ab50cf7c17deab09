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
from tests.signing_keys import build_artifacts, write_policy
from tests.tui_helpers import open_step, settle


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


async def test_a_refused_sign_off_gives_the_form_back_as_it_was(
        repo_path: Path, make_ctx: Callable[..., Context], released: None) -> None:
    for iso in (repo_path / "build").glob("*amd64*"):
        iso.unlink()  # nothing to hash for amd64: the sign-off is refused
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_smoke(pilot)
        screen.query_one("#smoke-hardware", Input).focus()
        await pilot.press(*"x1", "enter", "a", "ctrl+s")
        await settle(pilot)
        assert "amd64" in str(screen.query_one("#step-message", Static).render())
        assert screen.query_one("#smoke-arch", Select).value == "amd64"
        assert screen.query_one("#smoke-hardware", Input).value == "x1"
        checks = screen.query_one("#smoke-checks", SelectionList)
        assert len(checks.selected) == checks.option_count  # the ticks are back too
    assert "smoke" not in make_ctx().require_session().data
