"""What abandoning a release leaves behind, and what the captain does with it.

Abandoning closes the session (its record and journal are kept) and nothing else: the release's
own commits (the changelog and migration commits) stay on the branch, and on an air-gapped
policy a bundle that already went to the signing workstation stays there and can still be
signed. The abandon confirmation (TUI) and the ``abandon`` output (CLI) name exactly these, and
the refusal of a signed bundle coming back to an abandoned session says the same thing
(:func:`return_refused`), so the two sentences a captain reads never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from services import workstation
from services.errors import ConsoleError
from services.session import Session, StepRecord
from services.step_protocol import Context
from services.subjects import CHANGELOG, subject
from services.wording import counted


@dataclass(frozen=True)
class Commit:
    sha: str
    subject: str


@dataclass(frozen=True)
class LeftBehind:
    """The release's commits never pushed, and the bundle away at the other workstation."""

    tag: str
    branch: str
    commits: tuple[Commit, ...] = ()
    drop: str = ""  # the git command that drops exactly those commits
    bundle_fingerprint: str = ""  # the bundle at the signing workstation ("" when none is away)
    bundle_written: str = ""  # when it was written (UTC)
    bundle_folder: str = ""  # the folder it was written to (the USB stick), when known
    offline: bool = False  # this is the signing workstation (the online machine waits)
    hotfix: bool = False  # the commits are a hotfix branch's: starting it again takes them up

    @property
    def them(self) -> str:
        """The commits in a sentence: walked, "1 commit never pushed (to drop them: ...)"."""
        return "it" if len(self.commits) == 1 else "them"

    @property
    def empty(self) -> bool:
        return not self.commits and not self.bundle_fingerprint

    def summary(self) -> str:
        """One line for a notification after the fact: the items and their commands."""
        parts = []
        if self.commits:
            what = "to set the branch aside" if self.hotfix else f"to drop {self.them}"
            parts.append(f"{counted(len(self.commits), 'commit')} never pushed ({what}: "
                         f"`{self.drop}`)")
        if self.bundle_fingerprint:
            where = workstation.other_machine(self.offline)
            parts.append(f"the bundle at {where} (there, {abandon_there(self.tag)})")
        return f"Left behind: {'; '.join(parts)}." if parts else ""

    def lines(self) -> list[str]:
        """The left-behind items, each with what to do; the CLI prints them, the TUI shows them."""
        out: list[str] = []
        if self.commits:
            out.append(f"• {counted(len(self.commits), 'commit')} of this release on "
                       f"{self.branch}, never pushed, {'stays' if len(self.commits) == 1 else 'stay'}"
                       " there:")
            out += [f"    {c.sha[:7]} {c.subject}" for c in self.commits]
            if self.hotfix:  # renamed, not deleted: the picks stay at hand
                out.append(f"  To set the branch aside: `{self.drop}` (starting {self.tag} "
                           "again needs that).")
            else:
                out.append(f"  To drop {self.them}: `{self.drop}` ({self.when_to_drop()}).")
        if self.bundle_fingerprint and not self.offline:
            where = f" to {self.bundle_folder}" if self.bundle_folder else ""
            out.append(f"• The hand-off bundle (fingerprint {self.bundle_fingerprint}, written "
                       f"{self.bundle_written}{where}) is with the signing workstation: it can "
                       f"still be signed there, and {return_refused(self.tag)}.")
            out.append(f"  On the signing workstation, {abandon_there(self.tag)} rather than "
                       "signing it; if the bundle was not imported there yet, do not import it. "
                       "Then delete the bundle from the stick.")
        elif self.bundle_fingerprint:
            out.append(f"• The online machine still waits for the signed bundle of {self.tag}: "
                       f"there, {abandon_there(self.tag)}.")
        return out

    def when_to_drop(self) -> str:
        """Whether the commits must go, said only as far as it is true. Starting the version again
        works with them; only the attempt's own changelog commit stops the new attempt (at its
        changelog step, which names it). Walked by hand: a hand-made fix committed mid-session
        was said to block a restart that then worked."""
        if self.offline:
            return f"importing a new attempt at {self.tag} needs that"
        moved = next((c for c in self.commits if c.subject == subject(CHANGELOG, self.tag)), None)
        if moved is None:
            return (f"only if you do not want {self.them}: starting {self.tag} again, or a "
                    f"later version, works with {self.them}")
        return (f"starting {self.tag} again works, but its changelog step stops until the "
                f"changelog commit {moved.sha[:7]} is dropped; a later version needs an "
                "[Unreleased] section put back first")


def return_refused(tag: str, where: str = "here") -> str:
    """One clause, said by the abandon output and by the import that refuses the bundle later
    (on the signing workstation: "there")."""
    return f"a signed bundle of {tag} coming back is refused {where}"


