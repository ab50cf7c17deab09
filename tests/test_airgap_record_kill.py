"""The air gap's records killed between their journal entry and their session save.

No child process or HTTP request marks that window, so tests/kill_harness.py never kills there;
these SIGKILL the console right after the journal's append (tests/journal_helpers.py).
"""

from __future__ import annotations

import hashlib
import json
import signal
from pathlib import Path
from typing import Any

import pytest

from services.bundle.import_ import apply, verify_bundle
from services.journal import Journal
from tests.airgap_helpers import (
    Workstations,
    offline_half,
    prepare_and_export,
    prepare_online,
    signed_offline,
)
from tests.journal_helpers import killed_at_record


def test_an_export_killed_after_its_journal_entry_is_adopted_and_the_release_goes_on(
        stations: Workstations) -> None:
    """Found by the sweep: the export's entry journaled, the session not saved. Exporting
    again refused the bundle on the stick as "not this export" (suggesting out-2.tar), status
    and `next` said to export, and a second bundle carried instead of the first would come back
    unimportable (two export entries online, one offline)."""
    ws = stations
    prepare_online(ws)
    stick = ws.usb / "out.tar"
    killed = killed_at_record(ws.online, "bundle-exported", "after", "bundle", "export",
                              "--output", str(stick), env=ws.env)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    written = hashlib.sha256(stick.read_bytes()).hexdigest()

    again = json.loads(ws.cli("online", "bundle", "export", "--output", str(stick),
                              "--json").stdout)
    assert again["adopted"] is True and again["sha256"] == written
    assert sorted(p.name for p in ws.usb.iterdir()) == ["out.tar"]  # one bundle, the first
    journal = Journal(ws.online / ".release" / "v1.3.0" / "journal.jsonl")
    assert [e["action"] for e in journal.entries()].count("bundle-exported") == 1
    assert "Waits for the offline side." in ws.cli("online", "status").stdout
    verify = ws.cli("online", "journal", "verify").stdout
    assert "later ones" not in verify  # the session records the export entry now

    back = offline_half(ws)
    ws.cli("online", "bundle", "import", str(back), "--yes")
    assert ws.ctx("online").repo.tag_exists("v1.3.0")


def test_the_signed_bundle_killed_after_its_journal_entry_is_adopted_and_imported_online(
        stations: Workstations) -> None:
    """The same window on the way back: the signing workstation's export of the signed bundle."""
    ws = stations
    prepare_and_export(ws)
    signed_offline(ws)
    stick = ws.usb / "back.tar"
    killed = killed_at_record(ws.offline, "bundle-exported", "after", "bundle", "export",
                              "--output", str(stick), env={"RELEASE_CONSOLE_OFFLINE": "1"})
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    written = hashlib.sha256(stick.read_bytes()).hexdigest()

    again = json.loads(ws.cli("offline", "bundle", "export", "--output", str(stick),
                              "--json").stdout)
    assert again["adopted"] is True and again["sha256"] == written
    ws.cli("online", "bundle", "import", str(stick), "--yes")
    assert ws.ctx("online").repo.tag_exists("v1.3.0")
    assert "push" in ws.cli("online", "status").stdout.split("Next:")[-1]


def test_an_entry_left_waiting_goes_into_the_bundle_journaled_once(
        stations: Workstations) -> None:
    """A record saved with its entry waiting (killed before the append) and then a bundle
    export: the bundle carried the entry waiting, so each machine would journal it on its own
    and their journals would diverge (the signed bundle refused on its way back)."""
    from services.bundle.export import export_bundle
    from services.bundle.import_ import apply, verify_bundle
    from services.session import utc_now

    ws = stations
    prepare_online(ws)
    killed = killed_at_record(ws.online, "signed off", "before", "smoke", "sign", "--arch",
                              "amd64", "--tester", "Ana", "--hardware", "X1", "--pass", "all",
                              env=ws.env)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    export_bundle(ws.ctx("online", clock=utc_now), ws.usb / "out.tar")
    offline = ws.ctx("offline")
    apply(offline, verify_bundle(offline, ws.usb / "out.tar"))

    journals = [(side / ".release" / "v1.3.0" / "journal.jsonl").read_bytes()
                for side in (ws.online, ws.offline)]
    assert journals[1].startswith(journals[0])  # then the import's own entry
    actions = [e["action"] for e in Journal(ws.online / ".release/v1.3.0/journal.jsonl").entries()]
    assert actions.count("signed off") == 1 and actions[-1] == "bundle-exported"
    assert ws.ctx("offline").require_session().journal_pending == []


