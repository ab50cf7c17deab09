"""A bundle of another start of the same release: its journal parts from this one's at the very
first entry, the session's start. Walked by hand with another clone's v1.3.0 bundle on the stick:
the refusal said "The journals diverge at entry 1 ... Both sides acted after the hand-off",
which was not what happened, and sent the captain to compare journals instead of saying what
to do with the bundle."""

from __future__ import annotations

import shutil
import subprocess

from tests.airgap_helpers import Workstations, offline_half, prepare_and_export
from tests.bundle_forge import snapshot
from tests.conftest import flat

ABANDON = '`release-console abandon v1.3.0 --reason "..."`'


def test_a_bundle_of_a_restarted_release_is_named_so_on_both_machines(
        stations: Workstations) -> None:
    ws = stations
    prepare_and_export(ws)
    back = offline_half(ws)  # the signing workstation signed the first start and sent it back
    # ... but the online machine abandoned that start and began v1.3.0 again.
    said = flat(ws.cli("online", "abandon", "v1.3.0", "--reason", "wrong build").stdout)
    drop = said.split("To drop them: `")[1].split("`")[0]
    subprocess.run(drop.split(), cwd=ws.online, check=True)
    (ws.usb / "out.tar").rename(ws.usb / "first.tar")
    second = prepare_and_export(ws)

    before = snapshot(ws.online)
    # the first start's hand-off bundle is not called "the bundle this machine wrote"
    own = flat(ws.cli("online", "bundle", "import", str(second), "--yes", ok=False).stderr)
    assert "This is the bundle this machine wrote for the air-gapped signing workstation" in own
    first = flat(ws.cli("online", "bundle", "import", str(ws.usb / "first.tar"), "--yes",
                        ok=False).stderr)
    assert ("error: This bundle goes to the air-gapped signing workstation, and it is not the one "
            "this machine wrote for v1.3.0 (it is of another start of the release, or another "
            "clone's); it was refused here. Carry this machine's own hand-off bundle to the "
            "signing workstation; the bundle to import here is the signed one it writes back "
            "(its name ends in -to-online.tar).") in first
    refused = ws.cli("online", "bundle", "import", str(back), "--yes", ok=False)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    text = flat(refused.stderr)
    assert text.startswith("error: This bundle is of another start of v1.3.0 than the one here "
                           "(its session was started by ")
    assert "it was refused and nothing changed." in text
    assert "Both sides acted" not in text and "diverge" not in text
    assert ("Import the signed bundle made from this machine's own hand-off bundle; if the "
            "signing workstation signed an earlier start of v1.3.0, abandon that there "
            f"({ABANDON}), import this machine's hand-off bundle there and sign it.") in text
    assert snapshot(ws.online) == before

    before = snapshot(ws.offline)
    refused = ws.cli("offline", "bundle", "import", str(second), "--yes", ok=False)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    text = flat(refused.stderr)
    assert "This bundle is of another start of v1.3.0 than the one here" in text
    assert ("If the online machine abandoned the v1.3.0 here and started it again, abandon it "
            f"here too ({ABANDON}) and import this bundle again (it then says what to set "
            "aside); otherwise it belongs to another clone: take it off the stick.") in text
    assert snapshot(ws.offline) == before

    # What it says leads through: abandon, import again, set aside as told, import.
    ws.cli("offline", "abandon", "v1.3.0", "--reason", "restarted on the online machine")
    told = flat(ws.cli("offline", "bundle", "import", str(second), "--yes", ok=False).stderr)
    assert "move .release/v1.3.0/ aside first (e.g. into .release/abandoned/" in told
    (ws.offline / ".release" / "abandoned").mkdir()
    shutil.move(ws.offline / ".release" / "v1.3.0", ws.offline / ".release" / "abandoned")
    ws.cli("offline", "bundle", "import", str(second), "--yes")
    assert "Next: smoke" in ws.cli("offline", "status").stdout
