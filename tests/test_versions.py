"""Versions: SemVer parsing, bumps, release-candidate numbers, the floor, tag names."""

from __future__ import annotations

import pytest
import semver

from services import versions
from services.versions import VersionError


def test_parse_accepts_a_leading_v_and_refuses_the_rest() -> None:
    assert versions.parse_version("v1.4.0") == semver.Version(1, 4, 0)
    assert str(versions.parse_version(" 1.4.0-rc.2 ")) == "1.4.0-rc.2"
    for bad in ("1.4", "v1", "1.4.0.1", "latest", ""):
        with pytest.raises(VersionError, match="is not a SemVer version"):
            versions.parse_version(bad)


@pytest.mark.parametrize(("current", "bump", "expected"), [
    ("1.3.2", "patch", "1.3.3"), ("1.3.2", "minor", "1.4.0"), ("1.3.2", "major", "2.0.0"),
    (None, "minor", "0.1.0"),
])
def test_next_version(current: str | None, bump: str, expected: str) -> None:
    base = versions.parse_version(current) if current else None
    assert str(versions.next_version(base, bump)) == expected


@pytest.mark.parametrize(("current", "bump", "expected"), [
    ("2.0.0-rc.1", "patch", "2.0.0"), ("2.0.0-rc.1", "minor", "2.0.0"),
    ("2.0.0-rc.1", "major", "2.0.0"), ("1.3.0-rc.2", "minor", "1.3.0"),
    ("1.3.0-rc.2", "major", "2.0.0"), ("1.2.1-rc.1", "minor", "1.3.0"),
    ("1.2.1-rc.1", "patch", "1.2.1"), ("1.3.2", "patch", "1.3.3"), (None, "minor", "0.1.0"),
])
def test_next_release_finishes_a_pre_release_before_counting_past_it(
        current: str | None, bump: str, expected: str) -> None:
    base = versions.parse_version(current) if current else None
    assert str(versions.next_release(base, bump)) == expected


def test_unknown_bump_is_refused() -> None:
    with pytest.raises(VersionError, match="Unknown bump"):
        versions.next_version(None, "huge")


def test_rc_numbers_follow_existing_tags() -> None:
    tags = ["v1.3.0", "v1.4.0-rc.1", "v1.4.0-rc.2", "v1.5.0-rc.7", "junk"]
    base = semver.Version(1, 4, 0)
    assert versions.next_rc_number(tags, "v{version}", base) == 3
    assert versions.next_rc_number(tags, "v{version}", semver.Version(1, 6, 0)) == 1
    assert versions.rc_version(base, 3) == "1.4.0-rc.3"
    with pytest.raises(VersionError):
        versions.rc_version(base, 0)


def test_highest_release_ignores_prereleases_and_other_formats() -> None:
    tags = ["v1.2.0", "v1.10.0", "v2.0.0-rc.1", "1.99.0", "pai-v3.0.0"]
    assert str(versions.highest_release(tags, "v{version}")) == "1.10.0"
    assert str(versions.highest_release(tags, "pai-v{version}")) == "3.0.0"
    assert versions.highest_release([], "v{version}") is None


def test_require_greater_refuses_equal_or_lower() -> None:
    tags = ["v1.3.0", "v1.4.0-rc.1"]
    versions.require_greater(semver.Version(1, 4, 0), tags, "v{version}")
    for low in ("1.3.0", "1.2.9", "1.3.0-rc.1"):
        with pytest.raises(VersionError, match=r"not greater than the last release v1\.3\.0"):
            versions.require_greater(versions.parse_version(low), tags, "v{version}")


def test_tags_from_the_policy_format() -> None:
    assert versions.tag_for("v{version}", "1.4.0") == "v1.4.0"
    assert versions.tag_for("pai-{version}", semver.Version(1, 4, 0)) == "pai-1.4.0"
    assert versions.version_from_tag("pai-1.4.0", "pai-{version}") == semver.Version(1, 4, 0)
    assert versions.version_from_tag("v1.4.0", "pai-{version}") is None
    assert versions.version_from_tag("vnext", "v{version}") is None


def test_bump_between_and_major_detection() -> None:
    v = versions.parse_version
    assert versions.bump_between(v("1.3.0"), v("2.0.0")) == "major"
    assert versions.bump_between(v("1.3.0"), v("1.4.0-rc.1")) == "minor"
    assert versions.bump_between(v("1.3.0"), v("1.3.1")) == "patch"
    assert versions.bump_between(None, v("0.1.0")) == "minor"
    assert versions.effective_bump("major", v("0.4.0")) == "minor"
    assert versions.effective_bump("major", v("1.4.0")) == "major"
    assert versions.is_major_bump(v("1.9.0"), v("2.0.0"))
    assert versions.is_major_bump(v("0.9.0"), v("1.0.0"))
    assert not versions.is_major_bump(v("0.3.0"), v("0.4.0"))
    assert not versions.is_major_bump(None, v("3.0.0"))
