"""Signing backends behind one interface: minisign, GnuPG (smartcard) and ssh (FIDO keys).

Every backend works the same way, so the release step, the CLI and the TUI never care which one the
policy chose:

1. :meth:`Backend.prepare` checks everything that can be checked *before* a signature exists: the
   tool is installed, the key file is private, the key matches the **pin** (the public key the
   project publishes), the token is plugged in. Problems come back as blockers, not crashes.
2. :meth:`Backend.unlock` checks a passphrase where the backend can do so without signing.
3. :meth:`Backend.sign_to` writes a signature into a private temporary directory.
4. :meth:`Backend.verify` checks a signature with the pinned key only.

:mod:`services.signing.batch` strings these together so a signature lands beside an artifact only
after it verified, and a refused run leaves every file as it was.
"""

from __future__ import annotations

import contextlib
import os
import stat
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from services import secrets, tools
from services.errors import ConsoleError, UsageError
from services.policy import Policy
from services.step_protocol import Blocker, Context, Prompter

BACKENDS = ("minisign", "gpg", "ssh")
PASSPHRASE_ENV = "RELEASE_CONSOLE_PASSPHRASE"
PASSPHRASE_OPTION = f"--passphrase-file PATH or {PASSPHRASE_ENV}"


class SigningError(ConsoleError):
    """Signing could not be done or did not verify; nothing was written beside the artifact."""


class PinMismatch(SigningError):
    """The key offered is not the key the policy pins; refused before anything was signed."""


class SignatureInvalid(SigningError):
    """A signature does not verify with the pinned key (tampered file, signature or wrong key)."""


@dataclass(frozen=True)
class Overrides:
    """Command-line choices that replace the policy's key selection (never silently its pin)."""

    backend: str = ""
    minisign_key: str = ""
    minisign_pub: str = ""
    gpg_key: str = ""
    ssh_key: str = ""
    allowed_signers: str = ""
    identity: str = ""


@dataclass
class Readiness:
    """What :meth:`Backend.prepare` found: blockers, the signer, and what signing will need."""

    blockers: list[Blocker] = field(default_factory=list)
    signer: str = ""  # key id / fingerprint that will sign (the pin)
    needs_passphrase: bool = False  # the console must ask for one (loopback / stdin)
    prompt: str = ""  # how to name the passphrase when asking
    notice: str = ""  # e.g. "touch the key when it blinks"; shown before signing
    pin_mismatch: bool = False  # the first blocker is a key that is not the pinned one
    needs_terminal: bool = False  # pinentry / a touch prompt needs the real terminal (TUI suspends)
    details: dict[str, Any] = field(default_factory=dict)  # card serial, key file, ...


@dataclass(frozen=True)
class Verified:
    signer: str  # fingerprint / key id that made the signature
    detail: str = ""  # the tool's own words, e.g. minisign's trusted comment


class Backend(ABC):
    """One signing tool. Subclasses are small; they hold the key selection and the pin."""

    name: str = ""
    suffix: str = ""  # THE signature suffix of this backend (provenance and uploads ask here)
    tool: str = ""  # the program it drives; missing -> ToolMissing (exit 3) before anything else
    _ready: Readiness | None = None
    # Where each key path came from ("--ssh-key", "signing.ssh_key in /x/ci.toml"), set by
    # from_policy: a remedy sends the captain to that option or file, not to a release.toml
    # that did not give it. Keyed by what the path is: "public key", "secret key", ...
    origins: dict[str, str] = {}  # replaced per instance by from_policy, never mutated

    @classmethod
    @abstractmethod
    def from_policy(cls, policy: Policy, root: Path, overrides: Overrides, *,
                    verifying: bool = False) -> Backend:
        """The backend for the policy's key selection (``overrides`` may choose a key)."""

    def signature_path(self, artifact: Path) -> Path:
        return Path(f"{artifact}{self.suffix}")

    @abstractmethod
    def prepare(self) -> Readiness:
        """Check tool, key file, pin and token before anything is signed."""

    def fresh_readiness(self, signer: str = "") -> Readiness:
        """A new :class:`Readiness`, already blocked when the backend's tool is not installed:
        every :meth:`prepare` checks that first and stops there."""
        ready = Readiness(signer=signer)
        try:
            tools.require(self.tool)
        except tools.ToolMissing as err:
            ready.blockers.append(Blocker(err.message, err.remedy))
        return ready

    def readiness(self, *, fresh: bool = False) -> Readiness:
        """:meth:`prepare`, once per backend instance unless ``fresh``: gpg's runs three gpg
        processes (one is ``--card-status``), and check, plan, run and signing all need it."""
        if fresh or self._ready is None:
            self._ready = self.prepare()
        return self._ready

    def describe(self, ready: Readiness) -> list[str]:
        """The key (and token) that will sign, in words, beyond the pin itself."""
        return [f"Signer {ready.signer}."] if ready.signer else []

    def unlock(self, passphrase: str | None) -> None:  # noqa: B027 - optional hook
        """Check the passphrase without signing where the backend can; raise SigningError."""

    @abstractmethod
    def sign_to(self, artifact: Path, output: Path, *, passphrase: str | None,
                comment: str) -> None:
        """Write a detached signature of ``artifact`` to ``output`` (a private temp path)."""

    def verify(self, artifact: Path, signature: Path) -> Verified:
        """Verify with the pinned key; raise :class:`SignatureInvalid` naming the file."""
        if not signature.exists():
            raise SignatureInvalid(f"{artifact.name}: the signature {signature.name} is missing.")
        return self.verify_existing(artifact, signature)

    @abstractmethod
    def verify_existing(self, artifact: Path, signature: Path) -> Verified:
        """:meth:`verify` once the signature file is known to exist."""

    @abstractmethod
    def pin_description(self) -> str:
        """The pin in words, for messages and provenance (e.g. ``minisign key 5C20…``)."""


