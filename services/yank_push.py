"""After a yank: push the CHANGELOG note's commit (shown and confirmed first), and the hotfix.

The yank-changelog step commits the note on the branch the captain is on; users read the
CHANGELOG on the default branch, so the wizard offers to push that commit, naming it (sha and
subject) in the confirmation. Only that branch moves; nothing is force-pushed.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.errors import ConsoleError
from services.evidence import YankChangelogEvidence
from services.session import SessionError
from services.step_protocol import Context


@dataclass(frozen=True)
class NoteCommit:
    tag: str  # the yanked release: its session records the push
    sha: str
    subject: str
    branch: str
    remote: str
    # What the push sends, as the push step shows it: the remote and every commit the branch
    # gains (an earlier yank's unpushed note goes up too, so it is listed).
    going_up: tuple[str, ...] = ()

    @property
    def question(self) -> str:
        return (f"Push the yank note {self.sha[:12]} \"{self.subject}\" to {self.remote} "
                f"{self.branch}?")


def note_commit(ctx: Context) -> NoteCommit | None:
    """The note's commit this yank made, or None (it was already there, nothing to push)."""
    note = ctx.require_session().evidence(YankChangelogEvidence)
    sha = note.commit if note is not None else ""
    if not sha:
        return None
    from services.steps.push import commits_going_up

    subject = ctx.repo.git("log", "-1", "--format=%s", sha).strip()
    branch, remote = ctx.repo.branch(), ctx.policy.project.remote
    if ctx.repo.is_ancestor(sha, f"refs/remotes/{remote}/{branch}"):
        return None  # pushed already (an earlier yank's note, found in place this time)
    return NoteCommit(ctx.require_session().tag, sha, subject, branch, remote,
                      tuple(commits_going_up(ctx, remote, branch, sha)))


def in_progress(ctx: Context) -> str:
    """The tag of the release session in progress once the yank is done ("" for none): no
    hotfix starts beside it. Looked up on its own, after the yank: a damaged session file with
    none in progress may be the one (:meth:`SessionStore.active` raises it), which must not make
    a finished yank read as failed; it is taken as one in progress (start_release would refuse a
    hotfix beside it too), so no hotfix is offered."""
    try:
        active = ctx.store.active()
    except SessionError:
        return "a damaged session"
    return active.tag if active is not None else ""


def push_note(ctx: Context, note: NoteCommit) -> None:
    """Push the branch up to the note's commit, fast-forward only, and journal it."""
    from services.remote import NOTE_WAITS, remote_git

    if ctx.repo.branch() != note.branch:
        raise ConsoleError(f"HEAD is no longer on {note.branch}; the yank note was not pushed.",
                           remedy=f"Switch back to {note.branch} and push {note.sha[:12]}.")
    remote_git(ctx, "push", "--quiet", note.remote, f"{note.sha}:refs/heads/{note.branch}",
               waiting=NOTE_WAITS)
    ctx.session = ctx.store.load(note.tag)  # finished by now: no longer the active session
    ctx.record("yank-changelog", "note pushed",
               outputs={"commit": note.sha, "remote": note.remote, "branch": note.branch})
