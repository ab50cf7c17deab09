"""ssh signatures (``ssh-keygen -Y sign -n file``), for FIDO security keys such as ``ed25519-sk``.

The pin is a line in an allowed-signers file (identity + public key), the same file ``git`` and
``ssh-keygen -Y verify`` use. The public half of an OpenSSH private key is stored unencrypted in its
header, so the key is compared with the pin before anything is signed, without a passphrase or a
touch. A key passphrase is asked by the console (like minisign's) and handed to ``ssh-keygen``
through ``SSH_ASKPASS``; a key held by ssh-agent needs none; a FIDO touch happens on the token.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import fnmatch
import hashlib
import os
import re
import shlex
import shutil
import struct
import tempfile
from collections.abc import Iterator
from pathlib import Path

from services import tools
from services.errors import UsageError
from services.policy import Policy
from services.signing import (
    Backend,
    Overrides,
    Readiness,
    SignatureInvalid,
    SigningError,
    Verified,
    missing_key,
    origin,
    private_file_blocker,
    resolve,
    same_pin,
)
from services.step_protocol import Blocker

_KEY_TYPE = re.compile(r"^(ssh-|sk-|ecdsa-sha2-|rsa-sha2-)")
_MAGIC = b"openssh-key-v1\0"


def fingerprint(blob: bytes) -> str:
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")


def _string(data: bytes, offset: int) -> tuple[bytes, int]:
    (length,) = struct.unpack(">I", data[offset:offset + 4])
    end = offset + 4 + length
    if end > len(data):
        raise ValueError("truncated")
    return data[offset + 4:end], end


def public_blob(path: Path) -> tuple[bytes, bool]:
    """(public key blob, encrypted?) of an OpenSSH private key file, or of a public key file."""
    text = path.read_text(encoding="utf-8", errors="replace").strip()
    if _KEY_TYPE.match(text):
        return base64.b64decode(text.split()[1]), False
    body = "".join(line for line in text.splitlines() if not line.startswith("-----"))
    try:
        data = base64.b64decode(body)
        if not data.startswith(_MAGIC):
            raise ValueError("not openssh-key-v1")
        cipher, offset = _string(data, len(_MAGIC))
        _kdf, offset = _string(data, offset)
        _options, offset = _string(data, offset)
        offset += 4  # number of keys; the first is the one ssh-keygen uses
        blob, _ = _string(data, offset)
    except (ValueError, binascii.Error, struct.error):
        pub = Path(f"{path}.pub")
        if pub.exists():
            return public_blob(pub)
        raise SigningError(f"{path} is not an OpenSSH key file.",
                           remedy="Use a key made by ssh-keygen (or its .pub with the key in "
                           "ssh-agent).") from None
    return blob, cipher != b"none"


def allowed_keys(path: Path, identity: str) -> list[bytes]:
    """Public key blobs the allowed-signers file accepts for ``identity``."""
    keys = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            tokens = shlex.split(line)
        except ValueError:
            continue
        principals = tokens[0].split(",")
        if not any(fnmatch.fnmatchcase(identity, p) for p in principals if not p.startswith("!")):
            continue
        for i, token in enumerate(tokens[1:-1], start=1):
            if _KEY_TYPE.match(token) and "=" not in token:
                with contextlib.suppress(binascii.Error):
                    keys.append(base64.b64decode(tokens[i + 1]))
                break
    return keys


ASKPASS_SCRIPT = """#!/bin/sh
# Release Console: answers ssh-keygen's passphrase question from the environment of this one run.
# A notification (SSH_ASKPASS_PROMPT=none, "touch the key") gets no answer.
[ -z "$SSH_ASKPASS_PROMPT" ] || exit 0
printf '%s\\n' "$RELEASE_CONSOLE_SSH_PASSPHRASE"
"""


@contextlib.contextmanager
def askpass(passphrase: str | None) -> Iterator[dict[str, str] | None]:
    """The environment that makes ssh-keygen take ``passphrase`` from a helper, never a tty.

    ``SSH_ASKPASS_REQUIRE=force`` (OpenSSH 8.4+) sends the question to ``SSH_ASKPASS``; the
    helper holds no secret (it prints a variable set only for this child process) and lives in
    a private directory removed right after. None means "no passphrase": the plain environment.
    """
    if passphrase is None:
        yield None
        return
    directory = Path(tempfile.mkdtemp(prefix="rc-askpass-"))
    try:
        helper = directory / "askpass"
        helper.write_text(ASKPASS_SCRIPT, encoding="utf-8")
        helper.chmod(0o700)
        env = {key: value for key, value in os.environ.items() if key != "DISPLAY"}
        env.update({"SSH_ASKPASS": str(helper), "SSH_ASKPASS_REQUIRE": "force",
                    "RELEASE_CONSOLE_SSH_PASSPHRASE": passphrase})
        yield env
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def agent_keys() -> set[bytes]:
    """Public key blobs ssh-agent holds (empty without an agent): those need no passphrase."""
    if not os.environ.get("SSH_AUTH_SOCK") or tools.find("ssh-add") is None:
        return set()
    proc = tools.run("ssh-add", "-L", timeout=10)
    keys = set()
    for line in proc.stdout.decode("utf-8", "replace").splitlines():
        parts = line.split()
        if len(parts) >= 2 and _KEY_TYPE.match(parts[0]):
            with contextlib.suppress(binascii.Error):
                keys.add(base64.b64decode(parts[1]))
    return keys


class SshBackend(Backend):
    name = "ssh"
    suffix = ".sig"
    tool = "ssh-keygen"

    def __init__(self, key: Path | None, allowed_signers: Path, identity: str) -> None:
        self.key = key
        self.allowed_signers = allowed_signers
        self.identity = identity
        self.encrypted = False  # set by prepare(): the passphrase goes through SSH_ASKPASS

    @classmethod
    def from_policy(cls, policy: Policy, root: Path, overrides: Overrides, *,
                    verifying: bool = False) -> SshBackend:
        if verifying:
            signers = overrides.allowed_signers or policy.signing_allowed_signers
            identity = overrides.identity or policy.signing_identity
        else:
            signers = same_pin(policy.signing_allowed_signers, overrides.allowed_signers,
                               what="allowed-signers file", option="--allowed-signers",
                               where=policy.where)
            identity = same_pin(policy.signing_identity, overrides.identity,
                                what="signer identity", option="--identity", where=policy.where)
        if not signers or not identity:
            raise UsageError("ssh signatures need an allowed-signers file and an identity.",
                             remedy="Set signing.allowed_signers and signing.identity in "
                             "release.toml, or pass --allowed-signers PATH --identity ID.")
        key = overrides.ssh_key or policy.signing_ssh_key
        backend = cls(resolve(root, key) if key else None, resolve(root, signers), identity)
        backend.origins = {
            "key": origin(policy, "ssh_key", overrides.ssh_key, "--ssh-key"),
            "allowed signers": origin(
                policy, "allowed_signers",
                overrides.allowed_signers if signers != policy.signing_allowed_signers else "",
                "--allowed-signers"),
        }
        return backend

    def pin_description(self) -> str:
        return f"ssh signer {self.identity} in {self.allowed_signers}"

    def describe(self, ready: Readiness) -> list[str]:
        details = ready.details
        if details.get("key"):
            return [f"Key {details['key']} ({ready.signer})"
                    + (f", {details['agent']}" if details.get("agent") else "") + "."]
        return super().describe(ready)

    def prepare(self) -> Readiness:
        ready = self.fresh_readiness(self.identity)
        if ready.blockers:
            return ready
        try:
            pinned = allowed_keys(self.allowed_signers, self.identity)
        except FileNotFoundError:
            where = self.origins.get("allowed signers", "signing.allowed_signers in release.toml")
            ready.blockers.append(Blocker(
                f"The allowed-signers file {self.allowed_signers} does not exist.",
                f"Commit the project's allowed-signers file (the pin), or fix {where}."))
            return ready
        except (OSError, UnicodeDecodeError) as exc:
            ready.blockers.append(Blocker(f"Cannot read the allowed-signers file "
                                          f"{self.allowed_signers}: {exc}."))
            return ready
        if not pinned:
            ready.blockers.append(Blocker(f"{self.allowed_signers} has no key for "
                                          f"{self.identity}.", "Add the release key's line."))
            return ready
        if self.key is None:
            ready.blockers.append(Blocker("No ssh signing key is configured.",
                                          "Set signing.ssh_key in release.toml or pass "
                                          "--ssh-key PATH."))
            return ready
        is_public = self.key.suffix == ".pub"
        where = self.origins.get("key", "signing.ssh_key in release.toml")
        if is_public:  # the agent holds the private half: only the .pub is read
            problem = None if self.key.exists() else Blocker(
                f"The ssh key {self.key} does not exist.", missing_key(where))
        else:
            problem = private_file_blocker(self.key, "ssh key", missing=missing_key(where))
        if problem is not None:
            ready.blockers.append(problem)
            return ready
        try:
            blob, encrypted = public_blob(self.key)
        except (OSError, SigningError) as exc:
            ready.blockers.append(Blocker(str(exc)))
            return ready
        ready.signer = fingerprint(blob)
        ready.details["key"] = str(self.key)
        if blob not in pinned:
            ready.blockers.append(Blocker(
                f"The ssh key {self.key} ({fingerprint(blob)}) is not the allowed signer for "
                f"{self.identity} in {self.allowed_signers}; nothing was signed.",
                "Use the release key, or update the pin deliberately."))
            ready.pin_mismatch = True
        in_agent = blob in agent_keys()
        if in_agent:
            ready.details["agent"] = "ssh-agent holds the key"
        elif encrypted:
            # Asked by the console (terminal, TUI password box, --passphrase-file or the
            # environment) and handed to ssh-keygen through SSH_ASKPASS: ssh-keygen itself would
            # read it from its stdin, which carries the artifact, and fail confusingly.
            ready.needs_passphrase = True
            ready.prompt = (f"Passphrase for the ssh key {self.key} (or load it into ssh-agent "
                            "with ssh-add)")
        self.encrypted = encrypted and not in_agent
        if b"sk-" in blob[:40]:
            ready.notice = "Touch the security key when it blinks."
            ready.needs_terminal = True
        return ready

    def unlock(self, passphrase: str | None) -> None:
        """Check the passphrase (``ssh-keygen -y``) before anything is signed."""
        if self.key is None or not self.encrypted:
            return
        with askpass(passphrase) as env:
            proc = tools.run("ssh-keygen", "-y", "-f", str(self.key), env=env)
        if proc.returncode != 0:
            raise self.wrong_passphrase()

    def wrong_passphrase(self) -> SigningError:
        return SigningError(f"The passphrase for the ssh key {self.key} is wrong; nothing was "
                            "signed.", remedy="Try again with the right passphrase.")

    def sign_to(self, artifact: Path, output: Path, *, passphrase: str | None,
                comment: str) -> None:
        if self.key is None:
            raise SigningError("No ssh signing key is configured.")
        with (open(artifact, "rb") as data, open(output, "wb") as out,
              askpass(passphrase if self.encrypted else None) as env):
            proc = tools.run("ssh-keygen", "-Y", "sign", "-f", str(self.key), "-n", "file",
                             stdin=data, stdout=out, env=env)
        if proc.returncode != 0:
            why = tools.last_line(proc.stderr)
            if "passphrase" in why.lower():
                raise self.wrong_passphrase()
            raise SigningError(f"ssh-keygen could not sign {artifact.name}: {why}.")

    def verify_existing(self, artifact: Path, signature: Path) -> Verified:
        with open(artifact, "rb") as data:
            proc = tools.run("ssh-keygen", "-Y", "verify", "-f", str(self.allowed_signers),
                             "-I", self.identity, "-n", "file", "-s", str(signature), stdin=data)
        if proc.returncode != 0:
            why = tools.last_line(proc.stderr + proc.stdout)
            raise SignatureInvalid(f"{artifact.name}: {signature.name} does not verify for "
                                   f"{self.identity} with {self.allowed_signers.name} ({why}).")
        found = re.search(r"key (SHA256:\S+)", proc.stdout.decode("utf-8", "replace"))
        return Verified(signer=found.group(1) if found else self.identity, detail=self.identity)
