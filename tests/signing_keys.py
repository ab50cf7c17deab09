"""Throwaway signing keys for tests, made fast with the real tools.

- minisign: ``minisign -G -W`` (no passphrase); an encrypted key is that key re-encrypted here with
  the cheapest scrypt parameters minisign accepts, so tests do not spend 1 GiB and seconds per use.
- gpg: ed25519 via ``--quick-gen-key`` in the test's own GNUPGHOME (conftest isolates it).
- ssh: ``ssh-keygen -t ed25519 -N ''``.
"""

from __future__ import annotations

import base64
import hashlib
import os
import struct
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from services.session import Session
from services.signing.minisign import scrypt_stream
from services.step_protocol import Context
from services.step_status import StepStatus
from tests.journal_helpers import record_finished

CHEAP_OPSLIMIT = 32768
CHEAP_MEMLIMIT = 1 << 24


def run(*args: str, input_text: str | None = None, cwd: Path | None = None) -> str:
    proc = subprocess.run(list(args), input=input_text, capture_output=True, text=True,
                          cwd=cwd, check=False)
    if proc.returncode != 0:
        raise AssertionError(f"{' '.join(args)} failed: {proc.stderr}")
    return proc.stdout


def minisign_keypair(directory: Path, name: str = "minisign", *,
                     passphrase: str | None = None) -> tuple[Path, Path]:
    """(public key, secret key 0600) in ``directory``; encrypted when ``passphrase`` is given."""
    directory.mkdir(parents=True, exist_ok=True)
    pub, sec = directory / f"{name}.pub", directory / f"{name}.key"
    run("minisign", "-G", "-W", "-f", "-p", str(pub), "-s", str(sec))
    if passphrase is not None:
        lines = sec.read_text().splitlines()
        raw = base64.b64decode(lines[1])
        plain = raw[54:54 + 72]
        plain += hashlib.blake2b(raw[:2] + plain, digest_size=32).digest()
        salt = os.urandom(32)
        stream = scrypt_stream(passphrase, salt, CHEAP_OPSLIMIT, CHEAP_MEMLIMIT, len(plain))
        sealed = bytes(a ^ b for a, b in zip(plain, stream, strict=True))
        raw = (raw[:2] + b"Sc" + raw[4:6] + salt
               + struct.pack("<QQ", CHEAP_OPSLIMIT, CHEAP_MEMLIMIT) + sealed)
        sec.write_text("untrusted comment: minisign encrypted secret key\n"
                       + base64.b64encode(raw).decode() + "\n")
    sec.chmod(0o600)
    return pub, sec


def gpg_key(uid: str = "Release Signer <release@example.org>", *,
            passphrase: str | None = None) -> str:
    """Make an ed25519 signing key in $GNUPGHOME; returns its fingerprint."""
    args = ["gpg", "--batch", "--pinentry-mode", "loopback",
            "--passphrase", passphrase or "", "--quick-gen-key", uid, "ed25519", "sign", "never"]
    run(*args)
    listing = run("gpg", "--batch", "--with-colons", "--list-keys", uid)
    for line in listing.splitlines():
        if line.startswith("fpr:"):
            return line.split(":")[9]
    raise AssertionError("no fingerprint")


def gpg_export(fingerprint: str) -> str:
    return run("gpg", "--batch", "--armor", "--export", fingerprint)


def gpg_stop_agent(home: str | None = None) -> None:
    """Stop the agent of ``home`` (default $GNUPGHOME): no stray agents, and no cached passphrase."""
    env = {**os.environ, **({"GNUPGHOME": home} if home else {})}
    subprocess.run(["gpgconf", "--kill", "gpg-agent"], capture_output=True, check=False, env=env)


@pytest.fixture
def stop_gpg_agent() -> Iterator[None]:
    """The test's gpg-agent is stopped afterwards; gpg test modules use it for every test with
    ``pytestmark = pytest.mark.usefixtures("stop_gpg_agent")``."""
    home = os.environ["GNUPGHOME"]
    yield
    gpg_stop_agent(home)


def ssh_keypair(directory: Path, name: str = "id_release", *,
                passphrase: str = "") -> tuple[Path, str]:
    """(private key 0600, public key line); encrypted when ``passphrase`` is given."""
    directory.mkdir(parents=True, exist_ok=True)
    key = directory / name
    run("ssh-keygen", "-q", "-t", "ed25519", "-N", passphrase, "-C", name, "-f", str(key))
    return key, Path(f"{key}.pub").read_text().strip()


