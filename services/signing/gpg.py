"""GnuPG through python-gnupg: detached armored ``.asc``, key chosen by the pinned fingerprint.

The key normally lives on an OpenPGP smartcard (YubiKey, Nitrokey) and gpg-agent asks for the PIN
with pinentry on the terminal (the TUI suspends itself for that). A software key with a passphrase
gets the passphrase through loopback pinentry. ``gpg --card-status`` tells which card is plugged in
and which key it signs with, so a wrong token is refused before anything is signed.

python-gnupg note: ``passphrase=''`` makes it read the first line of the *data* as the passphrase
and sign the wrong bytes; "no passphrase" is always ``None`` here.
"""

from __future__ import annotations

import contextlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from services import tools
from services.policy import Policy
from services.signing import (
    Backend,
    Overrides,
    Readiness,
    SignatureInvalid,
    SigningError,
    Verified,
    origin,
)
from services.step_protocol import Blocker

_FPR = re.compile(r"^[0-9A-F]{40}([0-9A-F]{24})?$")


def normalise(fingerprint: str) -> str:
    return fingerprint.replace(" ", "").upper().removeprefix("0X")


@dataclass
class KeyInfo:
    """One OpenPGP key (primary and subkeys) as ``gpg --with-colons`` lists it."""

    primary: str = ""
    signing: list[str] = field(default_factory=list)  # fingerprints able to sign, usable
    all: set[str] = field(default_factory=set)
    token: dict[str, str] = field(default_factory=dict)  # fpr -> "+" software, serial for a card
    keygrip: dict[str, str] = field(default_factory=dict)


def parse_colons(text: str) -> KeyInfo:
    info = KeyInfo()
    record: list[str] = []
    fpr = ""
    for line in text.splitlines():
        fields = line.split(":")
        kind = fields[0]
        if kind in {"pub", "sub", "sec", "ssb"}:
            record, fpr = fields, ""
        elif kind == "fpr" and record and not fpr:
            fpr = fields[9].upper()
            info.all.add(fpr)
            if record[0] in {"pub", "sec"} and not info.primary:
                info.primary = fpr
            caps = record[11] if len(record) > 11 else ""
            if "s" in caps and record[1] not in {"r", "e", "d", "i"}:
                info.signing.append(fpr)
            if len(record) > 14 and record[0] in {"sec", "ssb"}:
                info.token[fpr] = record[14]
        elif kind == "grp" and fpr:
            info.keygrip[fpr] = fields[9]
    return info


def gpg_env() -> dict[str, str]:
    """Our environment plus GPG_TTY so pinentry can use the terminal for a card PIN."""
    env = dict(os.environ)
    if "GPG_TTY" not in env:
        with contextlib.suppress(OSError):
            env["GPG_TTY"] = os.ttyname(0)
    return env


def card_status() -> tuple[dict[str, str] | None, str]:
    """(``{"serial", "signing_key"}`` of the plugged-in card, or None, and gpg's reason)."""
    proc = tools.run("gpg", "--batch", "--with-colons", "--card-status", env=gpg_env(),
                     timeout=30)
    if proc.returncode != 0:
        return None, tools.last_line(proc.stderr).removeprefix("gpg: ")
    card: dict[str, str] = {}
    for line in proc.stdout.decode("utf-8", "replace").splitlines():
        fields = line.split(":")
        if fields[0] == "serial" and len(fields) > 1:
            card["serial"] = fields[1]
        elif fields[0] == "fpr" and len(fields) > 1:
            card["signing_key"] = fields[1].upper()
    return card, ""


