"""ssh backend: `ssh-keygen -Y sign -n file`, pinned by an allowed-signers line."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

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


def test_passphrase_protected_key_gets_its_passphrase_from_the_console(
        repo_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No terminal: the console says how to supply it; the file and the variable are used."""
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    key, public = ssh_keypair(repo_path / "keys", passphrase="ssh pass phrase")
    allowed_signers(repo_path / "allowed_signers", IDENTITY, public)
    write_policy(repo_path, SIGNING)
    iso = build_artifacts(repo_path)[0]
    sig = Path(f"{iso}.sig")

    asked = run_cli("sign", str(iso), cwd=repo_path, input_text="")
    assert asked.returncode == 2  # needs input: exit 2 names the option
    assert "Passphrase for the ssh key" in asked.stderr and "ssh-agent" in asked.stderr
    assert "--passphrase-file" in asked.stderr and "incorrect passphrase" not in asked.stderr
    assert not sig.exists()

    wrong = tmp_path / "wrong"
    wrong.write_text("not it\n")
    wrong.chmod(0o600)
    bad = run_cli("sign", str(iso), "--passphrase-file", str(wrong), cwd=repo_path, input_text="")
    assert bad.returncode == 1
    assert f"The passphrase for the ssh key {key} is wrong; nothing was signed" in bad.stderr
    assert "not it" not in bad.stderr + bad.stdout and not sig.exists()

    good = run_cli("sign", str(iso), cwd=repo_path, input_text="",
                   env={"RELEASE_CONSOLE_PASSPHRASE": "ssh pass phrase"})
    assert good.returncode == 0, good.stderr
    with open(iso, "rb") as data:
        plain = subprocess.run(
            ["ssh-keygen", "-Y", "verify", "-f", "allowed_signers", "-I", IDENTITY,
             "-n", "file", "-s", str(sig)], stdin=data, cwd=repo_path,
            capture_output=True, text=True, check=False)
    assert plain.returncode == 0, plain.stderr
    assert "ssh pass phrase" not in sig.read_text()


def test_verify_refuses_tampered_artifact_signature_and_wrong_key(repo_path: Path) -> None:
    setup(repo_path)
    amd, arm = build_artifacts(repo_path)
    assert run_cli("checksums", str(amd), str(arm), cwd=repo_path).returncode == 0
    assert run_cli("sign", str(amd), str(arm), cwd=repo_path).returncode == 0

    _, other_public = ssh_keypair(repo_path / "keys", "id_other")
    allowed_signers(repo_path / "other_signers", IDENTITY, other_public)
    wrong = run_cli("verify", str(amd), "--allowed-signers", "other_signers",
                    "--identity", IDENTITY, cwd=repo_path)
    assert wrong.returncode == 1
    assert f"{amd.name}: sha256 OK; signature FAILED" in wrong.stdout

    sig = Path(f"{arm}.sig")
    lines = sig.read_text().splitlines()
    lines[3] = lines[3][:20] + ("A" if lines[3][20] != "A" else "B") + lines[3][21:]
    sig.write_text("\n".join(lines) + "\n")
    with open(amd, "ab") as handle:
        handle.write(b"evil")
    both = run_cli("verify", str(amd), str(arm), cwd=repo_path)
    assert both.returncode == 1
    assert f"{amd.name}: sha256 FAILED" in both.stdout and "signature FAILED" in both.stdout
    assert f"{arm.name}: sha256 OK; signature FAILED" in both.stdout
    assert amd.name in both.stderr and arm.name in both.stderr
    assert "Traceback" not in both.stderr


def test_a_missing_key_or_allowed_signers_names_where_its_path_came_from(
        repo_path: Path, tmp_path: Path) -> None:
    """Found walking the clear-errors standard: "fix the path in release.toml" for a path given
    with --ssh-key, and Python's own "[Errno 2]" words for a missing allowed-signers file."""
    setup(repo_path)
    iso = build_artifacts(repo_path)[0]
    gone = tmp_path / "id_gone"
    key = run_cli("sign", str(iso), "--ssh-key", str(gone), cwd=repo_path)
    assert key.returncode == 1
    assert key.stderr == (f"error: The ssh key {gone} does not exist. Plug in the token that "
                          "holds it, or fix --ssh-key.\n")
    public = run_cli("sign", str(iso), "--ssh-key", f"{gone}.pub", cwd=repo_path)
    assert public.returncode == 1 and "Errno" not in public.stderr
    assert f"The ssh key {gone}.pub does not exist." in public.stderr
    other = tmp_path / "ci-release.toml"
    other.write_text((repo_path / "release.toml").read_text().replace(
        'allowed_signers = "allowed_signers"', 'allowed_signers = "keys/gone_signers"'))
    signers = run_cli("--config", str(other), "sign", str(iso), cwd=repo_path)
    assert signers.returncode == 1
    assert signers.stderr == (
        f"error: The allowed-signers file {repo_path / 'keys' / 'gone_signers'} does not exist. "
        "Commit the project's allowed-signers file (the pin), or fix signing.allowed_signers "
        f"in {other}.\n")
    assert not list(iso.parent.glob("*.sig"))
