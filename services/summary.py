"""What a finished (or nearly finished) release amounts to, in one place for the TUI and ``status``.

Read from the session's recorded evidence only (no git, no network), so the end-of-release screen
and ``release-console status`` print the same facts: version, release URL, assets with their
digests, the tag, what was signed with which key, how long it took and the journal head; and the
actions that remain (push the reopen commit, the post-release checklist).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from services.errors import ConsoleError
from services.evidence import (
    MergeBackEvidence,
    PostReleaseEvidence,
    PublishEvidence,
    ReviewEvidence,
    SignedArtifact,
    SignEvidence,
    TagEvidence,
    YankChangelogEvidence,
)
from services.public_keys import KIND as KEY_KIND
from services.session import Session, record_directory
from services.wording import counted

if TYPE_CHECKING:
    from services.step_protocol import Context


@dataclass(frozen=True)
class AssetLine:
    name: str
    sha256: str
    size: int
    key: bool = False  # a public key the release carries ([signing] publish_keys), no artifact


@dataclass(frozen=True)
class Summary:
    version: str
    tag: str
    state: str
    url: str = ""
    assets: tuple[AssetLine, ...] = ()
    tag_object: str = ""
    tag_commit: str = ""
    tag_signing: str = ""
    signed_with: str = ""
    duration: str = ""
    journal_head: str = ""
    journal_count: int = 0
    remaining: tuple[str, ...] = field(default_factory=tuple)
    unpushed: int = 0
    security: str = ""  # a hotfix's security clock: its deadline met or missed, and by how much
    merge_back: str = ""  # a hotfix's default branch: merged or fast-forwarded and pushed, or not
    # where the release's own files are, relative to the checkout (walked: the summary gave the
    # journal's head but not where it, the session or the notes published were kept)
    record: str = ""

    def lines(self) -> list[str]:
        """The summary as plain lines (the CLI prints them; the TUI styles them)."""
        out = [f"Release {self.tag} ({self.version}): {self.state}"]
        if self.url:
            out.append(f"  Release page: {self.url}")
        if self.tag_object:  # the commit is what a captain compares; the object is the tag's own
            on = f" on {self.tag_commit[:12]}" if self.tag_commit else ""
            out.append(f"  Tag: {self.tag}{on} (signed: {self.tag_signing}, "
                       f"object {self.tag_object[:12]})")
        if self.merge_back:
            out.append(f"  Default branch: {self.merge_back}")
        if self.signed_with:
            out.append(f"  Signed with: {self.signed_with}")
        for asset in self.assets:  # the digest on its own line: fits 80 columns
            out.append(f"  {asset.name}" + (" (public key)" if asset.key else ""))
            out.append(f"    sha256:{asset.sha256}")
        if self.duration:
            out.append(f"  Time taken: {self.duration}")
        if self.security:
            out.append(f"  Security clock: {self.security}")
        if self.journal_head:
            out.append(f"  Journal: {self.journal_count} entries, head {self.journal_head[:16]}")
        if self.record:
            out.append(f"  Record: {self.record} (release notes, session, journal)")
        for action in self.remaining:
            out.append(f"  Still to do: {action}")
        return out

    def to_json(self) -> dict[str, Any]:
        return {"version": self.version, "tag": self.tag, "state": self.state, "url": self.url,
                "assets": [{"name": a.name, "sha256": a.sha256, "size": a.size}
                           for a in self.assets],
                "tag_object": self.tag_object, "tag_commit": self.tag_commit,
                "tag_signing": self.tag_signing,
                "signed_with": self.signed_with, "duration": self.duration,
                "journal_head": self.journal_head, "journal_count": self.journal_count,
                "remaining": list(self.remaining), "unpushed": self.unpushed,
                "security": self.security, "merge_back": self.merge_back, "record": self.record}


def _duration(start: str, end: str) -> str:
    try:
        seconds = int((datetime.fromisoformat(end) - datetime.fromisoformat(start))
                      .total_seconds())
    except ValueError:
        return ""
    if seconds < 0:
        return ""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}h {minutes:02d}m" if hours else f"{minutes}m {secs:02d}s"


def _security(session: Session) -> str:
    """The clock's outcome the completion recorded ("critical: deadline met with 23 h 47 min to
    spare"): the one fact a security hotfix is judged by, which only the journal held."""
    raw = session.data.get("security")
    if not isinstance(raw, Mapping) or "met" not in raw:
        return ""
    severity, margin = raw.get("severity", ""), raw.get("margin", "")
    return (f"{severity}: deadline met with {margin} to spare" if raw["met"]
            else f"{severity}: deadline missed by {margin}")


