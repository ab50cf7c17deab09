"""ssh backend: `ssh-keygen -Y sign -n file`, pinned by an allowed-signers line."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.conftest import run_cli
from tests.signing_keys import allowed_signers, build_artifacts, ssh_keypair, write_policy

IDENTITY = "release@example.org"
SIGNING = f"""\
[signing]
backend = "ssh"
ssh_key = "keys/id_release"
allowed_signers = "allowed_signers"
identity = "{IDENTITY}"
tag_format = "none"
"""


def setup(repo: Path) -> tuple[Path, str]:
    key, public = ssh_keypair(repo / "keys")
    allowed_signers(repo / "allowed_signers", IDENTITY, public)
    write_policy(repo, SIGNING)
    return key, public


def test_ssh_signature_verifies_with_ssh_keygen(repo_path: Path) -> None:
    setup(repo_path)
    isos = build_artifacts(repo_path)
    assert run_cli("checksums", *map(str, isos), cwd=repo_path).returncode == 0
    proc = run_cli("sign", *map(str, isos), cwd=repo_path)
    assert proc.returncode == 0, proc.stderr
    for iso in isos:
        with open(iso, "rb") as data:
            plain = subprocess.run(
                ["ssh-keygen", "-Y", "verify", "-f", "allowed_signers", "-I", IDENTITY,
                 "-n", "file", "-s", f"{iso}.sig"], stdin=data, cwd=repo_path,
                capture_output=True, text=True, check=False)
        assert plain.returncode == 0, plain.stderr
    ok = run_cli("verify", *map(str, isos), cwd=repo_path)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert ok.stdout.count("signature OK") == 2

    stranger = run_cli("verify", str(isos[0]), "--allowed-signers", "allowed_signers",
                       "--identity", "mallory@example.org", cwd=repo_path)
    assert stranger.returncode == 1 and isos[0].name in stranger.stderr


def test_ssh_key_not_in_allowed_signers_is_refused_before_signing(repo_path: Path) -> None:
    setup(repo_path)
    other, _ = ssh_keypair(repo_path / "keys", "id_other")
    iso = build_artifacts(repo_path)[0]
    proc = run_cli("sign", str(iso), "--ssh-key", str(other), cwd=repo_path)
    assert proc.returncode == 1
    assert f"is not the allowed signer for {IDENTITY}" in proc.stderr
    assert not Path(f"{iso}.sig").exists()


def test_ssh_key_with_open_permissions_is_refused(repo_path: Path) -> None:
    key, _ = setup(repo_path)
    key.chmod(0o640)
    iso = build_artifacts(repo_path)[0]
    proc = run_cli("sign", str(iso), cwd=repo_path)
    assert proc.returncode == 1 and "chmod 600" in proc.stderr
    assert not Path(f"{iso}.sig").exists()
