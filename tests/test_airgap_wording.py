"""What each machine says about the other machine's steps, and whether a hand-off bundle held
the artifacts. Found by walks: on the online machine checksums, sign, tag and the hand-off back
said "Waiting for 'Hardware smoke test' (smoke)." (push and the rest too), as if this machine did
them next; the smoke and checksums plans online, and the push, draft, review, publish and
post-release plans on the signing workstation, read as if they ran there; and an export made
`--without-artifacts` recorded nothing of it in the hand-off's evidence."""

from __future__ import annotations

import json
from typing import Any

from textual.widgets import OptionList

from console.app import ReleaseConsoleApp
from console.wiring import Options
from screens.step import StepScreen
from screens.steps.handoff import HandoffScreen
from services.evidence import HandoffOutEvidence
from services.session import SessionStore
from tests.airgap_helpers import Workstations, prepare_and_export, prepare_online
from tests.conftest import flat
from tests.tui_helpers import footer_keys, open_step, settle, text_of

THERE = "Done on the air-gapped signing workstation, not on this machine:"
ONLINE_THERE = "Done on the online machine, not on this air-gapped one:"
AWAY = "on the air-gapped signing workstation: here it waits for the signed bundle to come back."


def status(ws: Workstations, side: str) -> dict[str, dict[str, Any]]:
    data = json.loads(ws.cli(side, "status", "--json").stdout)
    return {step["id"]: step for step in data["steps"]}


def reasons(ws: Workstations, side: str) -> dict[str, str]:
    return {step_id: step["blockers"][0]["reason"] if step["blockers"] else ""
            for step_id, step in status(ws, side).items()}


def test_the_other_machines_steps_wait_in_their_own_words(stations: Workstations) -> None:
    ws = stations
    prepare_online(ws)
    before = reasons(ws, "online")
    assert before["sign"] == ("Signed on the air-gapped signing workstation, once the hand-off "
                              "bundle is there.")
    assert before["smoke"].startswith("Signed off on the air-gapped signing workstation, once")
    # the hand-off is what this machine does now (walked: it said "once the steps before the
    # hand-off are done", which they were)
    assert status(ws, "online")["sign"]["blockers"][0]["remedy"] == (
        "Export the bundle (`release-console bundle export`) and carry it there.")
    # a step of this machine behind this machine's hand-off: the runbook order says it
    assert before["push"] == "Waiting for 'Hand-off to the signing workstation' (handoff-out)."

    ws.cli("online", "bundle", "export", "--output", str(ws.usb / "out.tar"))
    away = reasons(ws, "online")
    assert away["smoke"] == "Waits for the offline side."  # the next step, as before
    for step, done in (("checksums", "Hashed"), ("sign", "Signed"), ("tag", "Tagged"),
                       ("handoff-back", "Written")):
        assert away[step] == f"{done} {AWAY}"
    for step in ("push", "draft", "review", "publish", "post-release"):
        assert away[step] == "Waits for the signed bundle from the air-gapped signing workstation."
    assert not [r for r in away.values() if "Hardware smoke test" in r]
    remedy = status(ws, "online")["tag"]["blockers"][0]["remedy"]
    # where it is expected: beside the bundle written (walked: "bundle import FILE")
    assert remedy == ("When the signed bundle comes back, import it with `release-console "
                      f"bundle import {ws.usb / 'PAI-v1.3.0-to-online.tar'}`.")
    assert status(ws, "online")["push"]["blockers"][0]["remedy"] == remedy
    refused = ws.cli("online", "run", "sign", ok=False)
    assert refused.returncode != 0 and f"cannot run yet: signed {AWAY}" in refused.stderr

    # The signing workstation: its own steps keep the runbook order, the online machine's say
    # that machine does them.
    ws.cli("offline", "bundle", "import", str(ws.usb / "out.tar"), "--yes")
    there = reasons(ws, "offline")
    assert there["sign"] == "Waiting for 'Hardware smoke test' (smoke)."
    assert there["push"] == "Pushed on the online machine, once the signed bundle is back there."
    assert there["draft"] == ("Drafted and uploaded on the online machine, once the signed "
                              "bundle is back there.")


