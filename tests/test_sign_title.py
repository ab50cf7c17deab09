"""The sign step is named for what signs, the same on the command line and in the TUI.

It was titled "Sign with the hardware token" whatever the policy pinned: a captain signing with a
minisign key file, or a gpg key in the keyring with no card, read of a token they do not have.
The step id stays ``sign``; the title names the kind of key, the step's panel the key itself.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import OptionList, Static

from console.app import ReleaseConsoleApp
from console.wiring import Options
from screens.step import screen_for
from services.session_lifecycle import ReleaseRequest, start_release
from services.step_protocol import Context
from tests.conftest import run_cli
from tests.signing_keys import gpg_key, minisign_project, write_policy
from tests.tui_helpers import settle

pytestmark = pytest.mark.usefixtures("stop_gpg_agent")


def _status_line(repo: Path, step_id: str) -> str:
    status = run_cli("status", cwd=repo)
    assert status.returncode == 0, status.stderr
    assert "hardware token" not in status.stdout
    return next(line for line in status.stdout.splitlines() if line[3:].startswith(step_id + " "))


async def _tui_titles(repo: Path) -> tuple[str, str, str]:
    """(the checklist's sign row, the sign screen's title, its key panel)."""
    app = ReleaseConsoleApp(Options(repo=repo))
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        checklist = app.screen.query_one("#checklist", OptionList)
        rows = [str(checklist.get_option_at_index(i).prompt) for i in range(checklist.option_count)]
        row = next(r for r in rows if "Sign" in r)
        app.push_screen(screen_for("sign"))
        await settle(pilot)
        title = str(app.screen.query_one("#step-title", Static).render())
        panel = str(app.screen.query_one("#sign-key", Static).render())
        return row, title, panel


async def test_a_minisign_key_file_is_no_hardware_token(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    minisign_project(repo_path)
    start_release(make_ctx(), ReleaseRequest(version="0.2.0"))
    assert "Sign with the minisign key file" in _status_line(repo_path, "sign")
    row, title, panel = await _tui_titles(repo_path)
    assert "Sign with the minisign key file" in row
    assert title == "Sign with the minisign key file"
    assert "Secret key" in panel and "keys/minisign.key" in panel


async def test_a_gpg_key_in_the_keyring_is_named_as_such(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    fingerprint = gpg_key()
    write_policy(repo_path, f'[signing]\nbackend = "gpg"\nfingerprint = "{fingerprint}"\n'
                 'tag_format = "none"\n')
    start_release(make_ctx(), ReleaseRequest(version="0.2.0"))
    assert "Sign with the OpenPGP key" in _status_line(repo_path, "sign")
    row, title, panel = await _tui_titles(repo_path)
    assert "Sign with the OpenPGP key" in row and title == "Sign with the OpenPGP key"
    # the title cannot know card from keyring without asking gpg; the panel does ask
    assert f"Signing key {fingerprint} (software key in the GnuPG keyring, no card)." in panel


def test_refusals_name_the_step_as_status_does(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    minisign_project(repo_path)
    start_release(make_ctx(), ReleaseRequest(version="0.2.0"))
    refused = run_cli("run", "sign", cwd=repo_path)
    assert refused.returncode != 0
    said = " ".join((refused.stdout + refused.stderr).split())
    assert "'Sign with the minisign key file' cannot run yet" in said, said