def test_an_import_over_an_entry_left_waiting_is_refused_until_it_is_written(
        stations: Workstations) -> None:
    """The imported session replaces this machine's: a tick killed before its append on the
    online machine, then the signed bundle imported, lost the tick and its entry without a
    word (not killed, the same tick makes the journals diverge and the import is refused)."""
    ws = stations
    prepare_and_export(ws)
    offline_half(ws)
    ctx = ws.ctx("online")  # as a record killed before its append leaves it (session first)
    session = ctx.require_session()
    ctx.recorder(session).stage(session, "post-release", "checklist ticked",
                                inputs={"items": ["Announce it"]})
    ctx.store.save(session, now=ctx.clock())
    before = ws.ctx("online").require_session().to_json()
    imported = ws.cli("online", "bundle", "import", str(ws.usb / "back.tar"), "--yes", ok=False)
    assert imported.returncode == 1, imported.stdout
    said = " ".join(imported.stderr.split())
    assert ("holds a journal entry a stopped command had not written (post-release 'checklist "
            "ticked'): importing would lose it, so nothing was imported.") in said
    assert "Run `release-console journal repair` here" in said
    assert ws.ctx("online").require_session().to_json() == before


def killed_sign_off(ws: Workstations) -> None:
    """Another terminal's `smoke sign` (no run lock: it may come while an export runs), killed
    with its entry saved waiting in the session and not yet journaled."""
    killed = killed_at_record(ws.online, "signed off", "before", "smoke", "sign", "--arch",
                              "amd64", "--tester", "Ana", "--hardware", "X1", "--pass", "all",
                              env=ws.env)
    assert killed.returncode == -signal.SIGKILL, killed.stderr


def journaled_once_on_both_sides(ws: Workstations, bundle: Path) -> None:
    """The waiting entry was written here before the pack: the bundle carries none waiting, the
    online journal has it once before the export, the signing workstation's journal goes on
    from the online one (with it in), and nothing waits there to be written a second time."""
    import tarfile

    with tarfile.open(bundle) as archive:
        member = archive.extractfile("session.json")
        assert member is not None
        carried = json.loads(member.read())
    assert carried.get("journal", {}).get("pending", []) == [], carried.get("journal")
    offline = ws.ctx("offline")
    apply(offline, verify_bundle(offline, bundle))
    journals = [(side / ".release" / "v1.3.0" / "journal.jsonl").read_bytes()
                for side in (ws.online, ws.offline)]
    assert journals[1].startswith(journals[0])
    actions = [e["action"] for e in Journal(ws.online / ".release/v1.3.0/journal.jsonl").entries()]
    assert actions.count("signed off") == 1 and actions[-1] == "bundle-exported"
    assert ws.ctx("offline").require_session().journal_pending == []


def test_an_entry_left_waiting_after_the_export_read_the_session_is_written_before_it(
        stations: Workstations) -> None:
    """Found reading the export: it looked for waiting entries only in the session it read at
    its start. A sign-off killed in another terminal after that read went into the bundle
    waiting, and each machine would journal it on its own."""
    from services.bundle.export import export_bundle
    from services.session import utc_now

    ws = stations
    prepare_online(ws)
    ctx = ws.ctx("online", clock=utc_now)  # the export's start: the session as it is now
    killed_sign_off(ws)
    export_bundle(ctx, ws.usb / "out.tar")
    journaled_once_on_both_sides(ws, ws.usb / "out.tar")


def test_an_entry_left_waiting_while_the_export_packs_is_written_before_the_pack(
        stations: Workstations, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same, with the sign-off killed while the export runs (after its own check, while it
    writes the git bundle): the session and journal packed are read under the session's lock,
    with what waits written first."""
    from services.bundle import gitpart
    from services.bundle.export import export_bundle
    from services.session import utc_now

    ws = stations
    prepare_online(ws)
    real = gitpart.create

    def create_then_a_killed_sign_off(*args: Any, **kwargs: Any) -> Any:
        made = real(*args, **kwargs)
        killed_sign_off(ws)
        return made

    monkeypatch.setattr(gitpart, "create", create_then_a_killed_sign_off)
    export_bundle(ws.ctx("online", clock=utc_now), ws.usb / "out.tar")
    monkeypatch.undo()
    journaled_once_on_both_sides(ws, ws.usb / "out.tar")