def _merge_back(session: Session) -> str:
    """What a hotfix's merge-back did to the default branch, from its evidence ("main
    fast-forwarded to v1.3.1; 1 commit pushed to origin (head 0a1b2c3d4e5f)"), or why it was
    skipped: that the fix reached the default branch is half of a hotfix, and the summary
    said nothing of it."""
    from services.step_status import StepStatus

    record = session.steps.get(MergeBackEvidence.STEP)
    if record is not None and record.status == StepStatus.SKIPPED:
        return "not brought up to date: merge-back was skipped" + \
            (f" ({record.reason})" if record.reason else "")
    facts = session.evidence(MergeBackEvidence, done=True)
    if facts is None:
        return ""
    branch, tag = facts.branch or "the default branch", facts.tag
    remote = facts.remote or "the remote"
    how = {"fast-forward": f"{branch} fast-forwarded to {tag}",
           "merge": f"{tag} merged into {branch}",
           "merged": f"{branch} already held {tag} (merged before the step ran)"}.get(
        facts.mode, f"{branch} brought up to date with {tag}")
    head = f" (head {facts.commit[:12]})" if facts.commit else ""
    if not facts.pushed:
        return f"{how}; {remote} had every commit already{head}"
    return f"{how}; {counted(len(facts.pushed), 'commit')} pushed to {remote}{head}"


def _signed_list(session: Session) -> tuple[AssetLine, ...]:
    """The combined list ``[checksums] sign_combined`` signed, and its signature: both are
    uploaded assets users check first. The signature's size is the one the sign step recorded
    (a session signed before it recorded one: the size the review saw, 0 before the review)."""
    entry = (session.evidence(SignEvidence) or SignEvidence()).combined
    if not entry:
        return ()
    sig_name = PurePosixPath(entry.signature).name
    reviewed = session.evidence(ReviewEvidence) or ReviewEvidence()
    sizes = {str(a.get("name")): a.get("expected_size") for a in reviewed.assets}
    return (AssetLine(PurePosixPath(entry.list).name, entry.sha256, int(entry.size or 0)),
            AssetLine(sig_name, entry.signature_sha256,
                      int(entry.signature_size or sizes.get(sig_name) or 0)))


def _public_keys(session: Session) -> tuple[AssetLine, ...]:
    """The public keys the release carries (``[signing] publish_keys``), as the review saw
    them: users fetch them from the release page, so the summary lists their sha256 too."""
    reviewed = session.evidence(ReviewEvidence) or ReviewEvidence()
    return tuple(AssetLine(str(a.get("name")), str(a.get("expected_sha256") or ""),
                           int(a.get("expected_size") or 0), key=True)
                 for a in reviewed.assets if a.get("kind") == KEY_KIND)


def summarise(session: Session, *, unpushed: int = 0,
              checklist_left: tuple[str, ...] = ()) -> Summary:
    """The summary of ``session``; ``unpushed`` commits and open checklist items become actions."""
    sign = session.evidence(SignEvidence) or SignEvidence()
    assets = tuple(AssetLine(s.artifact, s.sha256, int(s.size or 0))
                   for s in sign.signatures if isinstance(s, SignedArtifact)) + _signed_list(session) \
        + _public_keys(session)
    signer = ", ".join(x for x in (sign.backend, sign.pinned_key) if x)
    tag = session.evidence(TagEvidence) or TagEvidence()
    publish = session.evidence(PublishEvidence) or PublishEvidence()
    # the release's own steps: a yank recorded later in this session is not release time
    finished = [r.finished_at for step_id, r in session.steps.items()
                if r.finished_at and not step_id.startswith("yank-")]
    remaining: list[str] = []
    if unpushed:  # the reopen commit, or a yank's note recorded later in this session
        what = f"the {left_what(session)}"
        remaining.append(f"push the {counted(unpushed, 'commit')} left after the release "
                         f"({what})")
    remaining.extend(f"post-release checklist: {item}" for item in checklist_left)
    return Summary(
        version=session.version, tag=session.tag, state=session.state,
        url=publish.html_url, assets=assets,
        tag_object=tag.object, tag_commit=tag.commit, tag_signing=tag.signing,
        signed_with=signer,
        duration=_duration(session.created_at, max(finished)) if finished else "",
        journal_head=session.journal_head, journal_count=session.journal_count,
        remaining=tuple(remaining), unpushed=unpushed, security=_security(session),
        merge_back=_merge_back(session),
        record=record_directory(session.tag))


def left_what(session: Session) -> str:
    """What a finished release's own leftover commit is: its reopen commit, or a yank's note
    recorded later in its session."""
    return "yank's note" if "yank-changelog" in session.steps else "reopen commit"


FINISHED = ("completed", "handed-off")  # a release's end here: released, or signed and sent back


def last_finished(sessions: list[Session]) -> Session | None:
    """The release "the last release's summary", ``status`` and ``push --rest`` are about: the
    finished one changed last (a yank of an older release changes that release's session, and
    its note is then what is left to push). Not the session changed last whatever its state:
    once the next release had started, the palette's summary read "Release v1.3.1 (1.3.1):
    active" and lost the reopen commit v1.3.0 left, which its toast had promised p would push;
    an abandoned attempt released nothing to sum up either."""
    done = [s for s in sessions if s.state in FINISHED]
    return max(done, key=lambda s: s.updated_at, default=None)


def summary_session(ctx: Context) -> Session | None:
    """The session the summary shows: the one in progress when its every step is finished (the
    run that did the last one was stopped before recording the end), else the last finished."""
    from services import workstation
    from services.completion import all_finished

    session = ctx.session
    if session is not None and all_finished(
            session, air_gapped=workstation.air_gapped(ctx.policy)):
        return session
    return last_finished(ctx.store.sessions())


