"""The return bundle's manifest signed with GnuPG or ssh, as the policy says, with real keys:
it verifies with the pinned key on the online side; an edited manifest, or one signed by a key
other than the pinned one, is refused with one sentence and nothing changes."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from services.bundle.import_ import apply, verify_bundle
from services.errors import ConsoleError
from tests.airgap_helpers import Workstations, offline_half, prepare_and_export
from tests.bundle_forge import read, snapshot, write
from tests.conftest import git
from tests.signing_keys import gpg_key

pytestmark = pytest.mark.usefixtures("stop_gpg_agent")

MINISIGN_LINES = ('public_key = "minisign.pub"\n', 'secret_key = "../token/minisign.key"\n')


def use_backend(ws: Workstations, backend: str) -> None:
    """Commit the policy's signing backend on the online clone (the release commit carries it
    to the offline workstation, so both sides read the same policy)."""
    policy = ws.online / "release.toml"
    text = policy.read_text()
    for line in (*MINISIGN_LINES, 'backend = "minisign"\n'):
        assert line in text
        text = text.replace(line, "")
    if backend == "gpg":
        pin = gpg_key("PAI Release Signer <captain@pai.example>")
        text = text.replace("[signing]\n", f'[signing]\nbackend = "gpg"\nfingerprint = "{pin}"\n')
    else:  # the tag's ssh key signs the files too: its allowed-signers line admits both uses
        text = text.replace("[signing]\n", '[signing]\nbackend = "ssh"\n')
        signers = ws.online / "allowed_signers"
        signers.write_text(signers.read_text().replace('namespaces="git"',
                                                       'namespaces="git,file"'))
    policy.write_text(text)
    git(ws.online, "commit", "-q", "-am", f"Sign with {backend}")


def resign(good: Path, target: Path, backend: str, key_dir: Path) -> Path:
    """The bundle with an edited manifest signed by a key that is not the pinned one."""
    members = read(good)
    data = json.loads(members["manifest.json"])
    data["creator"] = "Mallory"
    raw = (json.dumps(data, indent=2, sort_keys=True) + "\n").encode()
    manifest = key_dir / "manifest.json"
    manifest.write_bytes(raw)
    if backend == "gpg":
        other = gpg_key("Mallory <mallory@example.org>")
        subprocess.run(["gpg", "--batch", "--yes", "--local-user", other, "--armor",
                        "--detach-sign", "--output", str(key_dir / "sig"), str(manifest)],
                       check=True, capture_output=True)
        name = "manifest.json.asc"
    else:
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "mallory",
                        "-f", str(key_dir / "mallory")], check=True, capture_output=True)
        subprocess.run(["ssh-keygen", "-Y", "sign", "-n", "file", "-f",
                        str(key_dir / "mallory"), str(manifest)], check=True,
                       capture_output=True)
        (key_dir / "manifest.json.sig").rename(key_dir / "sig")
        name = "manifest.json.sig"
    assert name in members, sorted(members)
    members["manifest.json"] = raw
    members[name] = (key_dir / "sig").read_bytes()
    ordered = {k: v for k, v in members.items() if not k.startswith("manifest.json")}
    ordered.update({k: members[k] for k in ("manifest.json", name)})
    return write(target, ordered)


@pytest.mark.parametrize("backend", ["gpg", "ssh"])
def test_return_manifest_signed_with_gpg_or_ssh(stations: Workstations, tmp_path: Path,
                                                backend: str) -> None:
    ws = stations
    use_backend(ws, backend)
    prepare_and_export(ws)
    good = offline_half(ws)
    members = read(good)
    suffix = ".asc" if backend == "gpg" else ".sig"
    assert f"manifest.json{suffix}" in members
    assert f"files/pai-v1.3.0-amd64.iso{suffix}" in members  # the artifacts too, same backend

    online = ws.ctx("online")
    before = snapshot(ws.online)
    bad = tmp_path / "bad"
    bad.mkdir()
    members["manifest.json"] = members["manifest.json"].replace(b'"creator": "',
                                                                b'"creator": "Mallory ')
    edited = write(bad / "edited.tar", {k: members[k] for k in members
                                        if not k.startswith("manifest.json")}
                   | {"manifest.json": members["manifest.json"],
                      f"manifest.json{suffix}": members[f"manifest.json{suffix}"]})
    for bundle in (edited, resign(good, bad / "other-key.tar", backend, bad)):
        with pytest.raises(ConsoleError) as refused:
            verify_bundle(online, bundle)
        sentence = refused.value.message
        assert sentence.startswith("The return bundle's manifest signature does not verify "
                                   "with the pinned key (") and sentence.endswith(
            "); the bundle was refused."), sentence
        assert "\n" not in sentence and "Traceback" not in sentence
        # not "redo its hand-off step": a redo re-signs with the same key (review)
        assert refused.value.remedy.startswith("Check that both machines pin the same key")
        assert snapshot(ws.online) == before
        assert not list((ws.online / ".release").glob("import-*"))

    prepared = verify_bundle(online, good)
    pin = "OpenPGP key" if backend == "gpg" else "ssh signer captain@pai.example"
    assert any(line.startswith(f"manifest signed by the pinned key: {pin}")
               for line in prepared.checks), prepared.checks
    apply(online, prepared)
    assert ws.ctx("online").repo.tag_exists("v1.3.0")
    assert (ws.online / "build" / f"pai-v1.3.0-arm64.iso{suffix}").is_file()