def allowed_signers(path: Path, identity: str, public_line: str) -> Path:
    key_type, blob = public_line.split()[:2]
    path.write_text(f"{identity} {key_type} {blob}\n")
    return path


# --- a release repository set up for the signing workstation ------------------------------------

POLICY_BASE = """\
[project]
name = "PAI"
[artifacts]
dir = "build"
[[artifacts.files]]
arch = "amd64"
name = "pai-{tag}-amd64.iso"
[[artifacts.files]]
arch = "arm64"
name = "pai-{tag}-arm64.iso"
[checksums]
combined = "SHA256SUMS"
[smoke]
checks = ["boots", "connects to network", "runs Ollama", "unlocks persistence"]
"""


MINISIGN_SIGNING = """\
[signing]
backend = "minisign"
public_key = "minisign.pub"
secret_key = "keys/minisign.key"
tag_format = "none"
"""


def minisign_project(repo: Path, *, passphrase: str | None = None,
                     base: str = POLICY_BASE) -> None:
    """A minisign key in ``keys/`` (its public half committed at the root) and the policy that
    pins it, with no tag signing: the signing tests' usual project."""
    minisign_keypair(repo / "keys", passphrase=passphrase)
    (repo / "keys" / "minisign.pub").replace(repo / "minisign.pub")
    write_policy(repo, MINISIGN_SIGNING, base=base)


def write_policy(repo: Path, signing: str, *, base: str = POLICY_BASE) -> None:
    """Commit release.toml (with the given [signing] table) and ignore build/ and keys/."""
    (repo / "release.toml").write_text(base + signing)
    (repo / ".gitignore").write_text("build/\nkeys/\n")
    run("git", "add", "release.toml", ".gitignore", cwd=repo)
    for extra in ("minisign.pub", "allowed_signers"):
        if (repo / extra).exists():
            run("git", "add", extra, cwd=repo)
    run("git", "commit", "-q", "-m", "Release policy", cwd=repo)


def build_artifacts(repo: Path, tag: str = "v0.2.0", size: int = 300_000) -> list[Path]:
    build = repo / "build"
    build.mkdir(exist_ok=True)
    paths = []
    for seed, arch in enumerate(("amd64", "arm64")):
        path = build / f"pai-{tag}-{arch}.iso"
        path.write_bytes(hashlib.sha256(f"{arch}{seed}".encode()).digest() * (size // 32))
        paths.append(path)
    return paths


def advance_to(ctx: Context, step_id: str) -> None:
    """Mark every step before ``step_id`` skipped (other teams' steps are not under test here).

    Pre-flight is marked done with HEAD as the release commit, as the real step records it, so
    the tag step knows which commit the release is cut from.
    """
    from services.flows import runbook

    session = ctx.require_session()
    before = []
    for step in runbook(session.kind):
        if step.id == step_id:
            break
        before.append(step.id)
    head = ctx.repo.head_sha()

    def mark(s: Session) -> None:
        for sid in before:
            if s.step(sid).status in {"done", "skipped"}:
                continue
            if sid == "preflight":
                s.step(sid).status, s.step(sid).evidence = StepStatus.DONE, {"commit": head}
            else:
                s.step(sid).status, s.step(sid).reason = StepStatus.SKIPPED, "not under test"

    record_finished(ctx, "advanced", mark)


def checksummed(ctx: Context, repo_path: Path) -> Context:
    """Release 0.2.0 started, its artifacts built and signed off on both architectures, and the
    artifacts, smoke and checksums steps run: the sign step is next."""
    from services import engine, smoke
    from services.session_lifecycle import ReleaseRequest, start_release
    from services.steps import registry
    from tests.conftest import sign_off

    start_release(ctx, ReleaseRequest(version="0.2.0"))
    build_artifacts(repo_path)
    for arch in ("amd64", "arm64"):
        sign_off(ctx, arch=arch, hardware="bench", marks=[smoke.Mark("pass", "all")])
    advance_to(ctx, "artifacts")
    for step in ("artifacts", "smoke", "checksums"):
        engine.run_step(ctx, registry()[step])
    return ctx
