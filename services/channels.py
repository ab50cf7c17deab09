"""What a session's channel means for its version: the final X.Y.Z behind a candidate.

A candidate ``X.Y.Z-rc.N`` (or ``X.Y.Z-preview3``) is a rehearsal of ``X.Y.Z``: its changelog
section, its migration section and its notes are those of ``X.Y.Z``, because the stable release is
later tagged on the very same commit (``services.promote``). The steps ask here instead of reading
``session.version`` directly, so a candidate never writes ``[1.3.0-rc.1]`` into a changelog.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import semver

from services import versions
from services.errors import ConsoleError
from services.policy import ChannelPolicy, Policy
from services.session import Session


def is_candidate(session: Session) -> bool:
    """A pre-release of a final version (``1.3.0-rc.2``, ``0.2.0-preview1``); a pre-release
    channel tagged with the plain version (bao-kms-provider's ``0.1.0`` preview) is not."""
    return "-" in session.version.partition("+")[0]


def final_version(session: Session) -> str:
    """``1.3.0`` for ``1.3.0-rc.2``; the version itself for a stable release."""
    if not is_candidate(session):
        return session.version
    try:
        return str(versions.parse_version(session.version).finalize_version())
    except versions.VersionError:
        return session.version


def final_tag(policy: Policy, session: Session) -> str:
    """The tag the final release will have (``v1.3.0`` for ``v1.3.0-rc.2``)."""
    if not is_candidate(session):
        return session.tag
    return policy.tag_for(final_version(session))


def candidate_banner(session: Session, policy: Policy) -> str:
    """The line at the top of a candidate's notes: users must know it is not the release."""
    final = final_version(session)
    suffix = session.version.partition("-")[2]
    what = "Release candidate" if suffix.startswith("rc") else f"Pre-release ({session.channel})"
    return (f"> **{what}** {session.tag} of {policy.tag_for(final)}: for testing, "
            "not for production. It is published as a pre-release.")


# --- the policy's channels: tag patterns, numbering, versions --------------------------------
def _pattern(template: str) -> re.Pattern[str]:
    """A regex for tags made by a channel's ``tag`` (``{version}`` = X.Y.Z, ``{n}`` = a number)."""
    parts = re.split(r"(\{version\}|\{n\})", template)
    out = []
    for part in parts:
        if part == "{version}":
            out.append(r"(?P<version>\d+\.\d+\.\d+)")
        elif part == "{n}":
            out.append(r"(?P<n>\d+)")
        else:
            out.append(re.escape(part))
    return re.compile("".join(out) + r"\Z")


def version_template(policy: Policy, channel: ChannelPolicy) -> str:
    """The version a channel's tags carry, as a pattern: ``v{version}-preview{n}`` under the tag
    format ``v{version}`` is the version ``{version}-preview{n}`` (so artifacts named with
    ``{version}`` say ``0.2.0-preview1``, not ``0.2.0-rc.1``)."""
    prefix, _, suffix = policy.tag_format.partition("{version}")
    template = channel.tag
    if prefix and template.startswith(prefix):
        template = template[len(prefix):]
    if suffix and template.endswith(suffix):
        template = template[: -len(suffix)]
    return template if "{version}" in template else "{version}"


def next_number(policy: Policy, channel: ChannelPolicy, tags: Iterable[str],
                 base: semver.Version) -> int:
    """One more than the highest ``{n}`` among the channel's tags for ``base`` (1 for none)."""
    pattern = _pattern(channel.tag)
    highest = 0
    for tag in tags:
        match = pattern.match(tag)
        if match and match.group("version") == str(base) and "n" in match.groupdict():
            highest = max(highest, int(match.group("n")))
    return highest + 1


def channel_release(policy: Policy, channel: ChannelPolicy, tags: Iterable[str],
                    base: semver.Version) -> tuple[str, str]:
    """(version, tag) of the channel's next release of ``base``; refuses a version that does
    not come out as SemVer (the policy's tag pattern names it)."""
    if not channel.tag:
        version = str(base)
        return version, policy.tag_for(version)
    listed = list(tags)
    n = next_number(policy, channel, listed, base)
    version = version_template(policy, channel).format(version=str(base), n=n)
    try:
        versions.parse_version(version)
    except versions.VersionError:
        raise versions.VersionError(
            f"Channel {channel.name!r} makes the version {version!r}, which is not SemVer.",
            remedy=f"Fix [channels.{channel.name}] tag in the policy, e.g. "
            "\"v{version}-rc.{n}\".") from None
    return version, channel.tag.format(version=str(base), n=n)


def channel_of_tag(policy: Policy, tag: str) -> ChannelPolicy | None:
    """The channel whose tag pattern ``tag`` matches (a patterned channel before a plain one)."""
    patterned = [c for c in policy.channels if c.tag]
    for channel in patterned:
        if _pattern(channel.tag).match(tag):
            return channel
    return None


def required_sections(policy: Policy, session: Session) -> tuple[str, ...]:
    """The notes sections the session's channel requires (Carapace: stable releases only)."""
    try:
        channel = policy.channel(session.channel)
    except ConsoleError:
        return policy.required_sections
    if channel.required_sections is None:
        return policy.required_sections
    return channel.required_sections
