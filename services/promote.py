"""Promoting a release candidate: the stable X.Y.Z on exactly the rc's commit (SecAI: "tag stable
release (same commit as the validated RC)").

``release-console promote vX.Y.Z-rc.N`` and the TUI's promote action both call
:func:`start_promotion`. Everything that can be known is checked before anything is written: the
tag is an rc of this project, it is the newest rc of X.Y.Z, the stable tag is free, the rc's commit
is still on the default branch, and GitHub shows the rc published and not yanked. The session is
then started by the one start-a-session path (:func:`services.session_lifecycle.start_release`, kind
``promote``) and walked by the engine over the ``promote`` runbook: no changelog commit (the notes
are ``[X.Y.Z]`` at the rc's commit), smoke sign-offs reused where the stable artifacts are the
very bytes the rc's testers signed off, checksums, signatures and the signed tag made anew.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from services import channels, versions
from services.errors import ConsoleError
from services.session import Session
from services.session_lifecycle import ReleaseRequest, start_release
from services.step_protocol import Context

DATA_KEY = "promote"  # session.data["promote"] = {"rc_tag", "rc_version", "commit"}


class PromoteError(ConsoleError):
    """The candidate cannot be promoted; the message says why and nothing was changed."""


@dataclass(frozen=True)
class Candidate:
    """A release candidate that may become the stable release."""

    rc_tag: str
    rc_version: str
    version: str  # the final X.Y.Z
    tag: str  # the stable tag
    commit: str  # the rc's commit: the stable tag goes here
    channel: str = "stable"  # the channel it is promoted to (its channel's promotes_to)

    def to_json(self) -> dict[str, Any]:
        return {"rc_tag": self.rc_tag, "rc_version": self.rc_version, "version": self.version,
                "tag": self.tag, "commit": self.commit, "channel": self.channel}


def parse_candidate(ctx: Context, rc_tag: str) -> tuple[str, str]:
    """(rc version, final version) of ``rc_tag``; refuses a tag that names no pre-release."""
    given = rc_tag.strip()
    version = versions.version_from_tag(given, ctx.policy.tag_format)
    if version is None:
        try:
            version = versions.parse_version(given)
        except ConsoleError:
            raise PromoteError(f"{given!r} is not a release-candidate tag of this project.",
                               remedy="Name the rc tag, for example "
                               f"{ctx.policy.tag_for('1.4.0-rc.1')}.") from None
    if not version.prerelease:
        raise PromoteError(f"{given} is a stable version already; only a release candidate is "
                           "promoted.", remedy="Name the rc tag, e.g. "
                           f"{ctx.policy.tag_for(str(version) + '-rc.1')}.")
    return str(version), str(version.finalize_version())


def local_checks(ctx: Context, rc_tag: str) -> Candidate:
    """Everything git can tell: the rc tag, no later rc, the stable tag free, the commit on the
    default branch. Changes nothing."""
    rc_version, final = parse_candidate(ctx, rc_tag)
    tag = ctx.policy.tag_for(rc_version)
    repo = ctx.repo
    # Before the channel: a mistyped tag (v1.4.0-rc for v1.4.0-rc.1) is missing, and saying it
    # "belongs to no channel ... set promotes_to" sent the captain to edit the policy.
    if not repo.tag_exists(tag):
        raise PromoteError(f"There is no tag {tag} in this repository, so there is nothing to "
                           "promote.", remedy="Fetch the tags (`git fetch --tags`) or check the "
                           "name with `git tag --list`.")
    target = promotes_to(ctx, tag)
    stable = ctx.policy.tag_for(final)
    if repo.tag_exists(stable):
        raise PromoteError(f"{stable} already exists, so {tag} cannot be promoted to it.",
                           remedy="A released tag is never reused; start the next version.")
    later = later_candidates(ctx, rc_version)
    if later:
        raise PromoteError(f"{tag} is not the newest release candidate of {final}: "
                           f"{', '.join(later)} came after it.",
                           remedy=f"Promote {later[-1]} instead (after testing it).")
    commit = repo.git("rev-parse", f"refs/tags/{tag}^{{commit}}").strip()
    branch = ctx.policy.project.default_branch
    if not repo.is_ancestor(commit, branch):
        raise PromoteError(f"The commit of {tag} ({commit[:12]}) is no longer reachable from "
                           f"{branch}, so the stable release cannot be tagged on it.",
                           remedy=f"Cut a new release candidate from {branch}.")
    return Candidate(tag, rc_version, final, stable, commit, target)


def later_candidates(ctx: Context, rc_version: str) -> list[str]:
    """Tags of pre-releases of the same X.Y.Z above ``rc_version``, oldest first."""
    mine = versions.parse_version(rc_version)
    final = mine.finalize_version()
    found = [v for v in versions.versions_from_tags(ctx.repo.tags(), ctx.policy.tag_format)
             if v.prerelease and v.finalize_version() == final and v.compare(mine) > 0]
    return [ctx.policy.tag_for(str(v)) for v in sorted(found)]


def github_checks(ctx: Context, candidate: Candidate) -> None:
    """GitHub shows the rc published (not a draft, not missing) and not yanked."""
    from services.github import wiring
    from services.github.releases import drafts, published
    from services.github.yank import MARK

    client = wiring.client_for(ctx)
    rel = published(client, candidate.rc_tag)
    if rel is None:
        what = "is still a draft" if drafts(client, candidate.rc_tag) else "was never published"
        raise PromoteError(f"{candidate.rc_tag} {what} on GitHub, so it cannot be promoted.",
                           remedy="Publish the release candidate and have it tested first.")
    if (rel.body or "").startswith(f"> **{MARK}**"):
        raise PromoteError(f"{candidate.rc_tag} was yanked on GitHub, so it cannot be promoted.",
                           remedy="Cut a new release candidate with the fix.")
    if published(client, candidate.tag) is not None:
        raise PromoteError(f"{candidate.tag} is already published on GitHub.",
                           remedy="A released version is never published twice.")


def check_promotion(ctx: Context, rc_tag: str) -> Candidate:
    """All of the checks, git first (cheap, offline), then GitHub."""
    candidate = local_checks(ctx, rc_tag)
    github_checks(ctx, candidate)
    return candidate


def start_promotion(ctx: Context, rc_tag: str) -> Session:
    """Check, then start the ``promote`` session for the candidate's final version."""
    candidate = check_promotion(ctx, rc_tag)
    return start_release(ctx, ReleaseRequest(version=candidate.version,
                                             channel=candidate.channel, kind="promote",
                                             data={DATA_KEY: candidate.to_json()}))


