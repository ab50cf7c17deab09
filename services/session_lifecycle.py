"""Starting, resuming and abandoning release sessions.

Only one release may be in progress in a repository: two half-done releases are how tags get pushed
from the wrong commit. Starting validates everything that can be known up front (SemVer, greater than
the last release, tag free, clean tree) and changes nothing when any of it fails.
"""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import semver

from services import channels, versions
from services.errors import ConsoleError, UsageError
from services.policy import ChannelPolicy, Policy
from services.repo import Repository
from services.session import Session, SessionStore, iso
from services.step_protocol import Context
from services.workstation import refuse_start_here

if TYPE_CHECKING:
    from services.left_behind import LeftBehind

# session.data key: where the record of an abandoned attempt at this version was moved
ABANDONED_ATTEMPT = "abandoned_attempt"


class ReleaseInProgress(ConsoleError):
    """Another session is active; the message says which and how to resume or abandon it."""


@dataclass(frozen=True)
class ReleaseRequest:
    version: str = ""
    bump: str = ""
    channel: str = "stable"
    kind: str = ""  # release, hotfix, rc, promote; "" means derived from the channel
    data: dict[str, Any] = field(default_factory=dict)  # flow inputs (promote: the candidate)
    # A flow's own fields of the new session (a hotfix's base, branch and plan), set before its
    # first save: a start killed before the flow's own record still leaves them, so `next` goes on
    setup: Callable[[Session], object] | None = field(default=None, compare=False)


def resolve_version(policy: Policy, tags: list[str], request: ReleaseRequest) -> tuple[str, str]:
    """Work out (version, tag) for a request, refusing anything that is not a valid next version."""
    if not any(c.name == request.channel for c in policy.channels):
        known = ", ".join(c.name for c in policy.channels)
        raise UsageError(f"Unknown channel {request.channel!r}; {policy.where} defines: {known}.")
    channel = policy.channel(request.channel)
    if bool(request.version) == bool(request.bump):
        raise UsageError("Give either a version or a bump (patch, minor or major), not both "
                         "and not neither.")
    if request.bump:
        last = versions.highest_release(tags, policy.tag_format)
        if last is None and request.bump in versions.BUMPS:  # it would silently start 0.0.1
            raise UsageError(f"There is no release tag yet ({policy.tag_format}), so there is "
                             f"nothing to bump {request.bump}.",
                             remedy="Give the first version itself, e.g. `release-console start "
                             "0.1.0`.")
        base = versions.next_version(last, request.bump)
    else:
        base = versions.requested_version(request.version)
    if base.prerelease:
        refuse_prerelease(policy, channel, base)
    if channel.tag and not base.prerelease:  # the channel's own pattern: -rc.N, -previewN
        version, tag = channels.channel_release(policy, channel, tags, base)
    else:
        version = str(base)
        tag = policy.tag_for(version)
    if request.kind == "hotfix":
        require_patch_of_release(versions.parse_version(version), tags, policy)
    else:
        versions.require_greater(versions.parse_version(version), tags, policy.tag_format)
    return version, tag


def refuse_prerelease(policy: Policy, channel: ChannelPolicy, version: semver.Version) -> None:
    """A pre-release version is a candidate's: refused on a channel of final releases (stable
    would publish ``1.3.0-rc`` as the latest release), and on a numbering channel unless it is
    that channel's own numbering (``1.3.0-rc.1``; ``1.3.0-rc`` would be a candidate that
    ``promote`` cannot find). The candidate channel numbers candidates itself, from the final
    version."""
    candidates = ([channel] if channel.prerelease else
                  [c for c in policy.channels if c.prerelease and c.tag
                   and c.promotes_to == channel.name]
                  or [c for c in policy.channels if c.prerelease and c.tag])
    final = str(version.finalize_version())
    if channel.prerelease and (not channel.tag or channels.channel_of_tag(
            policy, policy.tag_for(str(version))) == channel):
        return
    if channel.prerelease:
        what = f"the {channel.name} channel numbers its candidates itself"
    else:
        what = f"the {channel.name} channel releases final versions only"
    message = f"{version} is a pre-release version, and {what}."
    if not candidates:
        raise versions.VersionError(
            message, remedy=f"Give the final version, {final}, or define a pre-release channel "
            f"in {policy.where}.")
    rc = candidates[0]
    template = channels.version_template(policy, rc)
    numbered = (f"{template.format(version=final, n=1)}, {template.format(version=final, n=2)}, "
                "…" if "{n}" in template else template.format(version=final))
    raise versions.VersionError(
        message,
        remedy=f"To start a candidate, give the final version on the {rc.name} channel, "
        f"`release-console start {final} --channel {rc.name}`: it numbers them {numbered}",
        tui=f"To start a candidate, type {final}" + (
            f": the {rc.name} channel numbers them {numbered}" if rc == channel else
            f" and pick {rc.name} in the channel list (now {channel.name}); that channel "
            f"numbers them {numbered}"))


