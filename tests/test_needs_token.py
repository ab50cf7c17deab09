"""``status --json`` says a step needs the hardware token only when the policy's key is on one.

It said ``needs_token: true`` for the sign and tag steps whatever the policy pinned: a minisign key
file, an ssh key file, a GnuPG key in the keyring, even an unsigned tag, so a script that waits for
the token to be plugged in before those steps waited for one the release never asks for. The
answer now follows the key: a minisign key file never, an ssh key when it is a FIDO key
(``sk-...``), a GnuPG key unless the keyring holds its secret half (then the card signs).
"""

from __future__ import annotations

import base64
import json
import os
import struct
from collections.abc import Callable
from pathlib import Path

import pytest

from services.session_lifecycle import ReleaseRequest, start_release
from services.step_protocol import Context
from tests.conftest import run_cli
from tests.signing_keys import (
    allowed_signers,
    gpg_key,
    minisign_project,
    run,
    ssh_keypair,
    write_policy,
)

pytestmark = pytest.mark.usefixtures("stop_gpg_agent")

IDENTITY = "release@example.org"
SSH_SIGNING = f"""\
[signing]
backend = "ssh"
ssh_key = "keys/{{key}}"
allowed_signers = "allowed_signers"
identity = "{IDENTITY}"
tag_format = "ssh"
"""


def _needs_token(repo: Path) -> dict[str, bool]:
    shown = run_cli("status", "--json", cwd=repo)
    assert shown.returncode == 0, shown.stderr
    return {step["id"]: step["needs_token"] for step in json.loads(shown.stdout)["steps"]}


def _started(repo: Path, make_ctx: Callable[..., Context]) -> dict[str, bool]:
    start_release(make_ctx(), ReleaseRequest(version="0.2.0"))
    flags = _needs_token(repo)
    assert not any(on for step, on in flags.items() if step not in {"sign", "tag"}), flags
    return flags


def _fido_public_line() -> str:
    """The public line of an ``ed25519-sk`` key (its private half would be on a FIDO token,
    which a test machine lacks): type, 32-byte key, application."""
    def string(data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + data

    kind = b"sk-ssh-ed25519@openssh.com"
    blob = string(kind) + string(os.urandom(32)) + string(b"ssh:")
    return f"{kind.decode()} {base64.b64encode(blob).decode()} release-token"


def test_a_minisign_key_file_and_an_unsigned_tag_need_no_token(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    minisign_project(repo_path)  # tag_format = "none"
    flags = _started(repo_path, make_ctx)
    assert flags["sign"] is False and flags["tag"] is False


def test_a_gpg_key_in_the_keyring_needs_no_token(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    fingerprint = gpg_key()
    write_policy(repo_path, f'[signing]\nbackend = "gpg"\nfingerprint = "{fingerprint}"\n'
                 f'tag_format = "openpgp"\ntag_key = "{fingerprint}"\n')
    flags = _started(repo_path, make_ctx)
    assert flags["sign"] is False and flags["tag"] is False


def test_a_gpg_key_whose_secret_half_is_not_in_the_keyring_is_on_the_card(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    fingerprint = gpg_key()  # then only the public half stays, as on a captain's card setup
    run("gpg", "--batch", "--yes", "--delete-secret-keys", fingerprint)
    write_policy(repo_path, f'[signing]\nbackend = "gpg"\nfingerprint = "{fingerprint}"\n'
                 f'tag_format = "openpgp"\ntag_key = "{fingerprint}"\n')
    flags = _started(repo_path, make_ctx)
    assert flags["sign"] is True and flags["tag"] is True


def test_an_ssh_key_file_needs_no_token(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    _key, public = ssh_keypair(repo_path / "keys")
    allowed_signers(repo_path / "allowed_signers", IDENTITY, public)
    write_policy(repo_path, SSH_SIGNING.format(key="id_release"))
    flags = _started(repo_path, make_ctx)
    assert flags["sign"] is False and flags["tag"] is False


def test_a_fido_ssh_key_is_on_the_token(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    public = _fido_public_line()
    (repo_path / "keys").mkdir()
    (repo_path / "keys" / "id_token.pub").write_text(public + "\n")  # ssh-agent holds the rest
    allowed_signers(repo_path / "allowed_signers", IDENTITY, public)
    write_policy(repo_path, SSH_SIGNING.format(key="id_token.pub"))
    flags = _started(repo_path, make_ctx)
    assert flags["sign"] is True and flags["tag"] is True
    # where the key file is not (the online machine of an air gap), the pinned key says it
    (repo_path / "keys" / "id_token.pub").unlink()
    assert _needs_token(repo_path)["sign"] is True


def test_a_missing_pin_is_said_without_a_token_for_a_key_file(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """Pre-flight's remedy for a missing minisign.pub said "the secret key stays on the hardware
    token" of a minisign key file too."""
    minisign_project(repo_path)
    start_release(make_ctx(), ReleaseRequest(version="0.2.0"))
    (repo_path / "minisign.pub").unlink()
    shown = json.loads(run_cli("status", "--json", cwd=repo_path).stdout)
    preflight = next(step for step in shown["steps"] if step["id"] == "preflight")
    said = " ".join(b["reason"] + " " + b["remedy"] for b in preflight["blockers"])
    assert "The pinned public key minisign.pub" in said, said
    assert "token" not in said and "the secret key is never committed" in said, said