@dataclass(frozen=True)
class Leftover:
    """Where the commits a release left go up: ``tip`` (a commit, or HEAD) to ``branch``."""

    branch: str
    tip: str


def _own_commit(session: Session) -> str:
    """The last commit the release made after its tag: the reopen commit, or a yank's note."""
    reopen, note = session.evidence(PostReleaseEvidence), session.evidence(YankChangelogEvidence)
    made = [(session.steps[step].finished_at, commit) for step, commit in (
        (PostReleaseEvidence.STEP, reopen.commit if reopen else None),
        (YankChangelogEvidence.STEP, note.commit if note else None)) if commit]
    return max(made)[1] if made else ""


def leftover(ctx: Context, session: Session,
             sessions: list[Session] | None = None) -> Leftover | None:
    """What ``session`` left to push. HEAD on this branch while no release has started since
    (the reopen commit on top of the release, and whatever the captain added and sees listed);
    once one has, only up to the release's own last commit on its branch: the next release's
    commits above it are its own push's to send, an abandoned attempt's never. None when that
    commit is not on the branch here (moved by hand). ``sessions``: those already loaded."""
    later = any(s.created_at >= session.created_at
                for s in (ctx.store.sessions() if sessions is None else sessions)
                if s.tag != session.tag)
    if not later:
        return Leftover(ctx.repo.branch(), "HEAD")
    own = _own_commit(session)
    branch = session.branch or ctx.policy.project.default_branch
    if not own or not ctx.repo.is_ancestor(own, f"refs/heads/{branch}"):
        return None
    return Leftover(branch, own)


def unpushed(ctx: Context, session: Session, sessions: list[Session] | None = None) -> int:
    """Commits the remote has not seen of those ``session`` left (the reopen commit)."""
    left = leftover(ctx, session, sessions)
    if left is None:
        return 0
    remote = ctx.policy.project.remote
    try:
        return int(ctx.repo.git("rev-list", "--count",
                                f"refs/remotes/{remote}/{left.branch}..{left.tip}")
                   .strip() or 0)
    except (ConsoleError, ValueError):
        return 0


@dataclass(frozen=True)
class LeftUnpushed:
    """The commits the last finished release left unpushed, said while the next is in progress:
    ``status`` listed only the new release's steps, and a captain who forgot the reopen commit
    found out only when ``push --rest`` or the summary's p was wanted again."""

    tag: str
    count: int
    what: str  # "reopen commit" or "yank's note"

    def line(self) -> str:
        them = "it" if self.count == 1 else "them"
        return (f"{self.tag} left {counted(self.count, 'commit')} unpushed (its {self.what}): "
                f"`release-console push --rest` pushes {them}.")

    def to_json(self) -> dict[str, Any]:
        return {"tag": self.tag, "count": self.count, "what": self.what,
                "command": "release-console push --rest"}


def left_unpushed(ctx: Context, sessions: list[Session]) -> LeftUnpushed | None:
    """What the last finished (completed) release left unpushed, or None: a local ``git
    rev-list`` against the remote-tracking ref (no network), so ``status`` stays quick."""
    last = last_finished(sessions)
    if last is None or last.state != "completed":
        return None
    count = unpushed(ctx, last, sessions)
    return LeftUnpushed(last.tag, count, left_what(last)) if count else None


def for_context(ctx: Context, session: Session,
                sessions: list[Session] | None = None) -> Summary:
    """The summary of ``session`` with what is left to do in this repository."""
    left = unpushed(ctx, session, sessions) if session.state == "completed" else 0
    return summarise(session, unpushed=left)


def push_plan_lines(ctx: Context, session: Session) -> tuple[str, list[str]]:
    """The command and what it sends, for pushing the commits left after a release."""
    from services.steps.push import commits_going_up

    remote = ctx.policy.project.remote
    left = leftover(ctx, session) or Leftover(ctx.repo.branch(), "HEAD")
    tip = left.tip if left.tip == "HEAD" else left.tip[:12]
    return (f"git push {remote} {tip}:refs/heads/{left.branch}",
            commits_going_up(ctx, remote, left.branch, left.tip))


def push_rest(ctx: Context, session: Session) -> str:
    """Push the commits left after a release (the reopen commit), journaled in that release's
    journal; returns the pushed head."""
    from services.remote import NOTE_WAITS, remote_git

    remote = ctx.policy.project.remote
    left = leftover(ctx, session)
    if left is None:
        raise ConsoleError(f"{session.tag}'s own last commit is not on its branch here, so "
                           "nothing was pushed.", remedy="Push it with git yourself.")
    head = ctx.repo.git("rev-parse", f"{left.tip}^{{commit}}").strip()
    remote_git(ctx, "push", remote, f"{head}:refs/heads/{left.branch}",  # its plain sentence
               waiting=NOTE_WAITS)
    ctx.session = session
    ctx.record("post-release", "pushed", outputs={"commit": head, "branch": left.branch,
                                                  "remote": remote})
    return head