def signer_lines(backend: Backend, ready: Readiness) -> list[str]:
    """Which key and token will sign, in words, shown *before* pinentry or a passphrase prompt so
    the captain can check the serial and fingerprint (the CLI, the dry-run plan and the TUI)."""
    return [f"Backend {backend.name}, pinned to {backend.pin_description()}.",
            *backend.describe(ready)]


def signs_with(policy: Policy, root: Path, *, elsewhere: bool) -> str:
    """Which key signs, from the policy alone (no token or key file is looked at), for the
    checklist's panel: the title names the kind of key, this the key itself. ``elsewhere``
    (the online machine of an air gap): the key paths are the signing workstation's, so only
    the pin is named. Empty for no signing or a policy the step's own check refuses."""
    from services import workstation

    if policy.signing_backend == "none":
        return ""
    try:
        backend = make_backend(policy, root)
    except ConsoleError:
        return ""
    pin = backend.pin_description()
    if elsewhere and workstation.air_gapped(policy):
        return f"The signing workstation signs with {pin}."
    held = {"minisign": f", from the key file {policy.signing_secret_key}"
            if policy.signing_secret_key else ", from minisign's default key file",
            "ssh": f", key {policy.signing_ssh_key}" if policy.signing_ssh_key else ""}
    return f"Signs with {pin}{held.get(backend.name, '')}."


def trusted_comment(path: Path, *, timestamp: int, tag: str = "") -> str:
    """What minisign signs along with the file (its trusted comment): when, which file, which tag."""
    return f"timestamp:{timestamp}\tfile:{path.name}" + (f"\ttag:{tag}" if tag else "")


def passphrase_from(prompt: str, *, file: Path | None, prompter: Prompter) -> str:
    """The key passphrase: from ``file``, else ``$RELEASE_CONSOLE_PASSPHRASE``, else asked.

    Registered as a secret at once, so no message, log or journal entry can carry it."""
    if file is not None:
        return read_passphrase_file(file)
    value = os.environ.get(PASSPHRASE_ENV)
    if value is None:
        value = prompter.secret(prompt, option=PASSPHRASE_OPTION)
    secrets.register(value)
    return value


def passphrase_source(ctx: Context, prompt: str) -> str:
    """:func:`passphrase_from` for the sign and tag steps (``--passphrase-file`` is an answer)."""
    name = ctx.answers.get("passphrase_file")
    return passphrase_from(prompt, file=Path(str(name)) if name else None, prompter=ctx.prompter)


@contextlib.contextmanager
def terminal(prompter: object, needed: bool) -> Iterator[None]:
    """Hand the real terminal to pinentry or a touch prompt when the prompter can (TUI suspend)."""
    hand_over = getattr(prompter, "terminal", None)
    if needed and callable(hand_over):
        with hand_over():
            yield
    else:
        yield


# --- shared helpers ----------------------------------------------------------------------------