def test_plans_say_which_machine_does_the_step(stations: Workstations) -> None:
    ws = stations
    prepare_online(ws)
    smoke = flat(ws.cli("online", "run", "smoke", "--dry-run", ok=False).stdout)
    assert smoke.startswith(f"{THERE} it re-hashes every artifact there and confirms each "
                            "architecture's sign-off still matches it.")
    assert "Sign-offs recorded here (`release-console smoke sign --arch ARCH ...`) before the export travel" \
        in smoke and "No smoke sign-off for amd64 yet." in smoke
    checksums = flat(ws.cli("online", "run", "checksums", "--dry-run", ok=False).stdout)
    assert checksums.startswith(f"{THERE} it hashes the 2 artifacts with sha256 and writes the "
                                "checksum files.")
    assert "sha256sum" not in checksums and "create build/" not in checksums
    assert "Here: once the steps before the hand-off are done, export the bundle" in checksums
    assert "Nothing is signed on this machine" not in checksums  # said of sign and tag only
    own_push = flat(ws.cli("online", "run", "push", "--dry-run", ok=False).stdout)
    assert ONLINE_THERE not in own_push and "$ git push origin" in own_push
    # before the signed tag is back it counted from `<release commit>` and said "No commit goes
    # up to main: origin has every one already", with the changelog commit not pushed
    assert "No commit goes up" not in own_push, own_push
    assert ("It sends the release commit to main and the signed tag v1.3.0; which commits go up "
            "is known once the release commit and the tag are here (the tag is made on the "
            "signing workstation and comes back in the signed bundle).") in own_push, own_push

    ws.cli("online", "bundle", "export", "--output", str(ws.usb / "out.tar"))
    ws.cli("offline", "bundle", "import", str(ws.usb / "out.tar"), "--yes")
    push = flat(ws.cli("offline", "run", "push", "--dry-run", ok=False).stdout)
    assert push.startswith(f"{ONLINE_THERE} it pushes the release commit to main and the "
                           "signed tag v1.3.0 to origin, once the signed bundle is imported "
                           "there."), push
    assert "git push" not in push and "Remote origin:" not in push
    assert "Here: once the signing steps are done, export the signed bundle" in push
    draft = flat(ws.cli("offline", "run", "draft", "--dry-run", ok=False).stdout)
    assert draft.startswith(f"{ONLINE_THERE} it creates or reuses the draft release 'PAI "
                            "v1.3.0' for v1.3.0 on example-org/pai and uploads every expected "
                            "file")
    assert "POST" not in draft and "GET /repos" not in draft
    review = flat(ws.cli("offline", "run", "review", "--dry-run", ok=False).stdout)
    assert review.startswith(f"{ONLINE_THERE} it reads the draft from GitHub") and \
        "GET /repos" not in review
    publish = flat(ws.cli("offline", "run", "publish", "--dry-run", ok=False).stdout)
    assert publish.startswith(f"{ONLINE_THERE} it publishes the reviewed draft 'PAI v1.3.0' "
                              "for v1.3.0, after asking") and "PATCH" not in publish
    reopen = flat(ws.cli("offline", "run", "post-release", "--dry-run", ok=False).stdout)
    assert reopen.startswith(f"{ONLINE_THERE} it reopens an empty [Unreleased] section in "
                             "CHANGELOG.md after v1.3.0") and "git commit" not in reopen
    own_checksums = flat(ws.cli("offline", "run", "checksums", "--dry-run", ok=False).stdout)
    assert THERE not in own_checksums and "create build/pai-v1.3.0-amd64.iso.sha256" in \
        own_checksums


