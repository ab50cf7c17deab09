"""GnuPG backend: a software ed25519 key stands in for the OpenPGP card; checked with `gpg --verify`."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from services.policy import load_policy
from services.session_lifecycle import ReleaseRequest, start_release
from services.signing import Readiness, make_backend, signer_lines
from services.signing.gpg import GpgBackend
from services.step_protocol import Context
from tests.conftest import flat, run_cli
from tests.signing_keys import (
    advance_to,
    build_artifacts,
    gpg_export,
    gpg_key,
    gpg_stop_agent,
    write_policy,
)

pytestmark = pytest.mark.usefixtures("stop_gpg_agent")  # no stray gpg-agent after a test


def policy_for(fingerprint: str) -> str:
    return f'[signing]\nbackend = "gpg"\nfingerprint = "{fingerprint}"\ntag_format = "none"\n'


def test_gpg_signs_detached_armored_and_gpg_verify_agrees(repo_path: Path) -> None:
    fpr = gpg_key()
    write_policy(repo_path, policy_for(fpr))
    isos = build_artifacts(repo_path)
    assert run_cli("checksums", *map(str, isos), cwd=repo_path).returncode == 0
    proc = run_cli("sign", *map(str, isos), cwd=repo_path)
    assert proc.returncode == 0, proc.stderr
    for iso in isos:
        asc = Path(f"{iso}.asc")
        assert asc.read_text().startswith("-----BEGIN PGP SIGNATURE-----")
        plain = subprocess.run(["gpg", "--batch", "--verify", str(asc), str(iso)],
                               capture_output=True, text=True, check=False)
        assert plain.returncode == 0, plain.stderr
        assert "Good signature" in plain.stderr
    ok = run_cli("verify", *map(str, isos), cwd=repo_path)
    assert ok.returncode == 0, ok.stdout + ok.stderr

    other = gpg_key("Someone Else <else@example.org>")
    wrong = run_cli("verify", str(isos[0]), "--gpg-fingerprint", other, cwd=repo_path)
    assert wrong.returncode == 1
    assert f"not the pinned key {other}" in wrong.stdout


def test_gpg_key_not_matching_the_pin_is_refused_before_signing(repo_path: Path) -> None:
    pinned = gpg_key()
    other = gpg_key("Intruder <intruder@example.org>")
    write_policy(repo_path, policy_for(pinned))
    iso = build_artifacts(repo_path)[0]
    proc = run_cli("sign", str(iso), "--gpg-key", other, cwd=repo_path)
    assert proc.returncode == 1
    assert f"is not the pinned key {pinned}" in proc.stderr
    assert not Path(f"{iso}.asc").exists()


def test_protected_software_key_uses_loopback_passphrase(repo_path: Path, tmp_path: Path) -> None:
    fpr = gpg_key("Protected <p@example.org>", passphrase="s3cret pass")
    gpg_stop_agent()  # forget the passphrase cached while the key was made
    write_policy(repo_path, policy_for(fpr))
    ready = make_backend(load_policy(repo_path / "release.toml"), repo_path).prepare()
    assert ready.needs_passphrase and not ready.blockers
    iso = build_artifacts(repo_path)[0]
    wrong = tmp_path / "wrong"
    wrong.write_text("not it\n")
    wrong.chmod(0o600)
    bad = run_cli("sign", str(iso), "--passphrase-file", str(wrong), cwd=repo_path)
    assert bad.returncode == 1
    assert "GnuPG refused the passphrase" in bad.stderr
    assert not Path(f"{iso}.asc").exists()
    good = run_cli("sign", str(iso), cwd=repo_path,
                   env={"RELEASE_CONSOLE_PASSPHRASE": "s3cret pass"})
    assert good.returncode == 0, good.stderr
    assert subprocess.run(["gpg", "--batch", "--verify", f"{iso}.asc", str(iso)],
                          capture_output=True, check=False).returncode == 0


def test_no_card_is_a_clear_blocker(repo_path: Path, tmp_path: Path) -> None:
    fpr = gpg_key()
    public = gpg_export(fpr)
    # gpg-agent's socket path must stay under the 108-byte Unix limit, so keep the home short.
    card_home = Path(tempfile.mkdtemp(prefix="gh", dir="/tmp"))
    card_home.chmod(0o700)
    env = {"GNUPGHOME": str(card_home)}
    subprocess.run(["gpg", "--batch", "--import"], input=public, text=True, env={
        **os.environ, **env}, capture_output=True, check=True)
    write_policy(repo_path, policy_for(fpr))
    iso = build_artifacts(repo_path)[0]
    try:
        proc = run_cli("sign", str(iso), cwd=repo_path, env=env)
    finally:
        gpg_stop_agent(str(card_home))
        shutil.rmtree(card_home, ignore_errors=True)
    assert proc.returncode == 1
    assert "No OpenPGP card found" in proc.stderr and "Traceback" not in proc.stderr
    assert not Path(f"{iso}.asc").exists()


def test_cli_sign_and_dry_run_name_the_signing_key_before_signing(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    fpr = gpg_key()
    write_policy(repo_path, policy_for(fpr))
    iso = build_artifacts(repo_path)[0]
    proc = run_cli("sign", str(iso), cwd=repo_path)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    key_line = next(i for i, x in enumerate(lines) if f"Signing key {fpr}" in x)
    assert key_line < next(i for i, x in enumerate(lines) if x.startswith("✔"))
    assert f"pinned to OpenPGP key {fpr}" in proc.stdout

    ctx = make_ctx()
    start_release(ctx, ReleaseRequest(version="0.2.0"))
    advance_to(ctx, "sign")
    dry = run_cli("run", "sign", "--dry-run", cwd=repo_path)
    assert f"Note: Signing key {fpr} (software key in the GnuPG keyring, no card)." in \
        flat(dry.stdout)


def test_a_card_is_shown_with_its_serial_and_signing_key() -> None:
    """No card in CI: the card branch of what the CLI, the plan and the TUI print, from gpg's
    --card-status fields as prepare() records them."""
    backend = GpgBackend("A" * 40, "A" * 40)
    ready = Readiness(signer="A" * 40, details={"card_serial": "D276000124010304000612345678",
                                                "card_signing_key": "B" * 40})
    assert signer_lines(backend, ready) == [
        f"Backend gpg, pinned to OpenPGP key {'A' * 40}.",
        f"Card serial D276000124010304000612345678, signing key {'B' * 40}.",
    ]


def test_verify_refuses_tampered_artifact_and_signature(repo_path: Path) -> None:
    fpr = gpg_key()
    write_policy(repo_path, policy_for(fpr))
    amd, arm = build_artifacts(repo_path)
    assert run_cli("checksums", str(amd), str(arm), cwd=repo_path).returncode == 0
    assert run_cli("sign", str(amd), str(arm), cwd=repo_path).returncode == 0
    asc = Path(f"{arm}.asc")
    lines = asc.read_text().splitlines()
    body = next(i for i, x in enumerate(lines) if x and not x.startswith("-----"))
    lines[body] = ("A" if lines[body][0] != "A" else "B") + lines[body][1:]
    asc.write_text("\n".join(lines) + "\n")
    with open(amd, "ab") as handle:
        handle.write(b"evil")
    both = run_cli("verify", str(amd), str(arm), cwd=repo_path)
    assert both.returncode == 1
    assert f"{amd.name}: sha256 FAILED" in both.stdout
    assert f"{arm.name}: sha256 OK; signature FAILED" in both.stdout
    assert amd.name in both.stderr and arm.name in both.stderr and "Traceback" not in both.stderr
    plain = subprocess.run(["gpg", "--batch", "--verify", str(asc), str(arm)],
                           capture_output=True, check=False)
    assert plain.returncode != 0  # the plain tool agrees


def test_a_key_missing_from_the_keyring_names_where_its_fingerprint_came_from(
        repo_path: Path, tmp_path: Path) -> None:
    """A fingerprint given with --gpg-key (no pin in the policy) is fixed there, not in a
    release.toml that never named it; one pinned in --config FILE is fixed in that file."""
    iso = build_artifacts(repo_path)[0]
    absent = "0123456789ABCDEF0123456789ABCDEF01234567"
    given = run_cli("sign", str(iso), "--gpg-key", absent, cwd=repo_path)
    assert given.returncode == 1
    assert given.stderr == (f"error: The pinned OpenPGP key {absent} is not in your GnuPG "
                            "keyring. Import the project's public key (gpg --import KEY.asc) and "
                            "plug in the token, or fix --gpg-key.\n")
    other = tmp_path / "ci-release.toml"
    other.write_text(f'[signing]\nbackend = "gpg"\nfingerprint = "{absent}"\n')
    configured = run_cli("--config", str(other), "sign", str(iso), cwd=repo_path)
    assert configured.returncode == 1
    assert configured.stderr.endswith(f"or fix signing.fingerprint in {other}.\n")
    assert not Path(f"{iso}.asc").exists()
