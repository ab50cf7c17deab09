"""Where the GitHub token comes from, and how a captain stores or removes it.

Order: ``GITHUB_TOKEN`` from the environment (explicit for this process, as ``gh`` does), then the
system keyring (service ``release-console``, user = the GitHub host). The token is registered with
:mod:`services.secrets` the moment it is read, so no file, journal entry or error can carry it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import urlsplit

from services import secrets
from services.errors import EnvironmentProblem, UsageError

SERVICE = "release-console"
ENV_TOKEN = "GITHUB_TOKEN"
ENV_API_URL = "GITHUB_API_URL"
DEFAULT_API_URL = "https://api.github.com"


class CredentialsError(EnvironmentProblem):
    """No token, or the token store cannot be used (exit 3: the machine lacks something)."""


@dataclass(frozen=True)
class Token:
    value: str
    source: str  # "environment (GITHUB_TOKEN)" or "keyring"

    def __repr__(self) -> str:  # never show the value, even in a debugger dump
        return f"Token(source={self.source!r})"


def api_url(policy_url: str = "") -> str:
    """The REST base URL: the policy's ``[github] api_url``, else ``GITHUB_API_URL``, else GitHub.

    A ``user:TOKEN@`` part is a credential: it is registered as a secret at once, so it is
    masked in every message, file and line of output (see :func:`shown_url`)."""
    url = policy_url or os.environ.get(ENV_API_URL, "") or DEFAULT_API_URL
    where = "[github] api_url in release.toml" if policy_url else ENV_API_URL
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unclosed IPv6 bracket
        raise _bad_url(where) from None
    if "@" in parts.netloc:
        userinfo = parts.netloc.rpartition("@")[0]
        user, _, password = userinfo.partition(":")
        for value in (userinfo, password, user):
            secrets.register(value)
    try:
        port_ok = parts.port is None or parts.port > 0
    except ValueError:  # not a number, or out of range
        port_ok = False
    if parts.scheme not in ("http", "https") or not parts.hostname or not port_ok:
        raise _bad_url(where, shown_url(url))
    return url.rstrip("/")


def _bad_url(where: str, shown: str = "") -> CredentialsError:
    return CredentialsError(f"The GitHub API URL in {where}" + (f", {shown!r}," if shown else "")
                            + " is not an http(s) address with a host and a valid port.",
                            remedy=f"Fix {where}, e.g. https://api.github.com or "
                            "http://127.0.0.1:8080/api/v3, and run the command again.",
                            tui=f"Fix {where}, e.g. https://api.github.com or "
                            "http://127.0.0.1:8080/api/v3, then press r on the step"
                            + (" (the environment is read once the console restarts)."
                               if where == ENV_API_URL else "."))


def shown_url(url: str) -> str:
    """``url`` as it may be shown: any ``user:password@`` part replaced by ``***@``."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return parts._replace(netloc="***@" + parts.netloc.rpartition("@")[2]).geturl()


def host_of(url: str) -> str:
    """The GitHub host a token belongs to: ``github.com`` for the public API, else host[:port]
    (never the ``user:password@`` part)."""
    netloc = urlsplit(url).netloc.lower().rpartition("@")[2]
    return "github.com" if netloc == "api.github.com" else netloc


def _no_keyring(exc: BaseException) -> EnvironmentProblem:
    return EnvironmentProblem(
        f"This machine has no usable keyring to keep the GitHub token in ({type(exc).__name__}).",
        remedy=f"Set {ENV_TOKEN} in the environment instead (for example from your password "
        "manager) and run the command again.",
    )


def _keyring_get(host: str) -> str | None:
    import keyring
    from keyring.errors import KeyringError

    try:
        return keyring.get_password(SERVICE, host)
    except (KeyringError, RuntimeError):
        return None


def keyring_usable() -> bool:
    import keyring
    from keyring.backends import fail

    try:
        backend = keyring.get_keyring()
    except Exception:
        return False
    return not isinstance(backend, fail.Keyring)


def _checked(value: str, source: str) -> Token:
    """A token is printable ASCII without spaces. Anything else (a line break pasted with it, a
    zero-width space) would be sent in a header, where the HTTP library refuses it and quotes
    the value in its error: refused here, in words, with the value registered first."""
    secrets.register(value)
    if any(not 33 <= ord(char) <= 126 for char in value):
        raise CredentialsError(f"The GitHub token from the {source} has a line break, a space or "
                               "another character a token never has.",
                               remedy="Set it again, copied whole and alone, and run the command "
                               "again.",
                               tui="Set it again, copied whole and alone (`release-console "
                               f"github login` in another terminal, or {ENV_TOKEN} and a "
                               "restart of the console), then press r on the step.")
    return Token(value, source)


def find_token(host: str) -> Token | None:
    value = os.environ.get(ENV_TOKEN, "").strip()
    if value:
        return _checked(value, f"environment ({ENV_TOKEN})")
    stored = _keyring_get(host)
    if stored:
        return _checked(stored, "keyring")
    return None


def require_token(host: str) -> Token:
    token = find_token(host)
    if token is not None:
        return token
    # The TUI has no command to run again, and its own environment is fixed once it started:
    # a token reaches it from the keyring (read at each use), or from a restart.
    if not keyring_usable():
        raise CredentialsError(
            f"No GitHub token for {host}, and this machine has no usable keyring to keep one.",
            remedy=f"Set {ENV_TOKEN} in the environment (for example from your password "
            "manager) and run the command again; `release-console github login` needs a "
            "system keyring.",
            tui=f"Quit with q, set {ENV_TOKEN} in the environment (for example from your "
            "password manager), start the console again, then press r on the step.")
    raise CredentialsError(
        f"No GitHub token for {host}.",
        remedy=f"Store one with `release-console github login`, or set {ENV_TOKEN}.",
        tui="Store one with `release-console github login` in another terminal, then press r "
        f"on the step again (a {ENV_TOKEN} set now reaches the console once it is restarted).",
    )


def store_token(host: str, value: str, *, from_stdin: bool = False) -> None:
    """Store ``value`` for ``host``; ``from_stdin``: it was read from standard input
    (--with-token), so an empty one is a file or pipe that held none, not a prompt left blank."""
    import keyring
    from keyring.errors import KeyringError

    value = value.strip()
    secrets.register(value)
    if not value and from_stdin:
        raise UsageError("Standard input held no token (--with-token reads its first line); "
                         "nothing was stored.",
                         remedy="Give it the token, e.g. `release-console github login "
                         "--with-token < token-file`, or leave out --with-token to be asked.")
    if not value:
        raise UsageError("The token was empty; nothing was stored.",
                         remedy="Paste the token when asked (it is not echoed).")
    if not keyring_usable():
        raise _no_keyring(RuntimeError("no backend"))
    try:
        keyring.set_password(SERVICE, host, value)
    except (KeyringError, RuntimeError) as exc:
        raise _no_keyring(exc) from None


def delete_token(host: str) -> bool:
    """Remove the stored token; False when there was none."""
    import keyring
    from keyring.errors import KeyringError, PasswordDeleteError

    if not keyring_usable():
        raise _no_keyring(RuntimeError("no backend"))
    try:
        keyring.delete_password(SERVICE, host)
    except PasswordDeleteError:
        return False
    except (KeyringError, RuntimeError) as exc:
        raise _no_keyring(exc) from None
    return True
