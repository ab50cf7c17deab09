"""What the yank wizard (and ``release-console yank``) asks GitHub and git before a yank.

Which releases can be yanked (published ones, from GitHub and the tags, yanked ones marked), the
suggested replacement (a newer published release, else the next patch), whether a replacement is
acceptable (newer than the yanked version, unless the captain says on purpose that users should
go back, "downgrade to 1.2.0"), and what GitHub will show afterwards, said before anything is
done: the banner, the flags, and which release GitHub will then call latest.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from services import versions
from services.errors import ConsoleError
from services.step_protocol import Context

if TYPE_CHECKING:
    from services.github.client import GitHubClient


class ReplacementError(ConsoleError):
    """The replacement version is not acceptable as given."""


class MalformedReplacement(ReplacementError):
    """A replacement that is not a version (``banana``): a malformed value on the command line,
    exit 2 as docs/cli.md's table says (it was 1, as a refusal of a real version)."""

    exit_code = 2


@dataclass(frozen=True)
class ReleaseChoice:
    """One published release as the wizard lists it."""

    tag: str
    version: str
    yanked: bool
    prerelease: bool
    latest: bool
    tagged_here: bool  # the tag is in this repository too

    @property
    def label(self) -> str:
        marks = [m for m, on in (("YANKED", self.yanked), ("latest", self.latest),
                                 ("pre-release", self.prerelease and not self.yanked),
                                 ("no local tag", not self.tagged_here)) if on]
        return self.tag + (f"  ({', '.join(marks)})" if marks else "")

    def to_json(self) -> dict[str, Any]:
        return {"tag": self.tag, "version": self.version, "yanked": self.yanked,
                "prerelease": self.prerelease, "latest": self.latest,
                "tagged_here": self.tagged_here}


@dataclass(frozen=True)
class GitHubPreview:
    """What the GitHub half will do, as the confirmation shows it."""

    tag: str
    banner: str
    prerelease_before: bool
    latest_before: str
    latest_after: str

    @property
    def lines(self) -> list[str]:
        flags = ("stays a pre-release" if self.prerelease_before
                 else "becomes a pre-release (was a full release)")
        if self.latest_before == self.tag:
            latest = (f"It is the latest release now; GitHub will then show "
                      f"{self.latest_after or 'no release'} as latest.")
        else:
            latest = f"Latest stays {self.latest_before or 'none'}."
        return [f"{self.tag} {flags}, not latest.", latest,
                "Nothing is deleted: the tag and every asset stay."]

    def lines_done(self, github: Mapping[str, Any]) -> list[str]:
        """What GitHub shows once the yank is done, from what its half read back (``github``,
        its evidence): after the yank the wizard's pane said "GitHub will then show", the
        state before, in the future tense."""
        from services.evidence import YankGitHubEvidence

        done = YankGitHubEvidence.from_json(dict(github))
        now = done.latest_after or "no release"
        flags = ("is a pre-release now, not latest" if done.prerelease else
                 "is still a full release: GitHub refused to make it a pre-release")
        latest = (f"It was the latest release; GitHub now shows {now} as latest."
                  if self.latest_before == self.tag else f"GitHub shows {now} as latest.")
        return [f"{self.tag} {flags}.", latest, "Nothing was deleted: the tag and every asset "
                "stay."]

    def to_json(self) -> dict[str, Any]:
        return {"tag": self.tag, "banner": self.banner, "prerelease_before":
                self.prerelease_before, "latest_before": self.latest_before,
                "latest_after": self.latest_after}


def _is_yanked(body: str | None) -> bool:
    from services.github.yank import MARK

    return (body or "").startswith(f"> **{MARK}**")


def published_releases(ctx: Context, client: GitHubClient | None = None) -> list[ReleaseChoice]:
    """Every published release of the project that names a version, newest version first."""
    from services.github import wiring
    from services.github.client import retrying
    from services.github.publish import latest_tag

    client = client or wiring.client_for(ctx)
    repo = client.repo()
    listed = retrying(f"list the releases of {client.repository}",
                      lambda: list(repo.get_releases()), client=client)
    latest = latest_tag(client)
    tags = set(ctx.repo.tags())
    found = []
    for rel in listed:
        if rel.draft:
            continue
        version = versions.version_from_tag(rel.tag_name, ctx.policy.tag_format)
        if version is None:
            continue
        found.append(ReleaseChoice(rel.tag_name, str(version), _is_yanked(rel.body),
                                   bool(rel.prerelease), rel.tag_name == latest,
                                   rel.tag_name in tags))
    return sorted(found, key=lambda c: versions.parse_version(c.version), reverse=True)


def suggest_replacement(ctx: Context, version: str,
                        published: Sequence[ReleaseChoice] = ()) -> tuple[str, str]:
    """The version users of ``version`` should move to, and why, in a few words.

    A published full release newer than it that is not yanked comes first (the same minor line
    if there is one, its newest patch, else the closest newer release): the fix is usually
    out already. Otherwise the next patch that is not tagged yet (the hotfix to come).
    """
    current = versions.parse_version(version)
    newer = sorted(versions.parse_version(c.version) for c in published
                    if not (c.yanked or c.prerelease)
                    and versions.parse_version(c.version) > current)
    same_line = [v for v in newer if (v.major, v.minor) == (current.major, current.minor)]
    if same_line:
        return str(same_line[-1]), "the newest published patch of its line"
    if newer:
        return str(newer[0]), "the closest newer published release"
    current = current.finalize_version()
    taken = set(versions.versions_from_tags(ctx.repo.tags(), ctx.policy.tag_format))
    candidate = current.bump_patch()
    while candidate in taken:
        candidate = candidate.bump_patch()
    return str(candidate), "the next patch, not released yet"


