"""Keeping secrets out of everything the console writes.

Tokens, passphrases and PINs are registered here the moment they are read. Every writer of
persistent or visible text (session, journal, logs, error messages) passes its text through
:func:`scrub`, so even a bug that puts a secret into an exception cannot leak it to disk.
"""

from __future__ import annotations

import json
import re
import threading

from services.errors import ConsoleError

_lock = threading.Lock()
_secrets: set[str] = set()
MASK = "********"
LONG = 16  # from this length a value is masked even inside a longer word

# Keys that must never carry a value into the journal or session, whatever the value is. Matched
# exactly (lower case), so user data such as a smoke check called "PIN entry" is not refused.
SECRET_KEYS = frozenset({"token", "passphrase", "password", "pin", "secret", "github_token"})


def register(value: str | None) -> None:
    """Remember ``value`` as secret (values shorter than 4 characters are too common to mask),
    with the forms an error message writes it in: a library quoting a bad header shows a line
    break as the two characters ``\\n``, and JSON shows it the same way."""
    if value and len(value) >= 4:
        forms = {value, value.encode("unicode_escape").decode("ascii"),
                 json.dumps(value)[1:-1], repr(value)[1:-1]}
        with _lock:
            _secrets.update(form for form in forms if len(form) >= 4)


def registered() -> frozenset[str]:
    """What is registered now (for a test run, which forgets a test's secrets after it)."""
    with _lock:
        return frozenset(_secrets)


def forget_all_but(kept: frozenset[str]) -> None:
    """Forget every secret but ``kept``: a process that runs many independent jobs (a test
    worker) ends one's secrets with it; the console itself never forgets one."""
    with _lock:
        _secrets.intersection_update(kept)


def scrub(text: str) -> str:
    """Mask every registered secret in ``text``.

    Long values (tokens) are masked wherever they appear. Short ones (a passphrase that happens to
    be a word) only where they stand alone, so "wrongly" survives a passphrase of "wrong".
    """
    with _lock:
        values = sorted(_secrets, key=len, reverse=True)
    for value in values:
        if value not in text:
            continue
        if len(value) >= LONG:
            text = text.replace(value, MASK)
        else:
            text = re.sub(rf"(?<![0-9A-Za-z]){re.escape(value)}(?![0-9A-Za-z])", MASK, text)
    return text


class SecretKeyError(ConsoleError):
    """Something tried to persist a secret-named key; refused before anything is written."""


def check_keys(data: object, where: str) -> None:
    """Refuse to persist a mapping that carries a secret-named key (a programming error)."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key in SECRET_KEYS:
                raise SecretKeyError(f"Refusing to write a value named {key!r} to {where}: "
                                     "it would hold a secret. This is a bug; nothing was written.")
            check_keys(value, where)
    elif isinstance(data, list | tuple):
        for item in data:
            check_keys(item, where)
