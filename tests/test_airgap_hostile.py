"""Hostile and wrong bundles are refused with one clear sentence, and nothing is written outside
the import's temporary folder: the receiving clone is byte for byte as it was."""

from __future__ import annotations

import json
import subprocess
import tarfile
from collections.abc import Callable
from pathlib import Path

import pytest

from services import netguard
from services.bundle.import_ import apply, verify_bundle
from services.errors import ConsoleError
from services.step_protocol import Context
from tests.airgap_helpers import (
    Workstations,
    offline_half,
    prepare_and_export,
)
from tests.bundle_forge import Members, forge, link, snapshot
from tests.conftest import git

ISO = "artifacts/pai-v1.3.0-amd64.iso"


def refused(ctx: Context, bundle: Path, expected: str) -> None:
    before = snapshot(ctx.root)
    with pytest.raises(ConsoleError, match=expected) as refusal:
        verify_bundle(ctx, bundle)
    assert refusal.value.remedy, f"{bundle.name}: said what is wrong but not what to do"
    # one sentence: a reason quoted inside it does not end it early ("...failed).);")
    assert ".)" not in refusal.value.message, refusal.value.message
    assert snapshot(ctx.root) == before, bundle.name
    assert not list((ctx.root / ".release").glob("import-*"))


def flip(name: str) -> Callable[[Members], None]:
    def change(members: Members) -> None:
        data = bytearray(members[name])
        data[len(data) // 2] ^= 0xFF
        members[name] = bytes(data)
    return change


def regular(name: str, data: bytes) -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    return info, data


def test_hostile_outbound_bundles_are_refused(stations: Workstations, tmp_path: Path) -> None:
    ws = stations
    prepare_and_export(ws)
    good = ws.usb / "out.tar"
    offline = ws.ctx("offline")
    bad = tmp_path / "bad"
    bad.mkdir()

    def version(m: dict[str, object]) -> None:
        m["version"] = "9.9.9"

    cases: list[tuple[str, Path, str]] = [
        ("traversal", forge(good, bad / "a.tar", extra=[regular("../evil.txt", b"x")]),
         "path traversal"),
        ("absolute", forge(good, bad / "b.tar", extra=[regular("/tmp/evil.txt", b"x")]),
         "absolute path"),
        ("symlink", forge(good, bad / "c.tar", extra=[link("artifacts/x", tarfile.SYMTYPE,
                                                           "/etc/passwd")]), "symbolic link"),
        ("hard link", forge(good, bad / "d.tar", extra=[link("artifacts/y", tarfile.LNKTYPE,
                                                             "session.json")]), "hard link"),
        ("unlisted", forge(good, bad / "e.tar", extra=[regular("files/extra", b"x")]),
         "not listed in the manifest"),
        ("changed artifact", forge(good, bad / "f.tar", change=flip(ISO), fix_digests=False),
         "pai-v1.3.0-amd64.iso does not match its sha256 in the manifest"),
        ("changed artifact, digests redone", forge(good, bad / "g.tar", change=flip(ISO)),
         "pai-v1.3.0-amd64.iso does not match the build host's sha256"),
        ("other project", forge(good, bad / "h.tar",
                                manifest=lambda m: m.update(repository="evil/pai")),
         "not this project"),
        ("other version", forge(good, bad / "i.tar", manifest=version), "refused"),
    ]
    truncated = bad / "j.tar"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    cases.append(("truncated", truncated, "truncated|cut off|no manifest"))
    # Found by a helper: cut only in its padding, the copy still read and was used, under another
    # fingerprint than the export's; the signed bundle coming back was then refused for good.
    padding = bad / "k.tar"
    padding.write_bytes(good.read_bytes()[:-2048])
    cases.append(("cut in its padding", padding, "is cut off at its end"))
    for _name, bundle, expected in cases:
        refused(offline, bundle, expected)

    # The right bundle on the wrong side: the outbound bundle on the online machine that wrote it.
    refused(ws.ctx("online"), good, "This is the bundle this machine wrote for the air-gapped")

    apply(offline, verify_bundle(offline, good))
    refused(ws.ctx("offline"), good, "was imported here already")
    refused(ws.ctx("offline"), older_bundle(good, bad / "older.tar"),
            "older than this session: its journal ends at entry")


def older_bundle(good: Path, target: Path) -> Path:
    """The same release with its journal one entry shorter, consistent in itself: an older
    export of the same session."""
    import hashlib

    from services.journal import line_hash

    state: dict[str, object] = {}

    def shorten(members: Members) -> None:
        lines = members["journal.jsonl"].splitlines(keepends=True)
        dropped = json.loads(lines.pop())
        members["journal.jsonl"] = b"".join(lines)
        head = line_hash(lines[-1])
        session = json.loads(members["session.json"])
        session["journal"] = {"head": head, "count": len(lines)}
        if dropped.get("action") == "done":  # before that entry, its step was still to do
            session["steps"][dropped["step"]] = {"status": "pending"}
        members["session.json"] = json.dumps(session).encode()
        state.update(head=head, count=len(lines),
                     session=hashlib.sha256(members["session.json"]).hexdigest())

    return forge(good, target, change=shorten, manifest=lambda m: m.update(
        journal_head=state["head"], journal_count=state["count"],
        session_sha256=state["session"]))


def test_hostile_return_bundles_are_refused(stations: Workstations, tmp_path: Path) -> None:
    ws = stations
    prepare_and_export(ws)
    good = offline_half(ws)
    # The offline workstation finished its part of v1.3.0: a bundle of the next release is no
    # longer held up by it (this one is refused later, for its own inconsistency).
    nxt = forge(ws.usb / "out.tar", tmp_path / "next.tar",
                manifest=lambda m: m.update(tag="v1.4.0", version="1.4.0"))
    with pytest.raises(ConsoleError, match=r"session is for v1\.3\.0, its manifest for v1\.4\.0"):
        verify_bundle(ws.ctx("offline"), nxt)
    online = ws.ctx("online")
    bad = tmp_path / "bad"
    bad.mkdir()
    pinned = ws.base / "offline" / "token" / "minisign.key"
    other = tmp_path / "other"
    other.mkdir()
    subprocess.run(["minisign", "-G", "-W", "-p", str(other / "k.pub"), "-s",
                    str(other / "k.key")], check=True, capture_output=True)
    sig = "files/pai-v1.3.0-amd64.iso.minisig"

    # A tag that points elsewhere, made in a copy of the offline clone and bundled.
    evil = tmp_path / "evil-clone"
    git(tmp_path, "clone", "-q", str(ws.offline), str(evil))
    git(evil, "tag", "-f", "-a", "v1.3.0", "-m", "PAI v1.3.0", "HEAD~1")
    git(evil, "bundle", "create", "-q", str(tmp_path / "evil.bundle"), "refs/heads/main",
        "refs/tags/v1.3.0", "^v1.2.0")
    evil_tag = git(evil, "rev-parse", "refs/tags/v1.3.0").strip()

    def swap_git(members: Members) -> None:
        members["repo.bundle"] = (tmp_path / "evil.bundle").read_bytes()

    cases = [
        ("changed signature", forge(good, bad / "a.tar", change=flip(sig), fix_digests=False),
         "iso.minisig does not match its sha256"),
        ("changed signature, manifest redone", forge(good, bad / "b.tar", change=flip(sig)),
         "manifest signature does not verify"),
        ("manifest edited", forge(good, bad / "c.tar",
                                  manifest=lambda m: m.update(creator="Mallory"),
                                  fix_digests=False), "manifest signature does not verify"),
        ("signed by another key", forge(good, bad / "d.tar", sign_key=other / "k.key",
                                        manifest=lambda m: m.update(creator="Mallory")),
         "not the pinned key|does not verify with the pinned key"),
        ("tag points elsewhere", forge(good, bad / "e.tar", change=swap_git,
                                       manifest=lambda m: m.update(tag_object=evil_tag),
                                       sign_key=pinned),
         "points at .* not the release commit"),
    ]
    for _name, bundle, expected in cases:
        refused(online, bundle, expected)

    # Both sides acted after the hand-off: the journals diverge, and the bundle is refused.
    online.record("notes", "edited on the online side after the hand-off")
    refused(ws.ctx("online"), good, "journals diverge at entry")
    steps = json.loads((ws.online / ".release/v1.3.0/session.json").read_text())["steps"]
    assert "tag" not in steps and not ws.ctx("online").repo.tag_exists("v1.3.0")


def test_the_guard_stops_a_connection_and_counts_it() -> None:
    import socket
    import urllib.request

    with netguard.guarded() as guard:
        with socket.socket() as raw, pytest.raises(
                netguard.NetworkBlocked, match=r"test_airgap_hostile.py:\d+ .*tried to reach "
                r"127\.0\.0\.1:9 \(socket\.connect\)"):
            raw.connect(("127.0.0.1", 9))
        with pytest.raises(Exception, match="network guard stopped it"):
            urllib.request.urlopen("http://example.org/", timeout=1)
        left, right = socket.socketpair()  # a Unix socket (gpg-agent) stays allowed
        left.sendall(b"ok")
        assert right.recv(2) == b"ok"
        left.close()
        right.close()
        assert [a.event for a in guard.attempts] == ["socket.connect", "socket.getaddrinfo"]
        assert guard.attempts[1].target.startswith("example.org")
    socket.socket().close()  # off again outside the block


@pytest.mark.parametrize("content", [b"# PAI\n" * 200, bytes(range(256)) * 40, b"hi\n",
                                     b"# PAI\n\nA live system.\n", bytes(range(256))],
                         ids=["a README", "a photo", "a word", "a short README",
                              "a short photo"])
def test_a_file_that_is_no_tar_is_named_as_such_not_as_a_cut_off_copy(
        repo_path: Path, tmp_path: Path, content: bytes) -> None:
    """Found walking the clear-errors standard: the README or a photo picked by mistake was 'cut
    off at its end (a copy that stopped short)', sending the captain to copy it again."""
    from tests.conftest import run_cli

    picked = tmp_path / "usb" / "out.tar"
    picked.parent.mkdir()
    picked.write_bytes(content)
    before = snapshot(repo_path)
    proc = run_cli("--offline", "bundle", "import", str(picked), cwd=repo_path)
    assert proc.returncode == 1
    assert proc.stderr == ("error: out.tar is not a release bundle (it is not a tar archive); "
                           "nothing was extracted. Check the path: import the .tar file "
                           "`bundle export` wrote.\n")
    assert snapshot(repo_path) == before


def test_a_bundle_whose_session_was_edited_is_refused_before_anything_is_used(
        stations: Workstations, tmp_path: Path) -> None:
    """An outbound bundle made by hand (or by an older console) from a session file edited to
    mark the smoke test done: the signing workstation would stop every step, some of which only
    the online machine can redo, so it is refused before anything of it is used."""
    import hashlib

    ws = stations
    prepare_and_export(ws)
    digest: dict[str, str] = {}

    def edit(members: Members) -> None:
        session = json.loads(members["session.json"])
        session["steps"]["smoke"] = {"status": "done", "evidence": {"checked": ["boots"]}}
        members["session.json"] = json.dumps(session).encode()
        digest["session"] = hashlib.sha256(members["session.json"]).hexdigest()

    edited = forge(ws.usb / "out.tar", tmp_path / "edited.tar", change=edit,
                   manifest=lambda m: m.update(session_sha256=digest["session"]))
    refused(ws.ctx("offline"), edited,
            "records smoke as finished, but its journal does not: the session file was edited")


@pytest.mark.parametrize("kept", [12, 300, 511])
def test_a_bundle_cut_inside_its_first_block_is_still_a_cut_off_copy(
        repo_path: Path, tmp_path: Path, kept: int) -> None:
    """Under one tar block, a file is a tar cut short only if its bytes read as the start of a
    tar header (name, octal fields, ustar magic), as the export's own first header does."""
    from services.bundle.tarstream import TarWriter
    from tests.conftest import run_cli

    whole = tmp_path / "whole.tar"
    with whole.open("wb") as out:
        writer = TarWriter(out, mtime=1_700_000_000)
        writer.add_bytes("session.json", b"{}\n")
        writer.close()
    cut = tmp_path / "usb" / "out.tar"
    cut.parent.mkdir()
    cut.write_bytes(whole.read_bytes()[:kept])
    proc = run_cli("--offline", "bundle", "import", str(cut), cwd=repo_path)
    assert proc.returncode == 1
    assert proc.stderr.startswith("error: The bundle out.tar is cut off at its end (a copy that "
                                  "stopped short); nothing was extracted."), proc.stderr


def test_a_bundle_whose_session_holds_entries_never_journaled_is_refused(
        stations: Workstations, tmp_path: Path) -> None:
    """No export leaves entries waiting in its session (it writes them first): one that does was
    edited, and the signing workstation's next record would have chained the edit into its
    journal as a sign-off by anyone, at any time. A damaged waiting list is refused too, where it
    made every command there stop once imported."""
    import hashlib

    ws = stations
    prepare_and_export(ws)
    digest: dict[str, str] = {}  # the edited session's, for the manifest
    for pending in ([{"seq": 15, "time": "2020-01-01T00:00:00Z", "actor": "Release Manager",
                      "step": "smoke", "action": "signed off", "inputs": {}, "outputs": {}}],
                    {"x": 1}):

        def edit(members: Members, pending: object = pending) -> None:
            session = json.loads(members["session.json"])
            session["journal"]["pending"] = pending
            members["session.json"] = json.dumps(session).encode()
            digest["session"] = hashlib.sha256(members["session.json"]).hexdigest()

        edited = forge(ws.usb / "out.tar", tmp_path / "edited.tar", change=edit,
                       manifest=lambda m: m.update(session_sha256=digest["session"]))
        refused(ws.ctx("offline"), edited, "The bundle's session.json ")
        (tmp_path / "edited.tar").unlink()
