"""minisign backend through the CLI, checked with the plain tools a user has."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.signing_keys import build_artifacts, minisign_keypair, minisign_project


@pytest.fixture
def release(repo_path: Path) -> Path:
    minisign_project(repo_path)
    return repo_path


def snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def test_sign_then_plain_tools_verify_and_console_verify_passes(release: Path) -> None:
    isos = build_artifacts(release)
    names = [str(p.relative_to(release)) for p in isos]
    assert run_cli("checksums", *names, cwd=release).returncode == 0
    signed = run_cli("sign", *names, "--tag", "v0.2.0", cwd=release)
    assert signed.returncode == 0, signed.stderr
    assert f"  sign: {len(isos)} of {len(isos)} files (100%)" in signed.stderr.splitlines()
    for iso in isos:
        plain = subprocess.run(["minisign", "-Vm", str(iso), "-p", "minisign.pub"], cwd=release,
                               capture_output=True, text=True, check=False)
        assert plain.returncode == 0, plain.stderr
        assert f"file:{iso.name}" in plain.stdout and "tag:v0.2.0" in plain.stdout
        sums = subprocess.run(["sha256sum", "-c", f"{iso.name}.sha256"], cwd=iso.parent,
                              capture_output=True, text=True, check=False)
        assert sums.returncode == 0
    verified = run_cli("verify", *names, cwd=release)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert verified.stdout.count("signature OK") == 2


def test_verify_refuses_tampered_artifact_signature_and_wrong_key(release: Path) -> None:
    amd, arm = build_artifacts(release)
    assert run_cli("checksums", str(amd), str(arm), cwd=release).returncode == 0
    assert run_cli("sign", str(amd), str(arm), cwd=release).returncode == 0

    other_pub, _ = minisign_keypair(release / "keys", "other")
    wrong = run_cli("verify", str(amd), "--minisign-pub", str(other_pub), cwd=release)
    assert wrong.returncode == 1
    assert amd.name in wrong.stderr and "pinned key" in wrong.stdout

    sig = Path(f"{arm}.minisig")
    lines = sig.read_text().splitlines()
    lines[3] = lines[3][:10] + ("A" if lines[3][10] != "A" else "B") + lines[3][11:]
    sig.write_text("\n".join(lines) + "\n")
    with open(amd, "ab") as handle:
        handle.write(b"evil")
    both = run_cli("verify", str(amd), str(arm), cwd=release)
    assert both.returncode == 1
    assert f"{amd.name}: sha256 FAILED" in both.stdout
    assert f"{arm.name}: sha256 OK; signature FAILED" in both.stdout
    assert amd.name in both.stderr and arm.name in both.stderr
    assert "Traceback" not in both.stderr


def test_key_not_matching_the_pin_is_refused_before_signing(release: Path) -> None:
    isos = build_artifacts(release)
    _, other_key = minisign_keypair(release / "keys", "intruder")
    before = snapshot(release / "build")
    proc = run_cli("sign", str(isos[0]), "--minisign-key", str(other_key), cwd=release)
    assert proc.returncode == 1
    assert "pinned public key" in proc.stderr and "nothing was signed" in proc.stderr
    assert snapshot(release / "build") == before


def test_encrypted_key_with_passphrase_file_and_wrong_passphrase(release: Path, tmp_path: Path
                                                                 ) -> None:
    pub, key = minisign_keypair(tmp_path / "token", "locked", passphrase="correct horse")
    shutil.copy(pub, release / "minisign.pub")
    iso = build_artifacts(release)[0]
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("battery staple\n")
    wrong.chmod(0o600)
    before = snapshot(release / "build")
    bad = run_cli("sign", str(iso), "--minisign-key", str(key), "--passphrase-file", str(wrong),
                  cwd=release)
    assert bad.returncode == 1
    assert "passphrase for the minisign key is wrong" in bad.stderr
    assert "battery staple" not in bad.stderr + bad.stdout
    assert snapshot(release / "build") == before
    garbled = tmp_path / "garbled.txt"
    garbled.write_bytes(b"\xff\xfe not text\n")
    garbled.chmod(0o600)
    unreadable = run_cli("sign", str(iso), "--minisign-key", str(key), "--passphrase-file",
                         str(garbled), cwd=release)
    assert unreadable.returncode == 1 and "Traceback" not in unreadable.stderr
    assert f"Cannot read the passphrase file {garbled}: it is not UTF-8 text." in unreadable.stderr
    assert snapshot(release / "build") == before
    missing = run_cli("sign", str(iso), "--minisign-key", str(key), "--passphrase-file",
                      str(tmp_path / "nope.txt"), cwd=release)
    assert missing.returncode == 2 and "release.toml" not in missing.stderr  # not where it came
    assert (f"{tmp_path / 'nope.txt'} (--passphrase-file) does not exist; nothing was signed. "
            "Give --passphrase-file the file that holds the key's passphrase.") in missing.stderr

    no_tty = run_cli("sign", str(iso), "--minisign-key", str(key), cwd=release)
    assert no_tty.returncode == 2 and "--passphrase-file" in no_tty.stderr

    good = run_cli("sign", str(iso), "--minisign-key", str(key), cwd=release,
                   env={"RELEASE_CONSOLE_PASSPHRASE": "correct horse"})
    assert good.returncode == 0, good.stderr
    plain = subprocess.run(["minisign", "-Vm", str(iso), "-p", str(pub)], capture_output=True,
                           check=False)
    assert plain.returncode == 0


def test_existing_signature_needs_force_and_is_never_silently_replaced(release: Path) -> None:
    iso = build_artifacts(release)[0]
    sig = Path(f"{iso}.minisig")
    sig.write_text("an old signature the captain may still need\n")
    refused = run_cli("sign", str(iso), cwd=release)
    assert refused.returncode == 1 and "--force" in refused.stderr
    assert sig.read_text() == "an old signature the captain may still need\n"
    forced = run_cli("sign", str(iso), "--force", cwd=release)
    assert forced.returncode == 0, forced.stderr
    assert subprocess.run(["minisign", "-Vm", str(iso), "-p", "minisign.pub"], cwd=release,
                          capture_output=True, check=False).returncode == 0


def test_key_file_readable_by_others_is_refused(release: Path) -> None:
    iso = build_artifacts(release)[0]
    (release / "keys" / "minisign.key").chmod(0o644)
    proc = run_cli("sign", str(iso), cwd=release)
    assert proc.returncode == 1
    assert "accessible by others" in proc.stderr and "chmod 600" in proc.stderr
    assert not Path(f"{iso}.minisig").exists()


def test_missing_minisign_names_the_tool_and_the_apt_line(release: Path, tmp_path: Path) -> None:
    iso = build_artifacts(release)[0]
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("git",):
        found = shutil.which(tool)
        assert found
        os.symlink(found, bin_dir / tool)
    proc = run_cli("sign", str(iso), cwd=release, env={"PATH": str(bin_dir)})
    assert proc.returncode == 3
    assert "minisign is not installed. Install it with: sudo apt-get install minisign" in proc.stderr
    verify = run_cli("verify", str(iso), cwd=release, env={"PATH": str(bin_dir)})
    assert verify.returncode == 3
    assert "sudo apt-get install minisign" in verify.stderr


def test_a_missing_secret_key_names_where_its_path_came_from(release: Path,
                                                             tmp_path: Path) -> None:
    """Found walking the clear-errors standard: a key path given with --minisign-key or read
    from --config FILE was to be fixed "in release.toml", a file that did not give it."""
    iso = build_artifacts(release)[0]
    before = snapshot(release / "build")
    gone = tmp_path / "stick" / "minisign.key"
    given = run_cli("sign", str(iso), "--minisign-key", str(gone), cwd=release)
    assert given.returncode == 1
    assert given.stderr == (f"error: The minisign secret key {gone} does not exist. Plug in the "
                            "token that holds it, or fix --minisign-key.\n")
    other = tmp_path / "ci-release.toml"
    other.write_text((release / "release.toml").read_text()
                     .replace('secret_key = "keys/minisign.key"', 'secret_key = "keys/gone.key"'))
    configured = run_cli("--config", str(other), "sign", str(iso), cwd=release)
    assert configured.returncode == 1
    assert configured.stderr == (
        f"error: The minisign secret key {release / 'keys' / 'gone.key'} does not exist. Plug "
        f"in the token that holds it, or fix signing.secret_key in {other}.\n")
    assert snapshot(release / "build") == before