def require_patch_of_release(version: semver.Version, tags: list[str], policy: Policy) -> None:
    """A hotfix is X.Y.(Z+1) of a shipped X.Y.Z, even when a newer minor exists (PAI section 8)."""
    if version.prerelease or version.build:  # `start 1.2.1 --kind hotfix --channel rc`
        # started v1.2.1-rc.1, whose picks `hotfix 1.2.1-rc.1 --list` then refused
        final = version.finalize_version()
        raise ConsoleError(
            f"Hotfix {version} is not the next patch of a shipped release: a hotfix is X.Y.Z "
            "with no pre-release or build part, so it has no release candidates.",
            remedy=f"Start it as {final}: `release-console hotfix {final} --pick SHA` (or "
            f"`release-console start {final} --kind hotfix`).",
            tui=f"Start it as {final}, on a channel of final releases.")
    shipped = set(versions.versions_from_tags(tags, policy.tag_format))
    base = semver.Version(version.major, version.minor, version.patch - 1) if version.patch else None
    if base is None or base not in shipped:
        raise ConsoleError(
            f"Hotfix {version} is not the next patch of a shipped release.",
            remedy="A hotfix bumps PATCH of the tag it branches from, e.g. 1.2.1 for v1.2.0.",
        )


@contextlib.contextmanager
def start_lock(repo: Repository) -> Iterator[None]:
    """Held from "is a release in progress?" to the new session's file: of two ``start``s at once
    exactly one creates its session, the other sees it. The lock file is in the git directory, so
    a refused start leaves the work tree as it was."""
    path = repo.root / repo.git("rev-parse", "--git-path", "release-console-start.lock").strip()
    with open(path, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def start_release(ctx: Context, request: ReleaseRequest) -> Session:
    refuse_start_here(ctx)
    ctx.repo.require_commits()
    with start_lock(ctx.repo):
        return _start_locked(ctx, request)


def _start_locked(ctx: Context, request: ReleaseRequest) -> Session:
    repo: Repository = ctx.repo
    store: SessionStore = ctx.store
    active = store.active()
    if active is not None:
        raise ReleaseInProgress(
            f"A release session for {active.tag} is already in progress.",
            remedy=f"Resume it with `release-console status` and `release-console next`, or "
            f"abandon it first with `release-console abandon {active.tag} --reason \"...\"`.",
        )
    tags = repo.tags()
    version, tag = resolve_version(ctx.policy, tags, request)
    if repo.tag_exists(tag):
        raise ConsoleError(f"Tag {tag} already exists in this repository.",
                           remedy="Pick the next version; a released tag is never reused.")
    retry = store.exists(tag)  # an abandoned attempt at this version: its record is moved aside
    if retry and (old := store.load(tag)).state != "abandoned":
        raise ConsoleError(f"A session for {tag} already exists ({old.state}).",
                           remedy=f"Its record stays in {store.directory(tag)}; pick another "
                           "version or move that directory aside.")
    dirty = repo.dirty_paths()
    if dirty:
        raise ConsoleError(
            f"The working tree has uncommitted changes ({', '.join(dirty[:3])}"
            f"{' …' if len(dirty) > 3 else ''}).",
            remedy="Commit or stash them; a release starts from a clean tree.",
        )
    # An abandon killed before its entry (kept with the session) is written now: nothing else
    # records in a closed session, and the journal set aside with a retry must hold it.
    for closed in store.sessions():
        if closed.journal_pending and closed.state != "active":
            ctx.recorder(closed).settle_now()
    kept = store.set_aside(tag).relative_to(store.root).as_posix() if retry else ""
    previous = versions.highest_release(tags, ctx.policy.tag_format)
    kind = request.kind or ("rc" if ctx.policy.channel(request.channel).prerelease else "release")
    session = Session(
        version=version, tag=tag, channel=request.channel, kind=kind,
        created_at=iso(ctx.clock()),
        previous_tag=ctx.policy.tag_for(str(previous)) if previous else "",
        base_commit=repo.head_sha(), branch=repo.branch(),
        data={**request.data, **({ABANDONED_ATTEMPT: kept} if kept else {})},
    )
    if request.setup is not None:
        request.setup(session)
    return open_session(ctx, session, inputs={
        "version": version, "tag": tag, "channel": request.channel, "kind": kind,
        "bump": request.bump, "requested": request.version, **session.data,
    })


def open_session(ctx: Context, session: Session, *, inputs: dict[str, Any]) -> Session:
    """Save a new session, make it the context's, and journal its start: the one way every
    flow (release, hotfix, rc, promote, yank) begins, once its own checks have passed (among
    them ``refuse_start_here``)."""
    # Its "started" entry waits in the session's first save: killed before the append, the next
    # record writes it (services/recorder.py), where it was lost.
    recorder = ctx.recorder(session)
    recorder.stage(session, "session", "started", inputs=inputs,
                   outputs={"base_commit": session.base_commit, "branch": session.branch,
                            "previous_tag": session.previous_tag})
    ctx.store.save(session, now=ctx.clock())
    ctx.repo.exclude_release_dir()  # after the save: a refused start leaves .git/info alone too
    ctx.session = recorder.settle_now()
    return ctx.require_session()


def _to_abandon(ctx: Context, tag: str, session: Session | None) -> Session:
    """``session`` (``tag``'s, None when it has none) if it is active; refused naming the one in
    progress (walked: `abandon 1.5.0`, a version for the tag, said to start a release, and a
    finished tag said only that it was finished)."""
    if session is not None and session.state == "active":
        return session
    active = ctx.store.active()
    here = (f"; the release in progress is {active.tag} (`release-console abandon {active.tag} "
            '--reason "..."`)' if active is not None else
            ", and there is no release in progress to abandon")
    if session is None:  # a TAG that names nothing: a usage error (docs/cli.md), it was 1
        raise UsageError(f"There is no release session for {tag} here{here}.")
    raise ConsoleError(f"The session for {tag} is {session.state}, not in progress{here}.")


def abandon_release(ctx: Context, tag: str, reason: str) -> LeftBehind:
    """Close the session (its record and journal stay) and return what that leaves behind: the
    release's commits never pushed, and a bundle away at the other workstation. The journal
    entry names them too."""
    from services.left_behind import left_behind

    session = ctx.store.load(tag) if ctx.store.exists(tag) else None
    if session is not None and session.state == "abandoned" and any(
            e.get("action") == "abandoned" for e in session.journal_pending):
        ctx.session = ctx.recorder(session).settle_now()  # killed before its entry: written now
        return left_behind(ctx, ctx.session)
    session = _to_abandon(ctx, tag, session)
    if not reason.strip():
        raise ConsoleError("Abandoning needs a reason; it goes into the journal.",
                           remedy='Pass --reason "why".')
    ctx.session = session
    left = left_behind(ctx, session)

    def mark(s: Session) -> None:
        s.state = "abandoned"

    ctx.record("session", "abandoned", inputs={"reason": reason.strip()},
               outputs={**left.to_json(), "bundle_away": left.bundle_fingerprint},
               update=mark, session_first=True)
    return left


def release_commit(session: Session) -> str:
    """The commit this release is cut from, or "" before pre-flight recorded one.

    The steps that may move HEAD while preparing the release are pre-flight, changelog and
    migration, in runbook order; the last commit any of them recorded is the release commit (what
    is built, smoke-tested, signed, tagged and pushed).
    """
    # Imported here: building the evidence classes costs `status` (which imports this module for
    # start/abandon) tens of milliseconds it does not need.
    from services.evidence import (
        ChangelogEvidence,
        MigrationEvidence,
        PreflightEvidence,
        PromoteEvidence,
    )

    # A promotion records the rc's commit in its promote step (it makes no commit of its own).
    committing: tuple[type[PreflightEvidence | PromoteEvidence | ChangelogEvidence
                           | MigrationEvidence], ...] = (
        PreflightEvidence, PromoteEvidence, ChangelogEvidence, MigrationEvidence)
    commit = ""
    for kind in committing:
        evidence = session.evidence(kind, done=True)
        if evidence is not None:
            commit = str(evidence.commit or commit)
    return commit


def latest_session(store: SessionStore | list[Session]) -> Session | None:
    """The most recently updated session, finished or not (a yank of an older release updates
    that release's session): the one `next` looks at and the start dialog names. The summaries
    and `push --rest` are of :func:`services.summary.last_finished` (the next release started,
    this one is it); what `status` and the TUI header call "last" is
    :func:`services.completion.last_words`. Given the sessions already loaded, none is read
    again."""
    sessions = store if isinstance(store, list) else store.sessions()
    return max(sessions, key=lambda s: s.updated_at, default=None)