def abandon_there(tag: str) -> str:
    """The command that closes the release on the signing workstation as well."""
    return f"abandon {tag} too (`release-console abandon {tag} --reason \"...\"`)"


def returning_refused(tag: str) -> tuple[str, str]:
    """(reason, remedy) for a signed bundle that comes back to a session abandoned here."""
    return (f"The session for {tag} here was abandoned while its bundle was at the signing "
            f"workstation, and {return_refused(tag)}; nothing was imported.",
            f"Delete this bundle from the stick; on the signing workstation, "
            f"{abandon_there(tag)}.")


def not_an_abandoned_attempt(tag: str) -> str:
    """The signing workstation's side of the same story: a bundle of an attempt the online
    machine abandoned is not worth taking, whatever the session here says."""
    return (f"but not the bundle of an attempt abandoned on the online machine too: "
            f"{return_refused(tag, 'there')}.")


def left_behind(ctx: Context, session: Session) -> LeftBehind:
    """What abandoning ``session`` now would leave behind in this clone and at the other side."""
    branch = session.branch
    if session.kind == "hotfix":  # its branch, picks and entries: the whole branch is its own
        branch, commits, drop = unpushed_hotfix_branch(ctx, session)
    else:
        commits = unpushed_release_commits(ctx, session)
        drop = drop_command(ctx, session, commits) if commits else ""
    fingerprint = written = folder = ""
    if workstation.bundle_in_transit(ctx, session):
        from services.bundle import paths
        from services.evidence import HandoffOutEvidence

        record = session.steps.get("handoff-out", StepRecord())
        evidence = session.evidence(HandoffOutEvidence, done=True)
        fingerprint = evidence.fingerprint if evidence is not None else ""
        written = record.finished_at.replace("T", " ").replace("Z", " UTC")
        remembered = paths.remembered_dir(ctx) if not ctx.offline else None
        folder = str(remembered) if remembered is not None else ""
    return LeftBehind(session.tag, branch, commits, drop, fingerprint, written, folder,
                      offline=ctx.offline, hotfix=session.kind == "hotfix")


def unpushed_release_commits(ctx: Context, session: Session) -> tuple[Commit, ...]:
    """The commits this release made (from its base commit to its release commit) that are still
    on its branch and on no remote-tracking branch: the changelog and migration commits."""
    from services.session_lifecycle import release_commit

    commit = release_commit(session)
    if not commit or not session.base_commit or commit == session.base_commit:
        return ()
    if not ctx.repo.is_ancestor(commit, f"refs/heads/{session.branch}"):
        return ()  # already dropped (or never on this clone)
    return unpushed(ctx, f"{session.base_commit}..{commit}")


def unpushed(ctx: Context, revisions: str) -> tuple[Commit, ...]:
    """The commits of ``revisions`` (``A..B``) on no remote-tracking branch, oldest first; none
    when git cannot name them (a branch or tag not in this clone)."""
    try:
        out = ctx.repo.git("log", "--reverse", "--format=%H %s", revisions, "--not",
                           f"--remotes={ctx.policy.project.remote}")
    except ConsoleError:
        return ()
    return tuple(Commit(*line.split(" ", 1)) if " " in line else Commit(line, "")
                 for line in out.splitlines() if line.strip())


def unpushed_hotfix_branch(ctx: Context, session: Session) -> tuple[str, tuple[Commit, ...], str]:
    """(the hotfix branch, its commits since the base tag on no remote-tracking branch, the
    command that sets the branch aside): renamed, as the refusal of a new attempt over an
    abandoned one's picks says, so nothing is lost."""
    from services.hotfix.plan import hotfix_data

    data = hotfix_data(session, ctx.policy)
    commits = unpushed(ctx, f"refs/tags/{data.base_tag}..refs/heads/{data.branch}")
    if not commits:  # none, or no such branch here (never made, or renamed aside)
        return data.branch, (), ""
    return data.branch, commits, (f"git switch {data.default_branch} && git branch -m "
                                  f"{data.branch} {data.branch}-abandoned")


def drop_command(ctx: Context, session: Session, commits: tuple[Commit, ...]) -> str:
    """``git reset --keep FIRST^`` when they are the tip of the branch checked out here (the
    form the changelog step gives for an abandoned attempt's commits); otherwise a rebase that
    takes out just them and keeps what was committed after them."""
    first, last = commits[0].sha[:12], commits[-1].sha
    repo = ctx.repo
    if repo.branch() == session.branch and repo.head_sha() == last:
        return f"git reset --keep {first}^"
    return f"git rebase --onto {first}^ {last[:12]} {session.branch}"
