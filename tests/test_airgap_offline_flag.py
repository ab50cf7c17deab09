"""The commands the hand-off prints work when typed as printed, with the signing workstation
marked offline by the flag alone.

Walked by hand with two clones: the export said to run `release-console bundle import FILE` on
the signing workstation (refused there without --offline); the import, given --offline, said
"the release continues here: `release-console status`", and that status, typed as printed,
spoke as the online machine ("Carry the hand-off bundle to the offline workstation"); a smoke
sign-off then was refused with "Record it on the signing workstation, which has the bundle",
on that very workstation, with no word of --offline.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.airgap_helpers import Workstations, prepare_online
from tests.conftest import flat, run_cli

SIGN_OFF = ("smoke", "sign", "--arch", "amd64", "--hardware", "X1", "--pass", "all")


def test_the_printed_import_command_works_and_says_how_to_stay_offline(
        stations: Workstations) -> None:
    ws = stations
    prepare_online(ws)
    exported = ws.cli("online", "bundle", "export", "--output", str(ws.usb)).stdout
    # `status` says the same once the bundle is out, naming the file
    written = ws.usb / "PAI-v1.3.0-to-offline.tar"
    assert f"run `release-console bundle import {written} --offline` there" in \
        flat(ws.cli("online", "status").stdout)
    printed = re.search(r"run `release-console (bundle import \S+ --offline)` there",
                        flat(exported))  # wrapped at 80 columns, the command whole
    assert printed is not None, exported
    words = printed.group(1).split()
    assert words[2] == str(written)  # the whole path, typed from any folder
    imported = run_cli(*words, "--yes", cwd=ws.offline)  # marked offline by the flag only
    assert imported.returncode == 0, imported.stderr
    assert "give it to every command here, or `export RELEASE_CONSOLE_OFFLINE=1`" in \
        " ".join(imported.stdout.split())

    forgot = run_cli(*SIGN_OFF, cwd=ws.offline)
    assert forgot.returncode == 1 and "Traceback" not in forgot.stderr
    assert ("This clone is the signing workstation of v1.3.0 (it imported the bundle), but the "
            "console runs here as the online machine") in " ".join(forgot.stderr.split())
    assert "Give --offline, or `export RELEASE_CONSOLE_OFFLINE=1`, and record it again." in \
        " ".join(forgot.stderr.split())
    online = ws.cli("online", *SIGN_OFF, ok=False)  # the online machine is not told to mark it
    assert "Record it on the signing workstation, which has the bundle." in \
        " ".join(online.stderr.split()) and "--offline" not in online.stderr
    # `status` without the flag knows the clone from its journal: it imported the bundle
    status = " ".join(run_cli("status", cwd=ws.offline).stdout.split())
    assert ("This clone imported the hand-off bundle for signing: it is the signing workstation, "
            "but the console runs here as the online machine.") in status
    assert "Next: smoke — Run every command here with --offline, or `export " \
        "RELEASE_CONSOLE_OFFLINE=1`, or put `offline = true` in " in status
    assert "Carry the hand-off bundle to the offline workstation" not in status
    signed = run_cli(*SIGN_OFF, cwd=ws.offline, env={"RELEASE_CONSOLE_OFFLINE": "1"})
    assert signed.returncode == 0, signed.stderr


def test_an_import_on_a_machine_marked_offline_for_good_adds_no_advice(
        stations: Workstations) -> None:
    ws = stations
    prepare_online(ws)
    ws.cli("online", "bundle", "export", "--output", str(ws.usb / "out.tar"))
    imported = ws.cli("offline", "bundle", "import", str(ws.usb / "out.tar"), "--yes")
    assert "--offline is given" not in imported.stdout


def test_an_import_given_the_flag_beside_a_broken_settings_file_ends_as_it_succeeded(
        stations: Workstations, tmp_path: Path) -> None:
    """The flag alone marks the machine, so the broken settings file is never read for the
    import; the advice after it read it, and the import said "✔ Imported" then exited 2."""
    ws = stations
    prepare_online(ws)
    ws.cli("online", "bundle", "export", "--output", str(ws.usb / "out.tar"))
    config = tmp_path / "config"
    (config / "release-console").mkdir(parents=True)
    (config / "release-console" / "workstation.toml").write_text("offline = maybe\n")
    imported = run_cli("bundle", "import", str(ws.usb / "out.tar"), "--offline", "--yes",
                       cwd=ws.offline, env={"XDG_CONFIG_HOME": str(config)})
    assert imported.returncode == 0, imported.stderr
    assert "✔ Imported" in imported.stdout and "--offline is given" in imported.stdout