async def test_checklist_and_step_screens_online_say_the_signing_workstation_does_them(
        stations: Workstations) -> None:
    ws = stations
    prepare_and_export(ws)
    app = ReleaseConsoleApp(Options(repo=ws.online))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        checklist = app.screen.query_one("#checklist", OptionList)
        checklist.highlighted = [checklist.get_option_at_index(i).id
                                 for i in range(checklist.option_count)].index("sign")
        await settle(pilot)
        detail = " ".join(text_of(app.screen, "#detail-text").split())
        assert f"Signed {AWAY}" in detail and "Hardware smoke test" not in detail
        assert "press i to import it" in detail
        # i is the checklist's key, not the sign step's: its screen holds nothing to do here
        assert "Enter opens this step's screen" not in detail

        tag = await open_step(pilot, "tag", StepScreen)
        blockers = " ".join(text_of(tag, "#step-blockers").split())
        assert f"Tagged {AWAY}" in blockers and "press i to import it" in blockers
        await pilot.press("escape")
        checksums = await open_step(pilot, "checksums", StepScreen)
        plan = " ".join(text_of(checksums, "#step-plan").split())
        assert THERE in plan and "it hashes the 2 artifacts" in plan
        assert "create build/" not in plan
        await pilot.press("escape")
        smoke = await open_step(pilot, "smoke", StepScreen)  # the step to do: on the other side
        assert smoke.status == "blocked"
        assert footer_keys(smoke)["r"] is False  # greyed: it is done on the signing workstation


def test_the_hand_off_evidence_records_whether_the_artifacts_went_in(
        stations: Workstations) -> None:
    ws = stations
    prepare_online(ws)
    ws.cli("online", "bundle", "export", "--output", str(ws.usb / "out.tar"),
           "--without-artifacts")
    online = status(ws, "online")["handoff-out"]["evidence"]
    assert online["artifacts_included"] is False
    ws.cli("offline", "bundle", "import", str(ws.usb / "out.tar"), "--yes", "--artifacts",
           str(ws.online / "build"))
    offline = status(ws, "offline")["handoff-out"]["evidence"]
    assert offline == online  # both machines record the same evidence
    session = SessionStore(ws.offline).active()
    assert session is not None
    evidence = session.evidence(HandoffOutEvidence, done=True)
    assert evidence is not None and evidence.artifacts_held() == (
        "was made without artifacts: they travel beside it")

    # A session from before the field: it loads, says nothing of it, and is written unchanged.
    older = {k: v for k, v in online.items() if k != "artifacts_included"}
    loaded = HandoffOutEvidence.from_json(older)
    assert loaded.artifacts_included is None and loaded.artifacts_held() == ""
    assert loaded.to_json() == older


async def test_the_hand_off_screen_says_the_imported_bundle_came_without_artifacts(
        stations: Workstations) -> None:
    ws = stations
    prepare_online(ws)
    ws.cli("online", "bundle", "export", "--output", str(ws.usb / "out.tar"),
           "--without-artifacts")
    ws.cli("offline", "bundle", "import", str(ws.usb / "out.tar"), "--yes", "--artifacts",
           str(ws.online / "build"))
    fingerprint = status(ws, "offline")["handoff-out"]["evidence"]["fingerprint"]
    app = ReleaseConsoleApp(Options(repo=ws.offline, offline=True))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_step(pilot, "handoff-out", HandoffScreen)
        contents = " ".join(text_of(screen, "#handoff-contents").split())
        assert contents.startswith(f"This hand-off's bundle ({fingerprint}) was made without "
                                   "artifacts: they travel beside it.")
        await pilot.press("escape")
        push = await open_step(pilot, "push", StepScreen)
        plan = " ".join(text_of(push, "#step-plan").split())
        assert ONLINE_THERE in plan and "git push" not in plan


async def test_home_says_the_next_step_is_on_the_other_machine(stations: Workstations) -> None:
    """Walked by hand: once the bundle was written, the online home said "Next: smoke. Enter
    opens a step; n opens the next one.", as if the smoke test were done here."""
    ws = stations
    prepare_and_export(ws)
    app = ReleaseConsoleApp(Options(repo=ws.online))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        note = text_of(app.screen, "#message")
        assert "on the signing workstation" in note
        assert "press i here" in note
        assert "n opens the next one" not in note
