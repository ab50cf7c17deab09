"""``release-console verify`` on a file with a fixed name (install.sh, no {tag} in it) in a downloads
folder holding several releases' combined lists (``SHA256SUMS-{tag}``): each list names install.sh,
each with that release's digest. verify checked it against the first list alphabetically
(SHA256SUMS-v1.10.0 before SHA256SUMS-v1.9.0), so v1.9.0's install.sh failed though its own list,
signed, has its digest. It passes now when a list giving its digest verifies with the pinned key,
and a digest in no such list still fails, naming the newest list by version."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.signing_keys import MINISIGN_SIGNING, POLICY_BASE, minisign_keypair, run

POLICY = POLICY_BASE.replace('combined = "SHA256SUMS"\n',
                             'combined = "SHA256SUMS-{tag}"\nsign_combined = true\n')
OLD, NEW = b"#!/bin/sh\necho 1.9.0\n", b"#!/bin/sh\necho 1.10.0\n"


def sign(folder: Path, name: str) -> None:
    run("minisign", "-S", "-s", str(folder / "keys" / "minisign.key"), "-m", str(folder / name))


def write_list(folder: Path, tag: str, data: bytes) -> None:
    (folder / f"SHA256SUMS-{tag}").write_text(f"{hashlib.sha256(data).hexdigest()}  install.sh\n")


@pytest.fixture
def downloads(tmp_path: Path) -> Path:
    """v1.9.0's install.sh, signed, beside v1.9.0's and v1.10.0's signed lists and the policy."""
    folder = tmp_path / "downloads"
    minisign_keypair(folder / "keys")
    (folder / "keys" / "minisign.pub").replace(folder / "minisign.pub")
    (folder / "release.toml").write_text(POLICY + MINISIGN_SIGNING)
    write_list(folder, "v1.9.0", OLD)
    write_list(folder, "v1.10.0", NEW)
    (folder / "install.sh").write_bytes(OLD)
    for name in ("SHA256SUMS-v1.9.0", "SHA256SUMS-v1.10.0", "install.sh"):
        sign(folder, name)
    return folder


def test_a_file_from_the_older_release_passes_by_its_own_signed_list(downloads: Path) -> None:
    done = run_cli("verify", "install.sh", cwd=downloads)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("✔ install.sh: sha256 OK; signature OK (")
    assert "; SHA256SUMS-v1.9.0 signature OK (" in done.stdout
    shown = json.loads(run_cli("verify", "install.sh", "--json", cwd=downloads).stdout)
    assert shown["files"][0]["checksum_list"]["file"] == "SHA256SUMS-v1.9.0"

    (downloads / "install.sh").write_bytes(NEW)  # the newer release's file: by its own list
    sign(downloads, "install.sh")
    newer = run_cli("verify", "install.sh", cwd=downloads)
    assert newer.returncode == 0, newer.stdout + newer.stderr
    assert "; SHA256SUMS-v1.10.0 signature OK" in newer.stdout


def test_a_digest_in_no_list_fails_naming_the_newest_list_and_what_to_do(downloads: Path) -> None:
    """The newest by version, v2.0.0 (v1.10.0 comes first by name)."""
    latest = b"#!/bin/sh\necho 2.0.0\n"
    write_list(downloads, "v2.0.0", latest)
    sign(downloads, "SHA256SUMS-v2.0.0")
    (downloads / "install.sh").write_bytes(b"#!/bin/sh\necho tampered\n")
    sign(downloads, "install.sh")  # even signed with the pinned key: no list vouches for it
    failed = run_cli("verify", "install.sh", cwd=downloads)
    assert failed.returncode == 1 and "Traceback" not in failed.stderr
    actual = hashlib.sha256(b"#!/bin/sh\necho tampered\n").hexdigest()
    assert (f"✘ install.sh: sha256 FAILED (sha256 is {actual}, in none of the 3 checksum lists "
            f"naming it (the newest, SHA256SUMS-v2.0.0, expects "
            f"{hashlib.sha256(latest).hexdigest()}); download it again from its release and verify "
            "it beside that release's list)") in failed.stdout
    assert failed.stderr.strip().endswith("error: Verification failed for install.sh.")


def test_the_list_giving_the_digest_must_verify(downloads: Path) -> None:
    """Fail closed: another release's list verifying is no vouch for this file's digest."""
    forged = downloads / "SHA256SUMS-v1.9.0.minisig"
    forged.write_bytes((downloads / "SHA256SUMS-v1.10.0.minisig").read_bytes())  # v1.10.0's
    refused = run_cli("verify", "install.sh", cwd=downloads)
    assert refused.returncode == 1
    assert "; SHA256SUMS-v1.9.0 signature FAILED (" in refused.stdout

    forged.unlink()  # the policy signs its lists: a missing signature is no vouch either
    missing = run_cli("verify", "install.sh", cwd=downloads)
    assert missing.returncode == 1
    assert ("; SHA256SUMS-v1.9.0 signature MISSING (SHA256SUMS-v1.9.0.minisig does not exist; "
            "the policy signs its combined list") in missing.stdout
    accepted = run_cli("verify", "install.sh", "--unsigned-list", cwd=downloads)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert "; SHA256SUMS-v1.9.0 not signed (accepted with --unsigned-list)" in accepted.stdout


def test_one_list_that_does_not_verify_is_not_outvoted(downloads: Path) -> None:
    """Both lists give install.sh the same digest (unchanged between the releases): v1.10.0's
    signature is replaced, and v1.9.0's verifying does not hide it."""
    write_list(downloads, "v1.10.0", OLD)
    (downloads / "SHA256SUMS-v1.10.0.minisig").write_bytes(  # a signature of another file
        (downloads / "install.sh.minisig").read_bytes())
    refused = run_cli("verify", "install.sh", cwd=downloads)
    assert refused.returncode == 1
    assert "; SHA256SUMS-v1.10.0 signature FAILED (" in refused.stdout