def promotes_to(ctx: Context, tag: str) -> str:
    """The channel ``tag``'s channel promotes to; refuses a channel the policy never promotes
    (Carapace previews are out of the stable contract: start the stable release instead)."""
    channel = channels.channel_of_tag(ctx.policy, tag)
    if channel is None or not channel.promotes_to:
        name = f"the {channel.name} channel" if channel else "no channel that is promoted"
        raise PromoteError(f"{tag} belongs to {name} in {ctx.policy.where}, so it is not "
                           "promoted.", remedy="Start the stable release with `release-console "
                           "start VERSION`, or set promotes_to for that channel.")
    return channel.promotes_to


def recorded(session: Session) -> dict[str, str]:
    data = session.data.get(DATA_KEY)
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def promotable_tags(ctx: Context) -> list[str]:
    """Local rc tags that could be promoted: the newest pre-release of a version whose stable tag
    does not exist yet, newest first (GitHub is asked only when one is chosen)."""
    tags = ctx.repo.tags()
    found = versions.versions_from_tags(tags, ctx.policy.tag_format)
    stable = {v for v in found if not v.prerelease}
    newest: dict[Any, Any] = {}
    for version in found:
        if version.prerelease and version.finalize_version() not in stable:
            newest[version.finalize_version()] = version
    return [ctx.policy.tag_for(str(v)) for v in sorted(newest.values(), reverse=True)]
