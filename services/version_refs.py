"""Version references: the files the policy's ``[[version_references]]`` name (a README's
download link, a version file) are brought up to the new version by the changelog step, in the
same commit as the CHANGELOG move (PAI: "README version references", "bump PATCH in any version
files").

How a mention is found without guessing what a version looks like in free text: the pattern is
filled in with the versions the repository has released (its tags under ``versioning.tag``); the
newest of those the file mentions is the one replaced, everywhere in the file, by the pattern
filled in with the new version. A file that already mentions the new version is left alone (it
was updated by hand). A file that mentions neither is refused before anything is written: the
pattern no longer matches what the file says, and a silent no-op would ship a stale README.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from services import versions
from services.errors import ConsoleError
from services.policy import Policy
from services.step_protocol import unified_diff


class VersionReferenceError(ConsoleError):
    """A version reference cannot be updated; the message names the file and the pattern."""


@dataclass(frozen=True)
class RefUpdate:
    """One file's update: its text before and after, and which version it replaced."""

    path: str
    before: str
    after: str
    replaced: tuple[tuple[str, str], ...] = ()  # (old, new), e.g. ("pai-v1.2.0-", "pai-v1.3.0-")

    @property
    def changed(self) -> bool:
        return self.before != self.after

    def data(self) -> bytes:
        return self.after.encode("utf-8")

    def diff(self) -> str:
        return unified_diff(self.path, self.before, self.after)


def _policy_name(policy: Policy) -> str:
    return policy.source.name if policy.source is not None else "the policy"


def released(tags: list[str], tag_format: str, new_version: str) -> list[tuple[str, str]]:
    """(version, tag) for every released tag other than the new one, newest version first."""
    found = []
    for tag in tags:
        version = versions.version_from_tag(tag, tag_format)
        if version is not None and str(version) != new_version:
            found.append((version, tag))
    found.sort(key=lambda pair: pair[0], reverse=True)
    return [(str(v), tag) for v, tag in found]


def plan_updates(policy: Policy, *, version: str, tag: str, tags: list[str],
                 read: Callable[[str], bytes | None]) -> list[RefUpdate]:
    """The update of every referenced file, read with ``read`` (the work tree, or a commit).

    Several references to one file apply in order to the same text. Raises
    :class:`VersionReferenceError` naming the file and the pattern when a file cannot be read or
    its pattern matches neither the new version nor a released one.
    """
    older = released(tags, policy.tag_format, version)
    texts: dict[str, tuple[str, str, list[tuple[str, str]]]] = {}  # path -> (before, after, replaced)
    for ref in policy.version_references:
        if ref.path not in texts:
            raw = read(ref.path)
            try:
                if raw is None:
                    raise UnicodeError
                text = raw.decode("utf-8")
            except UnicodeError:
                raise VersionReferenceError(
                    f"{ref.path} (a version reference in {_policy_name(policy)}) cannot be read "
                    "as UTF-8 text.",
                    remedy="Fix the path in [[version_references]] or create the file.") from None
            texts[ref.path] = (text, text, [])
        before, current, replaced = texts[ref.path]
        wanted = ref.pattern.format(version=version, tag=tag)
        if wanted in without_mentions_containing(current, wanted, ref.pattern, older):
            continue  # already names the new version (not merely inside "1.3.0-rc.1")
        for old_version, old_tag in older:
            needle = ref.pattern.format(version=old_version, tag=old_tag)
            if needle in current:
                current = current.replace(needle, wanted)
                replaced.append((needle, wanted))
                break
        else:
            last = ref.pattern.format(version=older[0][0], tag=older[0][1]) if older else ""
            raise VersionReferenceError(
                f"{ref.path} no longer matches the version reference pattern {ref.pattern!r} in "
                f"{_policy_name(policy)}: it mentions neither {wanted!r}"
                + (f" nor the last release's {last!r}." if last else "."),
                remedy=f"Fix the pattern in [[version_references]] in {_policy_name(policy)}, "
                "or put the current version back in the file and commit it.")
        texts[ref.path] = (before, current, replaced)
    return [RefUpdate(path, before, after, tuple(replaced))
            for path, (before, after, replaced) in texts.items()]


def without_mentions_containing(text: str, wanted: str, pattern: str,
                                older: list[tuple[str, str]]) -> str:
    """``text`` less every released version's mention that contains ``wanted``: "version =
    1.3.0" inside "version = 1.3.0-rc.1" is the rc's mention, not the new version's."""
    for old_version, old_tag in older:
        needle = pattern.format(version=old_version, tag=old_tag)
        if wanted in needle:
            text = text.replace(needle, "")
    return text
