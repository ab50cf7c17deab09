"""The smoke screen, driven with Pilot: tick checks, name hardware, record; failures show up."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input, Select, SelectionList, Static

from console.app import ReleaseConsoleApp
from console.wiring import Options
from screens.step import screen_for
from screens.steps.smoke import SmokeScreen
from services.session_lifecycle import ReleaseRequest, start_release
from services.step_protocol import Context
from tests.signing_keys import build_artifacts, write_policy


async def settle(pilot: Pilot[None]) -> None:
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_record_pass_and_fail_sign_offs_from_the_checklist(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    write_policy(repo_path, '[signing]\nbackend = "none"\ntag_format = "none"\n')
    start_release(make_ctx(), ReleaseRequest(version="0.2.0"))
    build_artifacts(repo_path)
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        app.push_screen(screen_for("smoke"))
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SmokeScreen)
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

        screen.query_one("#smoke-arch", Select).value = "arm64"
        checks.deselect_all()
        checks.select("boots")
        screen.query_one("#smoke-note", Input).value = "no network on the Pi"
        await pilot.press("ctrl+s")
        await settle(pilot)
        message = str(screen.query_one("#step-message", Static).render())
        assert "FAILED: connects to network, runs Ollama, unlocks persistence" in message
        status = str(screen.query_one("#smoke-status", Static).render())
        assert "amd64 signed off by Casey Captain on X1 Carbon" in status
        assert "arm64 failed the smoke check connects to network (no network on the Pi)" in status
    data = make_ctx().require_session().data["smoke"]
    assert data["amd64"]["hardware"] == "X1 Carbon"
    assert all(c["result"] == "pass" for c in data["amd64"]["checks"].values())
    assert data["arm64"]["checks"]["boots"]["result"] == "pass"
    assert data["arm64"]["checks"]["runs Ollama"] == {"result": "fail",
                                                      "note": "no network on the Pi"}
