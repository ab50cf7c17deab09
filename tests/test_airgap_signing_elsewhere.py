"""On the online machine of an air-gapped policy the sign and tag steps are done on the signing
workstation. Found by an exploratory walk: their screens and `run sign|tag --dry-run` showed the
signing plan as if it ran here, with the offline token's key paths (which do not exist on this
machine) and `git tag -s` commands, and the hand-off back said "Write the hand-off bundle". They
now say what happens there and what to do here."""

from __future__ import annotations

from console.app import ReleaseConsoleApp
from console.wiring import Options
from screens.step import StepScreen
from screens.steps.sign import SignScreen
from tests.airgap_helpers import Workstations, prepare_and_export, prepare_online
from tests.conftest import flat
from tests.tui_helpers import open_step, open_with_key, text_of

THERE = "Done on the air-gapped signing workstation, not on this machine:"


def test_dry_runs_on_the_online_machine_say_the_signing_workstation_does_it(
        stations: Workstations) -> None:
    ws = stations
    prepare_online(ws)
    token_here = str(ws.online.parent / "token")  # where ../token resolves on this machine
    assert not (ws.online.parent / "token").exists()

    for step in ("sign", "tag"):
        plan = ws.cli("online", "run", step, "--dry-run", ok=False)
        assert plan.returncode == 1 and "(dry run: nothing was changed)" in plan.stdout
        assert THERE in plan.stdout
        assert token_here not in plan.stdout and "tag -s" not in plan.stdout
        assert ".minisig" not in plan.stdout
        assert "Here: once the steps before the hand-off are done, export the bundle" in \
            plan.stdout
    sign = flat(ws.cli("online", "run", "sign", "--dry-run", ok=False).stdout)
    # a minisign key file and a plain ssh key are no token: the plan does not send for one
    assert "its key signs the 2 artifacts with minisign, pinned to minisign key" in sign
    tag = flat(ws.cli("online", "run", "tag", "--dry-run", ok=False).stdout)
    assert "it makes the signed tag v1.3.0 on" in tag and "with its key (ssh)" in tag

    # The hand-off back is written there too: here it is imported.
    back = flat(ws.cli("online", "run", "handoff-back", "--dry-run", ok=False).stdout)
    assert back.startswith("Written on the air-gapped signing workstation (`release-console "
                           "bundle export` there), not on this machine; here it is imported")
    assert "$ release-console bundle import FILE" in back and "bundle export [" not in back

    ws.cli("online", "bundle", "export", "--output", str(ws.usb / "out.tar"))
    away = flat(ws.cli("online", "run", "tag", "--dry-run", ok=False).stdout)
    assert "Here: the bundle is with the signing workstation; when the signed bundle comes " \
           "back, import it (`release-console bundle import FILE`" in away

    # The signing workstation itself still shows its real plan: its key, its commands.
    ws.cli("offline", "bundle", "import", str(ws.usb / "out.tar"), "--yes")
    assert ws.cli("offline", "run", "handoff-out", "--dry-run", ok=False).stdout.startswith(
        "Written on the online machine (`release-console bundle export` there)")
    assert "$ release-console bundle export [--output FILE]" in ws.cli(
        "offline", "run", "handoff-back", "--dry-run", ok=False).stdout
    offline_tag = ws.cli("offline", "run", "tag", "--dry-run", ok=False).stdout
    assert THERE not in offline_tag and "tag -s" in offline_tag
    assert str(ws.offline.parent / "token" / "id_tag_ed25519") in offline_tag
    offline_sign = ws.cli("offline", "run", "sign", "--dry-run", ok=False).stdout
    assert THERE not in offline_sign and "create build/pai-v1.3.0-amd64.iso.minisig" in \
        offline_sign


async def test_the_online_sign_and_tag_screens_show_the_signing_workstation_plan(
        stations: Workstations) -> None:
    ws = stations
    prepare_and_export(ws)
    app = ReleaseConsoleApp(Options(repo=ws.online))
    async with app.run_test(size=(100, 40)) as pilot:
        sign = await open_step(pilot, "sign", SignScreen)
        panel = text_of(sign, "#sign-key")
        assert "The signing key is at the air-gapped signing workstation" in panel
        assert "Signer" not in panel
        plan = " ".join(text_of(sign, "#step-plan").split())
        assert THERE in plan and "create build/" not in plan
        assert "when the signed bundle comes back, import it" in plan
        await pilot.press("escape")
        tag = await open_step(pilot, "tag", StepScreen)
        plan = " ".join(text_of(tag, "#step-plan").split())
        assert THERE in plan and "it makes the signed tag v1.3.0" in plan
        assert "token/id_tag_ed25519" not in plan and "tag -s" not in plan


def test_a_yank_on_the_signing_workstation_says_the_online_machine_does_it(
        stations: Workstations) -> None:
    refused = stations.cli("offline", "yank", "v1.2.0", "--reason", "broken", "--replacement",
                           "1.2.1", "--dry-run", ok=False)
    assert refused.returncode == 3
    assert "what talks to GitHub (push, draft, review, publish, yank) waits for the online " \
           "side" in refused.stderr


async def test_the_online_smoke_screen_opens_at_its_title_while_the_bundle_is_away(
        stations: Workstations) -> None:
    """Walked at 80x24: on the online machine, after the export, the smoke screen opened
    scrolled down two lines (its title cut off): the sign-off form took the focus as the screen
    opened and scrolled to it, then the load hid the form, as the bundle is away."""
    from screens.steps.smoke import SmokeScreen
    from screens.widgets import StepBody

    ws = stations
    prepare_and_export(ws)
    app = ReleaseConsoleApp(Options(repo=ws.online))
    async with app.run_test(size=(80, 24)) as pilot:
        # the step to do now, as Enter on its row opens it
        smoke = await open_with_key(pilot, "enter", SmokeScreen)
        assert "is with the signing workstation" in text_of(smoke, "#smoke-status")
        assert not smoke.query_one("#smoke-form").display
        assert smoke.query_one("#step-body", StepBody).scroll_y == 0
