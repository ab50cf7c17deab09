"""minisign, the PAI way: ``minisign -S`` with the secret key on the token, ``.minisig`` beside each file.

The pin is ``minisign.pub`` in the repository. Its key id is compared with the secret key's id before
anything is signed: an unencrypted key shows its id in the file; an encrypted key is decrypted here
with the passphrase (the same scrypt parameters minisign uses), which also tells a wrong passphrase
before minisign runs. The passphrase reaches minisign on stdin, never on a command line or in a file.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import struct
from dataclasses import dataclass
from pathlib import Path

from services import tools
from services.errors import UsageError
from services.policy import Policy
from services.signing import (
    Backend,
    Overrides,
    PinMismatch,
    Readiness,
    SignatureInvalid,
    SigningError,
    Verified,
    missing_key,
    origin,
    private_file_blocker,
    resolve,
)
from services.step_protocol import Blocker

DEFAULT_KEY_NAME = "minisign.key"
CONFIG_DIR_VARIABLE = "MINISIGN_CONFIG_DIR"

_SECRET_LEN = 158  # sig alg 2, kdf alg 2, cksum alg 2, salt 32, opslimit 8, memlimit 8, keynum_sk 104


def default_secret_key() -> Path:
    """Where minisign itself looks for the secret key when ``-s`` is not given:
    ``$MINISIGN_CONFIG_DIR/minisign.key``, else ``~/.minisign/minisign.key``.

    A project cannot commit the path of each maintainer's key (the project's own release.toml
    names none), and the release's sign step takes no key option in the TUI or ``next``: the
    tool's own default is where a maintainer already keeps it.
    """
    base = os.environ.get(CONFIG_DIR_VARIABLE)
    return (Path(base) if base else Path.home() / ".minisign") / DEFAULT_KEY_NAME


def key_id_text(raw: bytes) -> str:
    """minisign prints the 8-byte key id as a little-endian number in upper-case hex."""
    return raw[::-1].hex().upper()


def _b64_line(path: Path, what: str) -> bytes:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
        return base64.b64decode(lines[1].strip(), validate=True)
    except FileNotFoundError:
        raise SigningError(f"The {what} {path} does not exist.") from None
    except (OSError, UnicodeDecodeError, IndexError, binascii.Error):
        raise SigningError(f"{path} is not a minisign {what}.") from None


def public_key_id(path: Path) -> bytes:
    raw = _b64_line(path, "public key")
    if len(raw) != 42 or raw[:2] != b"Ed":
        raise SigningError(f"{path} is not a minisign public key.")
    return raw[2:10]


def signature_key_id(path: Path) -> bytes | None:
    try:
        raw = _b64_line(path, "signature")
    except SigningError:
        return None
    return raw[2:10] if len(raw) == 74 else None


@dataclass(frozen=True)
class SecretKey:
    raw: bytes

    @classmethod
    def read(cls, path: Path) -> SecretKey:
        raw = _b64_line(path, "secret key")
        if len(raw) != _SECRET_LEN or raw[:2] != b"Ed" or raw[4:6] != b"B2":
            raise SigningError(f"{path} is not a minisign secret key.")
        return cls(raw)

    @property
    def encrypted(self) -> bool:
        return self.raw[2:4] == b"Sc"

    def keynum(self, passphrase: str | None) -> bytes:
        """The 104-byte key number block, decrypted when needed (raises on a wrong passphrase)."""
        block = self.raw[54:]
        if not self.encrypted:
            return block
        opslimit, memlimit = struct.unpack("<QQ", self.raw[38:54])
        stream = scrypt_stream(passphrase or "", self.raw[6:38], opslimit, memlimit, len(block))
        plain = bytes(a ^ b for a, b in zip(block, stream, strict=True))
        check = hashlib.blake2b(self.raw[:2] + plain[:72], digest_size=32).digest()
        if check != plain[72:]:
            raise SigningError("The passphrase for the minisign key is wrong; nothing was signed.",
                               remedy="Try again with the right passphrase.")
        return plain

    def key_id(self, passphrase: str | None = None) -> bytes:
        return self.keynum(passphrase)[:8]


def scrypt_params(opslimit: int, memlimit: int) -> tuple[int, int, int]:
    """libsodium's ``pickparams``: (N, r, p) for scryptsalsa208sha256 as minisign calls it."""
    opslimit = max(opslimit, 32768)
    r = 8
    by_ops = opslimit < memlimit // 32
    max_n = opslimit // (r * 4) if by_ops else memlimit // (r * 128)
    n_log2 = 1
    while n_log2 < 63 and not (1 << n_log2) > max_n // 2:
        n_log2 += 1
    p = 1 if by_ops else min((opslimit // 4) // (1 << n_log2), 0x3FFFFFFF) // r
    return 1 << n_log2, r, max(p, 1)


def scrypt_stream(passphrase: str, salt: bytes, opslimit: int, memlimit: int, length: int) -> bytes:
    n, r, p = scrypt_params(opslimit, memlimit)
    return hashlib.scrypt(passphrase.encode("utf-8"), salt=salt, n=n, r=r, p=p,
                          maxmem=min(2 * 128 * r * n * p + (1 << 26), 2**31 - 1), dklen=length)


class MinisignBackend(Backend):
    name = "minisign"
    suffix = ".minisig"
    tool = "minisign"

    def __init__(self, public_key: Path, secret_key: Path | None) -> None:
        self.public_key = public_key
        self.secret_key = secret_key

    @classmethod
    def from_policy(cls, policy: Policy, root: Path, overrides: Overrides, *,
                    verifying: bool = False) -> MinisignBackend:
        pinned = resolve(root, policy.signing_public_key) if policy.signing_public_key else None
        chosen = resolve(root, overrides.minisign_pub) if overrides.minisign_pub else None
        if verifying or pinned is None or not pinned.exists():
            public = chosen or pinned
        else:
            public = pinned
            if chosen is not None and public_key_id(chosen) != public_key_id(pinned):
                raise UsageError(
                    f"{policy.where} pins the minisign public key {pinned}, but --minisign-pub "
                    f"gives a different key ({chosen}).",
                    remedy="Drop --minisign-pub; the pin comes from the policy.")
        if public is None:
            raise UsageError("No minisign public key to pin.",
                             remedy="Set signing.public_key in release.toml or pass --minisign-pub.")
        secret_value = overrides.minisign_key or policy.signing_secret_key
        default = default_secret_key()
        backend = cls(public, resolve(root, secret_value) if secret_value
                      else default if default.is_file() else None)
        backend.origins = {
            "public key": origin(policy, "public_key",
                                 overrides.minisign_pub if public == chosen else "",
                                 "--minisign-pub"),
            "secret key": origin(policy, "secret_key", overrides.minisign_key, "--minisign-key"),
        }
        return backend

    def pin_description(self) -> str:
        try:
            key_id = key_id_text(public_key_id(self.public_key))
            return f"minisign key {key_id} ({self.public_key.name})"
        except SigningError:
            return f"minisign public key {self.public_key}"

    def describe(self, ready: Readiness) -> list[str]:
        if ready.details.get("key_file"):
            return [f"Secret key {ready.details['key_file']} (must be key id {ready.signer})."]
        return super().describe(ready)

    def prepare(self) -> Readiness:
        ready = self.fresh_readiness()
        if ready.blockers:
            return ready
        try:
            pin = public_key_id(self.public_key)
        except SigningError as err:
            where = self.origins.get("public key", "signing.public_key")
            ready.blockers.append(Blocker(err.message, "Commit the project's minisign.pub (the pin) "
                                          f"or fix {where}."))
            return ready
        ready.signer = key_id_text(pin)
        if self.secret_key is None:
            ready.blockers.append(Blocker(
                f"No minisign secret key is configured, and there is none at "
                f"{default_secret_key()} (minisign's own default).",
                "Set signing.secret_key in release.toml to the key on the token, or put the key "
                f"at minisign's default ({CONFIG_DIR_VARIABLE} names another directory); "
                "`release-console sign FILE...` also takes --minisign-key PATH."))
            return ready
        where = self.origins.get("secret key", "signing.secret_key in release.toml")
        problem = private_file_blocker(self.secret_key, "minisign secret key",
                                       missing=missing_key(where))
        if problem is not None:
            ready.blockers.append(problem)
            return ready
        try:
            key = SecretKey.read(self.secret_key)
        except SigningError as err:
            ready.blockers.append(Blocker(err.message))
            return ready
        ready.details["key_file"] = str(self.secret_key)
        if key.encrypted:
            ready.needs_passphrase = True
            ready.prompt = f"Passphrase for the minisign key {self.secret_key}"
        elif key.key_id() != pin:
            ready.blockers.append(self._mismatch(key.key_id(), pin))
            ready.pin_mismatch = True
        return ready

    def _mismatch(self, found: bytes, pin: bytes) -> Blocker:
        err = PinMismatch(
            f"The minisign key {self.secret_key} has key id {key_id_text(found)}, but the pinned "
            f"public key {self.public_key} is {key_id_text(pin)}; nothing was signed.",
            remedy="Use the key on the release token, or update the pin deliberately.")
        return Blocker(err.message, err.remedy)

    def unlock(self, passphrase: str | None) -> None:
        if self.secret_key is None:
            return
        key = SecretKey.read(self.secret_key)
        try:
            found = key.key_id(passphrase)
        except (ValueError, MemoryError):  # scrypt limits of this Python: minisign will check
            return
        pin = public_key_id(self.public_key)
        if found != pin:
            blocker = self._mismatch(found, pin)
            raise PinMismatch(blocker.reason, remedy=blocker.remedy)

    def sign_to(self, artifact: Path, output: Path, *, passphrase: str | None,
                comment: str) -> None:
        if self.secret_key is None:
            raise SigningError("No minisign secret key is configured.")
        key = SecretKey.read(self.secret_key)
        feed = (passphrase or "").encode("utf-8") + b"\n" if key.encrypted else None
        proc = tools.run("minisign", "-S", "-s", str(self.secret_key), "-m", str(artifact),
                         "-x", str(output), "-t", comment, input_bytes=feed)
        if proc.returncode != 0:
            why = tools.last_line(proc.stderr + proc.stdout)
            if "password" in why.lower():
                raise SigningError("The passphrase for the minisign key is wrong; nothing was "
                                   "signed.", remedy="Try again with the right passphrase.")
            raise SigningError(f"minisign could not sign {artifact.name}: {why}.")

    def verify_existing(self, artifact: Path, signature: Path) -> Verified:
        pin = public_key_id(self.public_key)
        proc = tools.run("minisign", "-V", "-p", str(self.public_key), "-m", str(artifact),
                         "-x", str(signature))
        if proc.returncode != 0:
            made_by = signature_key_id(signature)
            if made_by is not None and made_by != pin:
                raise SignatureInvalid(
                    f"{artifact.name}: {signature.name} was made by key {key_id_text(made_by)}, "
                    f"not the pinned key {key_id_text(pin)}.")
            why = tools.last_line(proc.stderr + proc.stdout)
            raise SignatureInvalid(f"{artifact.name}: {signature.name} does not verify with "
                                   f"{self.public_key.name} ({why}).")
        comment = ""
        for line in proc.stdout.decode("utf-8", "replace").splitlines():
            if line.startswith("Trusted comment:"):
                comment = line.partition(":")[2].strip()
        return Verified(signer=key_id_text(pin), detail=comment)
