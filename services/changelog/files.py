"""Getting a changelog's (or migration guide's) text off disk, refusing what is not UTF-8 Markdown.

Split from :mod:`services.changelog.model` so parsing stays one concern; the model re-exports these
names. A file that is missing, not a regular file, UTF-16 or binary is refused with one sentence
naming it, before any byte is parsed or edited, so nothing is ever written from a misread file.
"""

from __future__ import annotations

from pathlib import Path

from services.errors import ConsoleError


class ChangelogError(ConsoleError):
    """A changelog cannot be read or edited as asked; the message names the file.

    One made by :func:`refused` also keeps its parts: ``fact`` (what is wrong), ``todo`` (what to
    do, as the sentence says it) and ``instead`` (a step's own to-do where the sentence's reads
    only for a command, "pick the next version"), so a step shows it as a blocker, not as a
    refusal: walked, the changelog step's blockers ended "…, nothing was changed" before
    anything had been tried."""

    fact = ""
    todo = ""
    instead = ""


def refused(fact: str, todo: str = "", *, instead: str = "") -> ChangelogError:
    """The refusal "FACT; TODO, nothing was changed." (the command line's words, unchanged),
    with its parts kept for a blocker (see :class:`ChangelogError`)."""
    err = ChangelogError(f"{fact}; {todo}, nothing was changed." if todo
                         else f"{fact}; nothing was changed.")
    err.fact, err.todo, err.instead = fact, todo, instead
    return err


class EmptyUnreleased(ChangelogError):
    """A move asked of an [Unreleased] section with no entries. ``changelog move`` refuses it
    as it is said; the changelog step shows it before anything runs, as a blocker in its own
    words (a refusal's "nothing was changed" is wrong where nothing was tried)."""


class UnknownVersion(ChangelogError):
    """A VERSION that names no section: not a version (``1.x``), or one the file has no section
    for. The ``changelog`` commands say it as a usage error (exit 2, docs/cli.md: a value that
    names nothing); a step that reads the changelog keeps it a refusal, as it was."""


def _utf16(raw: bytes) -> bool:
    """A UTF-16 byte order mark, or text with every other byte zero (UTF-16 without one)."""
    if raw[:2] in {b"\xff\xfe", b"\xfe\xff"}:
        return True
    sample = raw[:4096]
    return len(sample) >= 4 and (not any(sample[1::2]) or not any(sample[0::2]))


def decode(raw: bytes, display: str, what: str = "changelog") -> str:
    if _utf16(raw):
        raise refused(f"{display} is not UTF-8 text (it looks like UTF-16)", "save it as UTF-8")
    if b"\x00" in raw:
        raise refused(f"{display} looks like a binary file, not a Markdown {what}")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise refused(f"{display} is not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset "
                      f"{exc.start})", "save it as UTF-8") from None


def policy_pointer(key: str, what: str) -> str:
    """How to name another file, where the path is the policy's (a step, the TUI): only the
    ``changelog``/``migration`` commands have ``--file``, and a step's blocker sent the captain
    to an option the step and the TUI do not have."""
    return f"point [documents] {key} in release.toml at the {what}"


def file_pointer(what: str, *, given: bool) -> str:
    """How to name another file for a ``changelog``/``migration`` command: ``given``, its
    ``--file`` named this one; else it read the policy's path and ``--file`` is there too."""
    if given:
        return f"pass the path of the {what} with --file"
    key = "migration" if what == "migration notes" else "changelog"
    return f"{policy_pointer(key, what)}, or pass --file PATH"


def read_bytes(path: Path, display: str, *, what: str = "changelog", pointer: str = "") -> bytes:
    """The changelog's bytes; a missing or odd file is refused with ``pointer`` saying how to
    name another (default: the policy's path, as a step says it)."""
    pointer = pointer or policy_pointer("changelog", what)
    if not path.exists():
        raise ChangelogError(f"{display} does not exist; create it, or {pointer}.")
    if not path.is_file():
        raise ChangelogError(f"{display} is not a regular file; {pointer}.")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ChangelogError(f"Cannot read {display}: {exc.strerror}.") from None