def resolve(root: Path, value: str) -> Path:
    """A path from the policy or the command line: ``~`` expanded, relative to ``root``, and
    resolved, so plans and notes name ``/x/token/key``, not ``/x/pai/../token/key``."""
    path = Path(os.path.expanduser(value))
    return (path if path.is_absolute() else root / path).resolve()


def origin(policy: Policy, key: str, override: str, option: str) -> str:
    """Where a key path came from, as a remedy names it: the command-line ``option`` that gave
    it, else ``signing.KEY`` in the policy file actually read (``--config FILE`` or the
    repository's release.toml)."""
    if override:
        return option
    return f"signing.{key} in {policy.where if policy.source else 'release.toml'}"


def missing_key(where: str) -> str:
    """The remedy for a key file that is not there: the token, or the place the path came from."""
    return f"Plug in the token that holds it, or fix {where}."


def private_file_blocker(path: Path, what: str, *,
                         missing: str = "Plug in the token that holds it, or fix the path in "
                         "release.toml.") -> Blocker | None:
    """Refuse a key or passphrase file others can read or write, as ssh does."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return Blocker(f"The {what} {path} does not exist.", missing)
    except OSError as exc:
        return Blocker(f"Cannot read the {what} {path}: {exc.strerror}.")
    if not stat.S_ISREG(info.st_mode):
        return Blocker(f"The {what} {path} is not a regular file.")
    if info.st_mode & 0o077:
        return Blocker(
            f"The {what} {path} is accessible by others (mode {stat.S_IMODE(info.st_mode):04o}); "
            "it was not used.",
            f"Make it private with `chmod 600 {path}`.")
    if not os.access(path, os.R_OK):
        return Blocker(f"The {what} {path} is not readable by you.", f"Check the owner of {path}.")
    return None


def read_passphrase_file(path: Path) -> str:
    """The passphrase in ``path`` (one line); the file must be private like a key file."""
    problem = private_file_blocker(path, "passphrase file",
                                   missing="Check the path given with --passphrase-file.")
    if problem is not None:
        raise SigningError(str(problem))
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "it is not UTF-8 text"
        raise SigningError(f"Cannot read the passphrase file {path}: {reason}.") from None
    value = text[:-1] if text.endswith("\n") else text
    value = value[:-1] if value.endswith("\r") else value
    secrets.register(value)
    return value


def make_backend(policy: Policy, root: Path, overrides: Overrides | None = None, *,
                 verifying: bool = False) -> Backend:
    """The backend the policy (or an explicit override) selects.

    When signing, an override may choose the key but never replace the policy's pin; when
    ``verifying``, a pin given on the command line is what the user asked to verify against.
    """
    chosen = overrides or Overrides()
    name = chosen.backend
    if not name:
        if chosen.minisign_key or chosen.minisign_pub:
            name = "minisign"
        elif chosen.gpg_key:
            name = "gpg"
        elif chosen.ssh_key or chosen.allowed_signers:
            name = "ssh"
        else:
            name = policy.signing_backend
    if name in BACKENDS:
        return backend_class(name).from_policy(policy, root, chosen, verifying=verifying)
    if name == "none":
        raise UsageError(f"{policy.where} sets signing.backend = \"none\"; there is nothing to sign "
                         "or verify with.",
                         remedy="Choose minisign, gpg or ssh there, or pass a key option.")
    raise UsageError(f"Unknown signing backend {name!r}; expected minisign, gpg or ssh.")


def backend_class(name: str) -> type[Backend]:
    """The class of backend ``name`` (one of :data:`BACKENDS`), imported only when asked for."""
    if name == "minisign":
        from services.signing.minisign import MinisignBackend

        return MinisignBackend
    if name == "gpg":
        from services.signing.gpg import GpgBackend

        return GpgBackend
    if name == "ssh":
        from services.signing.ssh import SshBackend

        return SshBackend
    raise UsageError(f"Unknown signing backend {name!r}; expected minisign, gpg or ssh.")


def signature_suffix(backend_name: str) -> str:
    """The signature file suffix of ``backend_name`` (``""`` for "none" or an unknown name)."""
    return backend_class(backend_name).suffix if backend_name in BACKENDS else ""


def same_pin(policy_value: str, override: str, *, what: str, option: str, where: str) -> str:
    """The pin to use: the policy's, unless it has none; a different override is refused."""
    if policy_value and override and policy_value != override:
        raise UsageError(
            f"{where} pins the {what} {policy_value}, but {option} gives {override}.",
            remedy=f"Drop {option} (the pin comes from the policy) or change the policy.")
    return policy_value or override
