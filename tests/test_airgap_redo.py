"""A redo across the air gap: asked for where the bundle was written and is away, refused where
it was imported.

Walked by hand: `redo notes` on the online machine while the bundle was with the signing
workstation reopened the hand-off without a word; the signed bundle coming back was then refused
("the journals diverge at entry 16"), the signed release lost."""

from __future__ import annotations

import json

from console.app import ReleaseConsoleApp
from console.wiring import Options
from screens.prompts import ConfirmScreen, ReasonScreen
from services.bundle.import_ import apply, verify_bundle
from tests.airgap_helpers import Workstations, offline_half, prepare_and_export
from tests.tui_helpers import open_step, settle, text_of


def status_of(ws: Workstations, side: str, step: str) -> str:
    line = next(line for line in ws.cli(side, "status").stdout.splitlines()
                if line.split()[1:2] == [step])
    return line.split()[-1]


def test_a_redo_on_the_online_machine_while_the_bundle_is_away_is_asked_for(
        stations: Workstations) -> None:
    ws = stations
    prepare_and_export(ws)
    refused = ws.cli("online", "redo", "notes", "--reason", "typo", ok=False)
    assert refused.returncode == 1
    assert "went to the air-gapped signing workstation: if the air-gapped signing workstation " \
           "imported it, every bundle written here after this redo is refused there" \
           in " ".join(refused.stderr.split())
    assert "redo with --bundle-lost" in refused.stderr
    assert status_of(ws, "online", "handoff-out") == "done"  # nothing was reopened
    # the copy was damaged and never imported: the captain says so, and writes a new bundle
    done = ws.cli("online", "redo", "notes", "--reason", "typo", "--bundle-lost")
    assert "Reopened: notes, artifacts, handoff-out" in done.stdout
    # the declaration that let it through is in the audit trail (review: it was not)
    entries = [json.loads(line) for line in
               (ws.online / ".release" / "v1.3.0" / "journal.jsonl").read_text().splitlines()]
    reopened = [e for e in entries if e["action"] == "reopened"]
    assert reopened[-1]["inputs"] == {"reason": "typo", "steps": ["notes", "artifacts",
                                                                  "handoff-out"],
                                      "bundle_lost": True}


def test_the_signing_workstation_cannot_reopen_the_hand_off_it_imported(
        stations: Workstations) -> None:
    ws = stations
    offline = ws.ctx("offline")
    apply(offline, verify_bundle(offline, prepare_and_export(ws)))
    for step in ("notes", "handoff-out"):
        refused = ws.cli("offline", "redo", step, "--reason", "typo", "--bundle-lost", ok=False)
        assert refused.returncode == 1
        assert "This redo reopens the hand-off that the online machine wrote and this machine " \
               "imported" in " ".join(refused.stderr.split())
    assert status_of(ws, "offline", "handoff-out") == "done"


def test_the_online_machine_cannot_reopen_the_signed_hand_off_it_imported(
        stations: Workstations) -> None:
    ws = stations
    prepare_and_export(ws)
    back = offline_half(ws)
    # the signing workstation, once it has sent the signed bundle: asked for, and nothing to
    # wait for there (not "the bundle it sends back": the online machine sends none)
    asked = ws.cli("offline", "redo", "handoff-back", "--reason", "again", ok=False)
    said = " ".join(asked.stderr.split())
    assert asked.returncode == 1 and "went to the online machine: if the online machine " \
        "imported it, every bundle written here after this redo is refused there: it goes on " \
        "from the one it imported. Nothing was reopened." in said
    assert "Otherwise nothing more is needed here: the release goes on there." in said
    online = ws.ctx("online")
    apply(online, verify_bundle(online, back))
    refused = ws.cli("online", "redo", "handoff-back", "--reason", "again", ok=False)
    assert refused.returncode == 1
    assert "the hand-off that the air-gapped signing workstation wrote and this machine " \
           "imported" in " ".join(refused.stderr.split())
    assert status_of(ws, "online", "handoff-back") == "done"


async def test_the_tui_asks_before_reopening_a_hand_off_whose_bundle_is_away(
        stations: Workstations) -> None:
    ws = stations
    prepare_and_export(ws)
    app = ReleaseConsoleApp(Options(repo=ws.online))
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_step(pilot, "notes", object)
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, ReasonScreen)
        await pilot.press(*"typo", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        asked = " ".join(text_of(app.screen, "#plan Static").split())
        assert "if the air-gapped signing workstation imported it" in asked
        assert "Nothing was reopened" not in asked  # not before the answer
        await pilot.press("n")
        await settle(pilot)
        assert "The redo was not confirmed; nothing was reopened." in \
            text_of(screen, "#step-message")
        assert status_of(ws, "online", "handoff-out") == "done"
        await pilot.press("o")
        await settle(pilot)
        await pilot.press(*"copy was damaged", "enter")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert ("Reopened: Release notes, Artifacts present, Hand-off to the signing workstation."
                in text_of(screen, "#step-message"))  # titles, as the checklist lists them