class GpgBackend(Backend):
    name = "gpg"
    suffix = ".asc"
    tool = "gpg"

    def __init__(self, pin: str, key: str) -> None:
        self.pin = normalise(pin)
        self.key = normalise(key) if key else self.pin

    @classmethod
    def from_policy(cls, policy: Policy, root: Path, overrides: Overrides, *,
                    verifying: bool = False) -> GpgBackend:
        policy_pin = normalise(policy.signing_fingerprint)
        override = normalise(overrides.gpg_key)
        if verifying:
            backend = cls(override or policy_pin, override or policy_pin)
        else:
            # --gpg-key selects a key (maybe a signing subkey of the pin); prepare() refuses any
            # other.
            backend = cls(policy_pin or override, override)
        from_option = override if verifying or not policy_pin else ""
        backend.origins = {"pin": origin(policy, "fingerprint", from_option, "--gpg-key")}
        return backend

    def pin_description(self) -> str:
        return f"OpenPGP key {self.pin}"

    def describe(self, ready: Readiness) -> list[str]:
        """The card's serial and signing key (what pinentry will ask about), or the keyring key."""
        details = ready.details
        if details.get("card_serial"):
            return [f"Card serial {details['card_serial']}, signing key "
                    f"{details.get('card_signing_key') or '(none)'}."]
        if details.get("signing_key"):
            return [f"Signing key {details['signing_key']} ({details.get('key', 'software')} "
                    "key in the GnuPG keyring, no card)."]
        return super().describe(ready)

    def _list(self, *args: str) -> KeyInfo | None:
        proc = tools.run("gpg", "--batch", "--with-colons", "--fixed-list-mode",
                         "--with-fingerprint", "--with-keygrip", *args, self.pin, env=gpg_env())
        return parse_colons(proc.stdout.decode("utf-8", "replace")) if proc.returncode == 0 else None

    def prepare(self) -> Readiness:
        ready = self.fresh_readiness(self.pin)
        if ready.blockers:
            return ready
        if not self.pin:
            where = self.origins.get("pin", "signing.fingerprint in release.toml")
            ready.blockers.append(Blocker("No OpenPGP fingerprint is pinned.",
                                          f"Set {where} or pass --gpg-key FINGERPRINT."))
            return ready
        if not _FPR.match(self.pin):
            ready.blockers.append(Blocker(f"{self.pin} is not a full OpenPGP fingerprint.",
                                          "Pin the full 40-hex-digit fingerprint."))
            return ready
        public = self._list("--list-keys")
        if public is None or not public.primary:
            ready.blockers.append(Blocker(
                f"The pinned OpenPGP key {self.pin} is not in your GnuPG keyring.",
                "Import the project's public key (gpg --import KEY.asc) and plug in the token, "
                f"or fix {self.origins.get('pin', 'signing.fingerprint in release.toml')}."))
            return ready
        if self.key not in public.all:
            ready.blockers.append(Blocker(
                f"The GnuPG key {self.key} is not the pinned key {self.pin} (nor one of its "
                "subkeys); nothing was signed.",
                "Use the release key, or update the pin deliberately."))
            ready.pin_mismatch = True
            return ready
        secret = self._list("--list-secret-keys")
        usable = [f for f in (secret.signing if secret else []) if f in public.all]
        software = [f for f in usable if secret and secret.token.get(f) == "+"]
        if software and (self.key == self.pin or self.key in software):
            ready.details["key"] = "software"
            ready.details["signing_key"] = self.key if self.key in software else software[0]
            grip = secret.keygrip.get(software[0], "") if secret else ""
            if _protected(grip):
                ready.needs_passphrase = True
                ready.prompt = f"Passphrase for the OpenPGP key {self.pin}"
            return ready
        card, why = card_status()
        if card is None:
            ready.blockers.append(Blocker(f"No OpenPGP card found ({why}).",
                                          "Plug in the release token (YubiKey, Nitrokey) and "
                                          "check that `gpg --card-status` shows it."))
            return ready
        ready.details.update({"card_serial": card.get("serial", ""),
                              "card_signing_key": card.get("signing_key", "")})
        if card.get("signing_key") not in public.all:
            ready.blockers.append(Blocker(
                f"The card {card.get('serial', '?')} signs with key "
                f"{card.get('signing_key') or '(none)'}, not the pinned key {self.pin}; "
                "nothing was signed.", "Plug in the release token."))
            ready.pin_mismatch = True
        elif not usable:
            ready.blockers.append(Blocker(
                f"GnuPG does not link the card {card.get('serial', '?')} to the key {self.pin} yet.",
                "Run `gpg --card-status` once with the public key imported, then try again."))
        ready.notice = "Enter the card's PIN when pinentry asks (and touch the token if it blinks)."
        ready.needs_terminal = True
        return ready

    def sign_to(self, artifact: Path, output: Path, *, passphrase: str | None,
                comment: str) -> None:
        import gnupg

        gpg = gnupg.GPG(env=gpg_env())
        with open(artifact, "rb") as handle:
            result = gpg.sign_file(handle, keyid=self.key, passphrase=passphrase or None,
                                   detach=True, clearsign=False, binary=False, output=str(output))
        if result.status == "signature created" and output.exists():
            return
        text = f"{result.status or ''} {result.stderr or ''}"
        if "bad passphrase" in text.lower() or "BAD_PASSPHRASE" in text:
            raise SigningError("GnuPG refused the passphrase; nothing was signed.",
                               remedy="Try again with the right passphrase.")
        if "PIN" in text or "SC_OP_FAILURE" in text:
            raise SigningError("The token refused the PIN (or the card is blocked); nothing was "
                               "signed.", remedy="Try again; `gpg --card-status` shows the PIN "
                               "retry counter.")
        lines = [x for x in (result.stderr or "").splitlines()
                 if x.startswith("gpg:") and "[GNUPG:]" not in x]
        raise SigningError(f"GnuPG could not sign {artifact.name}: "
                           f"{lines[-1].removeprefix('gpg: ') if lines else result.status}.")

    def verify_existing(self, artifact: Path, signature: Path) -> Verified:
        import gnupg

        gpg = gnupg.GPG(env=gpg_env())
        result = gpg.verify_file(str(signature), data_filename=str(artifact))
        signer = normalise(result.pubkey_fingerprint or result.fingerprint or "")
        if not result.valid:
            if result.status == "no public key":
                raise SignatureInvalid(f"{artifact.name}: {signature.name} was made by key "
                                       f"{result.key_id}, which is not in your keyring (the pin is "
                                       f"{self.pin}).")
            raise SignatureInvalid(f"{artifact.name}: {signature.name} does not verify "
                                   f"({result.status or 'not a signature'}).")
        if self.pin not in {signer, normalise(result.fingerprint or "")}:
            raise SignatureInvalid(f"{artifact.name}: {signature.name} was made by {signer}, not "
                                   f"the pinned key {self.pin}.")
        return Verified(signer=signer, detail=str(result.username or ""))


def _protected(keygrip: str) -> bool:
    """Ask gpg-agent whether a software key is passphrase-protected (``KEYINFO`` field P)."""
    if not keygrip or tools.find("gpg-connect-agent") is None:
        return False
    proc = tools.run("gpg-connect-agent", f"KEYINFO {keygrip}", "/bye", env=gpg_env(), timeout=30)
    for line in proc.stdout.decode("utf-8", "replace").splitlines():
        parts = line.split()
        if parts[:2] == ["S", "KEYINFO"] and len(parts) > 7:
            return parts[7] == "P"
    return False
