"""SemVer versions and the tags they become.

A captain types ``1.4.0`` or ``v1.4.0``; the policy's tag format turns it into the tag. The highest
existing *release* tag (pre-releases excluded) is the floor a new version must rise above.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import semver

from services.errors import ConsoleError

BUMPS = ("major", "minor", "patch")


class VersionError(ConsoleError):
    """A version string a captain gave cannot be used."""


class MalformedVersion(VersionError):
    """A version that is not one (``1.x``, ``banana``, too long, spaces around it): the command
    line itself is wrong, exit 2 as docs/cli.md's table says of a malformed value. One that
    parses and is refused as things stand (not above the last release) stays a VersionError."""

    exit_code = 2


MAX_VERSION_LENGTH = 100


def requested_version(text: str) -> semver.Version:
    """A version the captain typed: taken exactly as given. Spaces around it are refused rather
    than stripped (a pasted " 1.4.0" is a mistake worth seeing), and an overlong one is refused
    without echoing it all back."""
    if len(text) > MAX_VERSION_LENGTH:
        raise MalformedVersion(f"The version given is {len(text)} characters long; a version is at "
                           f"most {MAX_VERSION_LENGTH}.",
                           remedy="Use MAJOR.MINOR.PATCH, for example 1.4.0.")
    if text != text.strip():
        raise MalformedVersion(f"The version {text.strip()!r} was given with spaces around it.",
                           remedy="Give it without spaces, for example 1.4.0.")
    return parse_version(text)


def parse_version(text: str) -> semver.Version:
    """Parse ``1.2.3`` or ``v1.2.3``; anything else is refused with the expected form."""
    if len(text) > MAX_VERSION_LENGTH:
        raise MalformedVersion(f"A version of {len(text)} characters is too long (at most "
                           f"{MAX_VERSION_LENGTH}).",
                           remedy="Use MAJOR.MINOR.PATCH, for example 1.4.0.")
    raw = text.strip()
    candidate = raw[1:] if raw[:1] in {"v", "V"} else raw
    try:
        return semver.Version.parse(candidate)
    except (ValueError, TypeError):
        raise MalformedVersion(
            f"{text!r} is not a SemVer version.",
            remedy="Use MAJOR.MINOR.PATCH, for example 1.4.0 (a pre-release is 1.4.0-rc.1).",
        ) from None


def tag_regex(tag_format: str) -> re.Pattern[str]:
    """A regex that matches tags made by ``tag_format`` and captures the version part."""
    prefix, _, suffix = tag_format.partition("{version}")
    return re.compile(re.escape(prefix) + r"(?P<version>\S+?)" + re.escape(suffix) + r"\Z")


def versions_from_tags(tags: Iterable[str], tag_format: str) -> list[semver.Version]:
    pattern = tag_regex(tag_format)
    found = []
    for tag in tags:
        match = pattern.match(tag)
        if not match:
            continue
        try:
            found.append(semver.Version.parse(match.group("version")))
        except ValueError:
            continue
    return sorted(found)


def highest_release(tags: Iterable[str], tag_format: str) -> semver.Version | None:
    """The highest non-pre-release version among the tags, or None for a first release."""
    releases = [v for v in versions_from_tags(tags, tag_format) if not v.prerelease]
    return releases[-1] if releases else None


def next_version(current: semver.Version | None, bump: str) -> semver.Version:
    if bump not in BUMPS:
        raise VersionError(f"Unknown bump {bump!r}; use one of: {', '.join(BUMPS)}.")
    base = current or semver.Version(0, 0, 0)
    if bump == "major":
        return base.bump_major()
    if bump == "minor":
        return base.bump_minor()
    return base.bump_patch()


def next_rc_number(tags: Iterable[str], tag_format: str, base: semver.Version) -> int:
    """The next ``-rc.N`` for ``base``: one more than the highest existing rc tag."""
    highest = 0
    for version in versions_from_tags(tags, tag_format):
        if version.finalize_version() != base or not version.prerelease:
            continue
        match = re.fullmatch(r"rc\.(\d+)", version.prerelease)
        if match:
            highest = max(highest, int(match.group(1)))
    return highest + 1


def require_greater(version: semver.Version, tags: Iterable[str], tag_format: str) -> None:
    """Refuse a version that is not above the highest release tag."""
    top = highest_release(tags, tag_format)
    if top is not None and version.compare(top) <= 0:
        raise VersionError(
            f"Version {version} is not greater than the last release "
            f"{tag_format.format(version=top)}.",
            remedy=f"Pick a version above {top}, for example {top.bump_patch()}.",
        )


# --- added with the changelog work: tags <-> versions, and what kind of step a release is -------
def tag_for(tag_format: str, version: semver.Version | str) -> str:
    """The tag name the policy's format gives ``version`` (``v{version}`` -> ``v1.4.0``)."""
    return tag_format.format(version=str(version))


def version_from_tag(tag: str, tag_format: str) -> semver.Version | None:
    """The version a tag names under ``tag_format``, or None when it is not such a tag."""
    match = tag_regex(tag_format).match(tag)
    if not match:
        return None
    try:
        return semver.Version.parse(match.group("version"))
    except ValueError:
        return None


def bump_between(old: semver.Version | None, new: semver.Version) -> str:
    """Which part changed from ``old`` to ``new``: major, minor, patch (or major for a first
    release of 1.0.0 and above, minor below it)."""
    if old is None:
        return "major" if new.major >= 1 else "minor"
    final_old, final_new = old.finalize_version(), new.finalize_version()
    if final_new.major != final_old.major:
        return "major"
    if final_new.minor != final_old.minor:
        return "minor"
    return "patch"


def effective_bump(bump: str, current: semver.Version | None) -> str:
    """Before 1.0.0 a breaking change bumps MINOR (SemVer item 4, as the PAI rules apply it)."""
    if bump == "major" and (current is None or current.major == 0):
        return "minor"
    return bump


def rc_version(base: semver.Version, n: int) -> str:
    """The candidate-channel version ``X.Y.Z-rc.N``."""
    if n < 1:
        raise VersionError(f"A release-candidate number starts at 1, not {n}.")
    return f"{base.finalize_version()}-rc.{n}"


def is_major_bump(old: semver.Version | None, new: semver.Version) -> bool:
    """True when users cross a MAJOR version (or 0.x -> 1.0.0): migration needs real steps."""
    return old is not None and new.finalize_version().major > old.finalize_version().major


def next_release(current: semver.Version | None, bump: str) -> semver.Version:
    """The next version for ``bump`` counting from ``current``, which may be a pre-release: a
    pre-release already on its way to the bump asked for is finished rather than skipped past
    (2.0.0-rc.1 + patch -> 2.0.0, 1.3.0-rc.2 + minor -> 1.3.0, 1.2.1-rc.1 + minor -> 1.3.0)."""
    if current is not None and current.prerelease:
        final = current.finalize_version()
        if bump == "patch" or (bump == "minor" and final.patch == 0) or (
                bump == "major" and final.minor == 0 and final.patch == 0):
            return final
    return next_version(current.finalize_version() if current else None, bump)
