"""The sign screen: the passphrase is typed into the TUI's password box; signatures verify."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

from textual.widgets import Static

from console.app import ReleaseConsoleApp
from console.wiring import Options
from screens.prompts import SecretScreen
from screens.step import screen_for
from screens.steps.sign import SignScreen
from services import engine, smoke
from services.session_lifecycle import ReleaseRequest, start_release
from services.step_protocol import Context
from services.steps import registry
from tests.conftest import sign_off
from tests.signing_keys import advance_to, build_artifacts, minisign_project
from tests.tui_helpers import settle


async def test_sign_from_the_screen_with_the_password_box(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    minisign_project(repo_path, passphrase="tui secret")
    ctx = make_ctx()
    start_release(ctx, ReleaseRequest(version="0.2.0"))
    isos = build_artifacts(repo_path)
    for arch in ("amd64", "arm64"):
        sign_off(ctx, arch=arch, hardware="bench", marks=[smoke.Mark("pass", "all")])
    advance_to(ctx, "artifacts")
    for step in ("artifacts", "smoke", "checksums"):
        engine.run_step(ctx, registry()[step])

    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        app.push_screen(screen_for("sign"))
        await settle(pilot)
        assert isinstance(app.screen, SignScreen)
        key_text = str(app.screen.query_one("#sign-key", Static).render())
        assert "Backend minisign, pinned to minisign key" in key_text and "password box" in key_text
        plan_text = str(app.screen.query_one("#step-plan", Static).render())
        assert "Sign 2 artifacts with minisign" in plan_text
        assert "Backend minisign" not in plan_text  # the panel above says it; said once
        await pilot.press("r")
        for _ in range(50):  # the worker pushes the modal from its thread
            await pilot.pause()
            if isinstance(app.screen, SecretScreen):
                break
        assert isinstance(app.screen, SecretScreen)
        await pilot.press(*"tui secret", "enter")
        await settle(pilot)
        assert isinstance(app.screen, SignScreen)
        assert "done" in str(app.screen.query_one("#step-message", Static).render())
    for iso in isos:
        proc = subprocess.run(["minisign", "-Vm", str(iso), "-p", "minisign.pub"], cwd=repo_path,
                              capture_output=True, check=False)
        assert proc.returncode == 0
    journal = (repo_path / ".release" / "v0.2.0" / "journal.jsonl").read_text()
    assert "tui secret" not in journal


async def test_a_key_file_is_named_as_what_signs_not_the_hardware_token(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """The sign step is titled for the hardware token, and its description said "with the key
    on the hardware token" above a panel naming a minisign secret key file: a captain whose key
    is a file read two different keys. The checklist's panel now names the pinned key and the
    key file, and the description claims no token."""
    from textual.widgets import OptionList

    from services.signing.minisign import key_id_text, public_key_id

    minisign_project(repo_path)
    start_release(make_ctx(), ReleaseRequest(version="0.2.0"))
    key_id = key_id_text(public_key_id(repo_path / "minisign.pub"))
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        checklist = app.screen.query_one("#checklist", OptionList)
        ids = [checklist.get_option_at_index(i).id for i in range(checklist.option_count)]
        checklist.highlighted = ids.index("sign")
        await settle(pilot)
        detail = " ".join(str(app.screen.query_one("#detail-text", Static).render()).split())
        assert f"Signs with minisign key {key_id} (minisign.pub), from the key file " \
               "keys/minisign.key." in detail
        assert "key on the hardware token" not in detail
        app.push_screen(screen_for("sign"))
        await settle(pilot)
        assert "hardware token" not in str(app.screen.query_one("#step-description",
                                                                Static).render())
