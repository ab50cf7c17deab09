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


def parse_version(text: str) -> semver.Version:
    """Parse ``1.2.3`` or ``v1.2.3``; anything else is refused with the expected form."""
    raw = text.strip()
    candidate = raw[1:] if raw[:1] in {"v", "V"} else raw
    try:
        return semver.Version.parse(candidate)
    except (ValueError, TypeError):
        raise VersionError(
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
