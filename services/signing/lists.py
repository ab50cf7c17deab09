"""Which files ``verify`` takes for the policy's combined checksum list, from its name alone.

The policy names the list with a pattern (``SHA256SUMS``, ``SHA256SUMS-{tag}``,
``pai-{version}.sha256sums``). ``verify`` checks downloads of any release, the one in progress or
one long out, so it cannot fill the pattern in with one session's tag: it matches a file's name
against the pattern and reads the tag or version out of it. Whether a missing list signature
fails is decided here too (:meth:`ListRules.unsigned_reason`): it fails unless the release record
here shows the list was made before ``sign_combined``, or the captain said so (``--unsigned-list``).
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import semver

from services import checksum_check
from services.errors import ConsoleError
from services.evidence import ChecksumsEvidence, SignEvidence
from services.session import Session

_PLACEHOLDER = re.compile(r"\{(tag|version)\}")


@dataclass(frozen=True)
class ListName:
    """A file name the pattern matched, with what it filled in (empty when not in the pattern)."""

    name: str
    tag: str = ""
    version: str = ""


def pattern_regex(pattern: str) -> re.Pattern[str]:
    """The pattern as a regular expression: literal text escaped, each placeholder one path-free
    group, a placeholder written twice the same text both times."""
    out, seen, last = [], set(), 0
    for found in _PLACEHOLDER.finditer(pattern):
        out.append(re.escape(pattern[last:found.start()]))
        key = found.group(1)
        out.append(f"(?P={key})" if key in seen else f"(?P<{key}>[^/]+?)")
        seen.add(key)
        last = found.end()
    out.append(re.escape(pattern[last:]))
    return re.compile("".join(out))


def match_list_name(pattern: str, name: str) -> ListName | None:
    """``name`` read as the list ``pattern`` names, or None when it is not one."""
    if not pattern:
        return None
    found = pattern_regex(pattern).fullmatch(name)
    if found is None:
        return None
    groups = found.groupdict()
    return ListName(name, tag=groups.get("tag") or "", version=groups.get("version") or "")


_VERSION = re.compile(r"\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?")


def _release_of(pattern: str, path: Path) -> tuple[bool, semver.Version]:
    """The version a list's name carries (its tag's or version's), to order lists newest first:
    (False, 0.0.0) when it carries none semver reads."""
    found = match_list_name(pattern, path.name)
    text = _VERSION.search(found.version or found.tag) if found is not None else None
    try:
        return (True, semver.Version.parse(text.group())) if text else (False, semver.Version(0))
    except ValueError:
        return False, semver.Version(0)


UnsignedReason = Callable[[Path], str]


@dataclass(frozen=True)
class ListRules:
    """The policy's combined list as ``verify`` sees it: ``pattern`` (``checksums.combined``),
    ``signed`` (``sign_combined``: its signature must be there), and ``unsigned`` giving the reason
    a list with no signature is accepted anyway ("" when it is not)."""

    pattern: str = ""
    signed: bool = False
    unsigned: UnsignedReason = field(default=lambda _path: "")

    def is_list(self, path: Path) -> bool:
        return match_list_name(self.pattern, path.name) is not None

    def beside(self, artifact: Path) -> list[Path]:
        """The policy's lists in ``artifact``'s folder that vouch for it: with a fixed name, that
        list (as it always was); with a tag or version in the name, the ones naming the artifact
        (a downloads folder holds several releases' lists), the newest release's first (by
        version: SHA256SUMS-v1.10.0 before SHA256SUMS-v1.9.0), which a failure names."""
        folder = artifact.parent
        if not self.pattern or not folder.is_dir():
            return []
        if not _PLACEHOLDER.search(self.pattern):
            found = folder / self.pattern
            return [found] if found.is_file() and found != artifact else []
        naming = [p for p in sorted(folder.iterdir()) if p != artifact and self.is_list(p)
                  and p.is_file() and checksum_check.listed_digest(p, artifact) is not None]
        return sorted(naming, key=lambda p: _release_of(self.pattern, p), reverse=True)


def released_before_signing(sessions: Callable[[], list[Session]]) -> UnsignedReason:
    """The reason a list with no signature is accepted: a release recorded here wrote exactly this
    list (its sha256 is in that release's checksums evidence) and its sign step did not sign it
    (it ran before ``sign_combined``). Any list the record does not vouch for gets ""."""
    loaded = functools.cache(sessions)

    def reason(path: Path) -> str:
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            known = loaded()
        except (OSError, ConsoleError):  # an unreadable list or a damaged record: no exception
            return ""
        for session in known:
            sums = session.evidence(ChecksumsEvidence, done=True)
            signed = session.evidence(SignEvidence, done=True)
            if sums is None or signed is None or signed.combined is not None:
                continue
            if any(f.get("sha256") == digest for f in sums.files):
                return f"{session.tag} was signed before sign_combined, by its record here"
        return ""

    return reason