def check_replacement(version: str, replacement: str, *, allow_older: bool) -> str:
    """The replacement in canonical form; refuses one that does not parse, is the yanked version,
    or is older without ``allow_older`` (a deliberate downgrade)."""
    try:
        wanted = versions.requested_version(replacement)
    except versions.VersionError:
        if replacement != replacement.strip() or len(replacement) > versions.MAX_VERSION_LENGTH:
            raise  # its own sentence: spaces around it, or too long to echo
        raise MalformedReplacement(f"The replacement {replacement.strip()!r} is not a version "
                               "(MAJOR.MINOR.PATCH, e.g. 1.2.1); nothing was changed.") from None
    yanked = versions.parse_version(version)
    if wanted == yanked:
        raise ReplacementError(f"The replacement for {yanked} cannot be {yanked} itself; "
                               "nothing was changed.")
    if wanted.compare(yanked) < 0 and not allow_older:
        raise ReplacementError(
            f"The replacement {wanted} is older than {yanked}; nothing was changed.",
            remedy="If users should go back to it on purpose, confirm the downgrade with "
            "--allow-older.",
            # the wizard's words: walked, it named the option and "the wizard" to the captain in it
            tui="If users should go back to it on purpose, tick 'Older on purpose' above, then "
            "Preview.")
    return str(wanted)


def github_preview(ctx: Context, tag: str, reason: str, replacement_tag: str,
                   client: GitHubClient | None = None) -> GitHubPreview:
    """The change on GitHub, before it is made: GitHub calls latest the newest (by creation)
    published release that is not a pre-release, so that is the one it will show."""
    from services.github import wiring
    from services.github.client import retrying
    from services.github.publish import latest_tag
    from services.github.yank import banner, require_published

    client = client or wiring.client_for(ctx)
    rel = require_published(client, tag)
    repo = client.repo()
    listed = retrying(f"list the releases of {client.repository}",
                      lambda: list(repo.get_releases()), client=client)
    before = latest_tag(client)
    after = before
    if before == tag or not before:
        rest = [r for r in listed if not r.draft and not r.prerelease and r.tag_name != tag]
        newest = max(rest, key=lambda r: (r.created_at, r.id), default=None)
        after = newest.tag_name if newest is not None else ""
    return GitHubPreview(tag, banner(reason, replacement_tag), bool(rel.prerelease), before,
                         after)


def require_usable_replacement(ctx: Context, client: GitHubClient, version: str,
                               replacement_tag: str, *, older: bool) -> None:
    """Users are sent to the replacement at once, so it must be one they can use: never a
    release that is yanked itself (walked by hand: "downgrade to 1.3.0", the release yanked
    for corrupting data, was accepted), and an older one ("downgrade to 1.2.0") must have been
    released: a tag here or a published release on GitHub. One that never existed would send
    every user of the yanked version to nothing, and no later release can fill that gap."""
    from services.github.releases import published

    release = published(client, replacement_tag)
    if release is not None and _is_yanked(release.body):
        raise ReplacementError(
            f"{replacement_tag} is yanked itself, so users cannot be sent to it; nothing was "
            "changed.", remedy="Name a release that is not yanked, or the next version to "
            "release.")
    if not older or release is not None or ctx.repo.tag_exists(replacement_tag):
        return
    raise ReplacementError(
        f"Users cannot go back to {replacement_tag}: it was never released (no tag here, no "
        f"published release on GitHub); nothing was changed.",
        remedy=f"Name a release older than {version} that exists (`git tag --list`), or a "
        "newer version to release.")


def unreleased_note(ctx: Context, version: str, replacement: str, replacement_tag: str) -> str:
    """A sentence when the replacement is not released yet, "" when it is (tagged here).

    The banner and the note tell users to upgrade to it at once, so the captain is told it does
    not exist yet; one that is not even a next version (9.9.9 for 1.3.0) is likely a typo."""
    if ctx.repo.tag_exists(replacement_tag):
        return ""
    tags = ctx.repo.tags()
    taken = set(versions.versions_from_tags(tags, ctx.policy.tag_format))
    yanked = versions.parse_version(version).finalize_version()
    patch = yanked.bump_patch()
    while patch in taken:
        patch = patch.bump_patch()
    highest = versions.highest_release(tags, ctx.policy.tag_format)
    top = max(yanked, highest) if highest is not None else yanked
    likely = {patch, top.bump_patch(), top.bump_minor(), top.bump_major()}
    if versions.parse_version(replacement).finalize_version() not in likely:
        nexts = ", ".join(str(v) for v in sorted(likely))
        return (f"{replacement_tag} is not released yet, nor a next version ({nexts}): check "
                "it for a typo.")
    return f"{replacement_tag} is not released yet: release it next."


def hotfix_base(ctx: Context, replacement: str) -> str:
    """The tag a hotfix of ``replacement`` would branch from, or "" when it cannot be a hotfix
    (not the next patch of a tag here: 1.4.0, or 9.9.9). The wizard offers to start the
    replacement hotfix only then: it offered "Start the replacement hotfix 1.4.0 now?" and
    pressing y was refused, "Hotfix 1.4.0 is not the next patch of a shipped release"."""
    from services.hotfix.plan import base_tag_for

    try:
        return base_tag_for(ctx.policy, replacement, ctx.repo.tags())
    except ConsoleError:
        return ""
