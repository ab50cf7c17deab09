"""Whether a step needs the hardware signing token, under the key the policy pins.

The catalogue flags the steps that may sign with a token (``sign``, ``tag``), but whether one does
depends on the key: ``status --json`` said ``needs_token: true`` for a minisign key file, an ssh
key file and an unsigned tag too, so a script waiting for the token to be plugged in waited for
one the release never asks for. Here the answer follows the backends' own rules:

- a minisign key is a file, never on a token; ``none`` signs nothing;
- an ssh key is on a token when it is a FIDO key (``sk-...``), which its public half says (the key
  file, its ``.pub``, else the pinned keys in the allowed-signers file, which the online machine of
  an air gap has too);
- GnuPG signs with a card unless this machine's keyring holds the pinned key's secret half in
  software (what ``services/signing/gpg.py`` prepares: the keyring first, then the card), which
  ``gpg --list-secret-keys`` says without a PIN, a passphrase or ``--card-status``.

Nothing is signed or unlocked; a key that cannot be read is taken for no token (ssh) or a card
(GnuPG), as the signing step itself would take it.
"""

from __future__ import annotations

import struct
from pathlib import Path

from services import tools
from services.policy import Policy
from services.signing import SigningError, resolve
from services.signing.gpg import gpg_env, normalise, parse_colons
from services.signing.ssh import allowed_keys, public_blob
from services.step_protocol import Context, Step


def needs_token(ctx: Context, step: Step) -> bool:
    """``step`` needs the hardware token plugged in, under ``ctx``'s policy."""
    if not step.needs_token:
        return False
    policy = ctx.policy
    if step.id == "sign":
        return signs_on_token(policy, ctx.root, policy.signing_backend,
                              policy.signing_fingerprint)
    if step.id == "tag":
        backend = {"openpgp": "gpg"}.get(policy.tag_signing, policy.tag_signing)
        return signs_on_token(policy, ctx.root, backend,
                              policy.tag_key or policy.signing_fingerprint)
    return True  # a step the catalogue flags and no backend decides


def signs_on_token(policy: Policy, root: Path, backend: str, fingerprint: str) -> bool:
    """Signing with ``backend`` (``minisign``, ``gpg``, ``ssh``, ``none``) uses a token: for gpg,
    the key ``fingerprint``; for ssh, the policy's key and allowed signers."""
    if backend == "ssh":
        return _ssh_on_token(policy, root)
    if backend == "gpg":
        return _gpg_on_token(normalise(fingerprint))
    return False


def _is_fido(blob: bytes) -> bool:
    """The ssh public key blob is a FIDO security key's (its type is ``sk-...``)."""
    try:
        (length,) = struct.unpack(">I", blob[:4])
    except struct.error:
        return False
    return blob[4:4 + length].startswith(b"sk-")


def _ssh_on_token(policy: Policy, root: Path) -> bool:
    if policy.signing_ssh_key:
        try:
            blob, _encrypted = public_blob(resolve(root, policy.signing_ssh_key))
        except (OSError, SigningError, ValueError):
            pass  # not here (the other workstation's), or not a key: the pin says
        else:
            return _is_fido(blob)
    if not (policy.signing_allowed_signers and policy.signing_identity):
        return False
    try:
        pinned = allowed_keys(resolve(root, policy.signing_allowed_signers),
                              policy.signing_identity)
    except (OSError, UnicodeDecodeError):
        return False
    return bool(pinned) and all(_is_fido(blob) for blob in pinned)


def _gpg_on_token(fingerprint: str) -> bool:
    if not fingerprint:
        return False  # no key pinned: the step is blocked until one is, and signs with nothing
    if tools.find("gpg") is None:
        return True  # no keyring here to hold it: the card would (the step asks for gpg first)
    try:
        proc = tools.run("gpg", "--batch", "--with-colons", "--fixed-list-mode",
                         "--with-fingerprint", "--list-secret-keys", fingerprint,
                         env=gpg_env(), timeout=30)
    except tools.TimedOut:
        return True
    if proc.returncode != 0:  # no secret half here: the card holds it (or will, plugged in)
        return True
    secret = parse_colons(proc.stdout.decode("utf-8", "replace"))
    return not any(secret.token.get(fpr) == "+" for fpr in secret.signing)
