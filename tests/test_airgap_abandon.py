"""Abandoning a release while its bundle is at the signing workstation: found by an exploratory
walk, `abandon` (CLI) and `x` (TUI) said nothing of what stays behind. Both now name the
release's commits never pushed (with the git command that drops them) and the bundle away, with
what to do on the signing workstation; the signed bundle coming back later is refused in the
same words."""

from __future__ import annotations

import json
import subprocess

from textual.widgets import Input, Static

from console.app import ReleaseConsoleApp
from console.wiring import Options
from screens.abandon import AbandonScreen
from services.session import SessionStore
from tests.airgap_helpers import Workstations, offline_half, prepare_and_export, prepare_online
from tests.bundle_forge import snapshot
from tests.tui_helpers import open_with_key, settle

SIGNED_RETURN_REFUSED = "a signed bundle of v1.3.0 coming back is refused here"
ABANDON_THERE = "abandon v1.3.0 too (`release-console abandon v1.3.0 --reason \"...\"`)"


def git(ws: Workstations, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=ws.online, capture_output=True, text=True,
                          check=True).stdout


def release_commits(ws: Workstations) -> list[str]:
    """The changelog and migration commits the online side made (never pushed), oldest first."""
    return git(ws, "log", "--reverse", "--format=%h %s", "origin/main..HEAD").splitlines()


def test_abandon_with_the_bundle_away_names_what_stays_and_its_return_is_refused_alike(
        stations: Workstations) -> None:
    ws = stations
    prepare_online(ws)
    exported = ws.cli("online", "bundle", "export", "--output", str(ws.usb / "out.tar")).stdout
    fingerprint = exported.split("Fingerprint: ")[1].split("\n")[0].strip()
    commits = release_commits(ws)
    assert [c.split(" ", 1)[1] for c in commits] == ["Release v1.3.0: changelog",
                                                    "Release v1.3.0: migration notes"]

    said = ws.cli("online", "abandon", "v1.3.0", "--reason", "wrong build").stdout
    assert "Abandoned the release session for v1.3.0" in said
    assert "2 commits of this release on main, never pushed, stay there:" in said
    for line in commits:
        assert f"    {line}" in said
    first = commits[0].split()[0]
    drop = said.split("To drop them: `")[1].split("`")[0]
    assert drop.startswith("git reset --keep ") and drop.endswith("^")
    assert drop.removeprefix("git reset --keep ").removesuffix("^").startswith(first)
    assert f"The hand-off bundle (fingerprint {fingerprint}, written" in said
    # the file itself, the one to delete from the stick (walked: only its folder was named)
    assert f"to {ws.usb / 'out.tar'}) is with the signing workstation" in said
    assert f"it can still be signed there, and {SIGNED_RETURN_REFUSED}." in said
    assert f"On the signing workstation, {ABANDON_THERE} rather than signing it" in said

    # The signing workstation did not hear of it: it signs and sends the bundle back.
    back = offline_half(ws)
    before = snapshot(ws.online)
    refused = ws.cli("online", "bundle", "import", str(back), "--yes", ok=False)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert ("The session for v1.3.0 here was abandoned while its bundle was at the signing "
            f"workstation, and {SIGNED_RETURN_REFUSED}; nothing was imported.") in refused.stderr
    assert f"on the signing workstation, {ABANDON_THERE}." in refused.stderr
    assert "move .release/v1.3.0/ aside" not in refused.stderr  # that led to "no session here"
    assert snapshot(ws.online) == before

    # The drop command the output gave does what it says: the two commits are gone, the tree
    # is clean, HEAD is where the release began.
    git(ws, *drop.split()[1:])
    assert git(ws, "rev-parse", "HEAD").strip() == SessionStore(ws.online).load(
        "v1.3.0").base_commit
    assert git(ws, "status", "--porcelain") == ""


def test_abandon_json_names_the_bundle_folder_as_the_folder_and_the_file_apart(
        stations: Workstations) -> None:
    """`abandon --json` documents `bundle.folder` as the folder the bundle was written to; it
    had become the bundle file itself when the sentence learnt to name the file. The file is a
    field of its own."""
    ws = stations
    prepare_online(ws)
    exported = ws.cli("online", "bundle", "export", "--output", str(ws.usb / "out.tar")).stdout
    fingerprint = exported.split("Fingerprint: ")[1].split("\n")[0].strip()
    out = ws.cli("online", "abandon", "v1.3.0", "--reason", "wrong build", "--json").stdout
    bundle = json.loads(out)["left_behind"]["bundle"]
    assert bundle["fingerprint"] == fingerprint
    assert bundle["folder"] == str(ws.usb.resolve())
    assert bundle["file"] == str((ws.usb / "out.tar").resolve())


def test_abandon_before_the_export_names_only_the_commits(stations: Workstations) -> None:
    ws = stations
    prepare_online(ws)
    said = ws.cli("online", "abandon", "v1.3.0", "--reason", "not yet").stdout
    assert "2 commits of this release on main, never pushed" in said
    assert "bundle" not in said


async def test_the_tui_abandon_dialog_names_what_stays_before_it_asks_why(
        stations: Workstations) -> None:
    ws = stations
    prepare_and_export(ws)
    commits = release_commits(ws)
    app = ReleaseConsoleApp(Options(repo=ws.online))
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_with_key(pilot, "x", AbandonScreen)
        shown = "".join(str(s.render()) for s in dialog.query("#abandon-left Static")
                        .results(Static))
        for line in commits:
            assert line in shown
        assert "To drop them: `git reset --keep " in shown
        assert SIGNED_RETURN_REFUSED in shown
        assert "abandon v1.3.0 too" in " ".join(shown.split())
        reason = dialog.query_one("#reason", Input)
        assert reason.has_focus and reason.region.bottom <= 24  # the field is on screen at 80x24
        await pilot.press("enter")  # no reason: still asking
        await settle(pilot)
        assert app.screen is dialog
        await pilot.press(*"wrong build", "enter")
        await settle(pilot)
        said = " ".join(str(n.message) for n in app.messages)
        assert "Abandoned v1.3.0; its record is kept. Left behind: 2 commits never pushed" in said
        assert "the bundle at the signing workstation" in said
    assert SessionStore(ws.online).load("v1.3.0").state == "abandoned"
