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
    PublishEvidence,
    ReviewEvidence,
    SignedArtifact,
    SignEvidence,
    TagEvidence,
)
from services.session import Session
from services.wording import counted

if TYPE_CHECKING:
    from services.step_protocol import Context


@dataclass(frozen=True)
class AssetLine:
    name: str
    sha256: str
    size: int


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

    def lines(self) -> list[str]:
        """The summary as plain lines (the CLI prints them; the TUI styles them)."""
        out = [f"Release {self.tag} ({self.version}): {self.state}"]
        if self.url:
            out.append(f"  Release page: {self.url}")
        if self.tag_object:  # the commit is what a captain compares; the object is the tag's own
            on = f" on {self.tag_commit[:12]}" if self.tag_commit else ""
            out.append(f"  Tag: {self.tag}{on} (signed: {self.tag_signing}, "
                       f"object {self.tag_object[:12]})")
        if self.signed_with:
            out.append(f"  Signed with: {self.signed_with}")
        for asset in self.assets:  # the digest on its own line: fits 80 columns
            out.append(f"  {asset.name}")
            out.append(f"    sha256:{asset.sha256}")
        if self.duration:
            out.append(f"  Time taken: {self.duration}")
        if self.security:
            out.append(f"  Security clock: {self.security}")
        if self.journal_head:
            out.append(f"  Journal: {self.journal_count} entries, head {self.journal_head[:16]}")
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
                "security": self.security}


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


def summarise(session: Session, *, unpushed: int = 0,
              checklist_left: tuple[str, ...] = ()) -> Summary:
    """The summary of ``session``; ``unpushed`` commits and open checklist items become actions."""
    sign = session.evidence(SignEvidence) or SignEvidence()
    assets = tuple(AssetLine(s.artifact, s.sha256, int(s.size or 0))
                   for s in sign.signatures if isinstance(s, SignedArtifact)) + _signed_list(session)
    signer = ", ".join(x for x in (sign.backend, sign.pinned_key) if x)
    tag = session.evidence(TagEvidence) or TagEvidence()
    publish = session.evidence(PublishEvidence) or PublishEvidence()
    # the release's own steps: a yank recorded later in this session is not release time
    finished = [r.finished_at for step_id, r in session.steps.items()
                if r.finished_at and not step_id.startswith("yank-")]
    remaining: list[str] = []
    if unpushed:  # the reopen commit, or a yank's note recorded later in this session
        what = "the yank's note" if "yank-changelog" in session.steps else "the reopen commit"
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
        remaining=tuple(remaining), unpushed=unpushed, security=_security(session))


def unpushed(ctx: Context) -> int:
    """Commits on this branch the remote has not seen (the reopen commit after a release)."""
    remote, branch = ctx.policy.project.remote, ctx.repo.branch()
    try:
        return int(ctx.repo.git("rev-list", "--count", f"refs/remotes/{remote}/{branch}..HEAD")
                   .strip() or 0)
    except (ConsoleError, ValueError):
        return 0


def for_context(ctx: Context, session: Session) -> Summary:
    """The summary of ``session`` with what is left to do in this repository."""
    left = unpushed(ctx) if session.state == "completed" else 0
    return summarise(session, unpushed=left)


def push_plan_lines(ctx: Context) -> tuple[str, list[str]]:
    """The command and what it sends, for pushing the commits left after a release."""
    from services.steps.push import commits_going_up

    remote, branch = ctx.policy.project.remote, ctx.repo.branch()
    return (f"git push {remote} HEAD:refs/heads/{branch}",
            commits_going_up(ctx, remote, branch, "HEAD"))


def push_rest(ctx: Context, session: Session) -> str:
    """Push the commits left after a release (the reopen commit), journaled in that release's
    journal; returns the pushed head."""
    from services.remote import remote_git

    remote, branch = ctx.policy.project.remote, ctx.repo.branch()
    head = ctx.repo.git("rev-parse", "HEAD").strip()
    remote_git(ctx, "push", remote, f"HEAD:refs/heads/{branch}")  # its plain sentence if gone
    ctx.session = session
    ctx.record("post-release", "pushed", outputs={"commit": head, "branch": branch,
                                                  "remote": remote})
    return head
