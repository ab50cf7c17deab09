"""Reading one TOML table of ``release.toml`` with the checks every key needs.

Kept apart from :mod:`services.policy` (the typed policy) so each stays small: this module knows
TOML shapes and how to say precisely which key is wrong; that one knows what the keys mean.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from services.errors import ConsoleError


class PolicyError(ConsoleError):
    """The policy file cannot be used; the message names file, key and expectation."""


_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


class Table:
    """Reads one TOML table, checking types and remembering which keys were used."""

    def __init__(self, path: Path, name: str, data: Any) -> None:
        self.path = path
        self.name = name
        if not isinstance(data, dict):
            raise PolicyError(f"{path}: [{name}] must be a table, not {_kind(data)}.")
        self.data: dict[str, Any] = data
        self.used: set[str] = set()

    def key(self, key: str) -> str:
        return f"{self.name}.{key}" if self.name else key

    def _get(self, key: str) -> Any:
        self.used.add(key)
        return self.data.get(key)

    def fail(self, key: str, expected: str, value: Any) -> PolicyError:
        return PolicyError(
            f"{self.path}: key '{self.key(key)}' must be {expected}, but it is {_kind(value)}."
        )

    def text(self, key: str, default: str, *, choices: Iterable[str] = (),
            placeholders: Iterable[str] | None = None, required: Iterable[str] = ()) -> str:
        value = self._get(key)
        if value is None:
            return default
        if not isinstance(value, str):
            raise self.fail(key, "a string", value)
        options = tuple(choices)
        if options and value not in options:
            raise PolicyError(
                f"{self.path}: key '{self.key(key)}' is {value!r}; expected one of: "
                f"{', '.join(options)}."
            )
        if placeholders is not None:
            _check_pattern(self.path, self.key(key), value, tuple(placeholders), tuple(required))
        return value

    def flag(self, key: str, default: bool) -> bool:
        value = self._get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise self.fail(key, "true or false", value)
        return value

    def strings(self, key: str, default: tuple[str, ...]) -> tuple[str, ...]:
        value = self._get(key)
        if value is None:
            return default
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(key, "a list of strings", value)
        return tuple(value)

    def table(self, key: str) -> Table:
        value = self._get(key)
        return Table(self.path, self.key(key), {} if value is None else value)

    def tables(self, key: str) -> list[Table]:
        value = self._get(key)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.fail(key, "an array of tables ([[...]])", value)
        return [Table(self.path, f"{self.key(key)}[{i}]", v) for i, v in enumerate(value)]

    def int_map(self, key: str) -> dict[str, int]:
        value = self._get(key)
        if value is None:
            return {}
        if not isinstance(value, dict) or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in value.values()
        ):
            raise self.fail(key, "a table of whole numbers (for example critical = 24)", value)
        return dict(value)

    def finish(self) -> None:
        unknown = sorted(set(self.data) - self.used)
        if unknown:
            known = ", ".join(sorted(self.used))
            raise PolicyError(
                f"{self.path}: unknown key '{self.key(unknown[0])}'; remove it or correct "
                f"its spelling (keys allowed here are: {known})."
            )


def _kind(value: Any) -> str:
    names = {str: "a string", bool: "a boolean", int: "a number", float: "a number",
             list: "a list", dict: "a table"}
    return names.get(type(value), type(value).__name__)


def _check_pattern(path: Path, key: str, value: str, allowed: tuple[str, ...],
                   required: tuple[str, ...]) -> None:
    try:
        names = [m.group(1) for m in _PLACEHOLDER.finditer(value)]
        stripped = _PLACEHOLDER.sub("", value)
        if "{" in stripped or "}" in stripped:
            raise ValueError
    except ValueError:
        raise PolicyError(f"{path}: key '{key}' has an unbalanced brace in {value!r}.") from None
    for name in names:
        if name not in allowed:
            raise PolicyError(
                f"{path}: key '{key}' uses unknown placeholder {{{name}}} in {value!r}; "
                f"allowed: {', '.join('{' + a + '}' for a in allowed)}."
            )
    for name in required:
        if name not in names:
            raise PolicyError(f"{path}: key '{key}' must contain {{{name}}}, but it is {value!r}.")


_BAD_REF = re.compile(r"[\x00-\x20\x7f~^:?*\[\\]|\.\.|@\{|//|^[/.-]|/\.|/$|\.$|\.lock(/|$)")


def require_tag_name(path: Path, key: str, pattern: str) -> str:
    """A tag pattern git would refuse is said at load, naming the key, not at the tag step."""
    if not pattern:
        return pattern
    sample = pattern.format(version="1.2.3-rc.1", n=1)
    if _BAD_REF.search(sample):
        raise PolicyError(f"{path}: key '{key}' makes tags like {sample!r}, which git does not "
                          "accept as a tag name (no spaces, '..', '~^:?*[\\', leading '/' or "
                          "'-').")
    return pattern


def require_fingerprint(path: Path, key: str, value: str) -> None:
    """A short key id would let another key with the same id pass the pin: full ones only."""
    if value and not re.fullmatch(r"[0-9A-Fa-f]{40}|[0-9A-Fa-f]{64}", value.replace(" ", "")):
        raise PolicyError(f"{path}: key '{key}' must be a full OpenPGP fingerprint (40 hex "
                          f"digits), but it is {value!r}.")
