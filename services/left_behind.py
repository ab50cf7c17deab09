"""What abandoning a release leaves behind, and what the captain does with it.

Abandoning closes the session (its record and journal are kept) and nothing else: the release's
own commits (the changelog and migration commits) stay on the branch, and on an air-gapped
policy a bundle that already went to the signing workstation stays there and can still be
signed. The abandon confirmation (TUI) and the ``abandon`` output (CLI) name exactly these, and
the refusal of a signed bundle coming back to an abandoned session says the same thing
(:func:`return_refused`), so the two sentences a captain reads never disagree.

A commit the captain made by hand while the release was in progress (the tag key pinned in
release.toml, as pre-flight asks, then pre-flight run again) sits among the release's commits
but is not the release's: it is told apart by its subject (the console's own are in
:mod:`services.subjects`), listed as the captain's, and no command offered drops it without
saying so. The console never runs any of these commands; the captain does, or does not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from services import workstation
from services.errors import ConsoleError
from services.session import Session, StepRecord
from services.step_protocol import Context
from services.subjects import CHANGELOG, subject
from services.wording import counted, listed


@dataclass(frozen=True)
class Commit:
    sha: str
    subject: str


@dataclass(frozen=True)
class LeftBehind:
    """The release's commits never pushed, the captain's own made meanwhile, and the bundle away
    at the other workstation."""

    tag: str
    branch: str
    commits: tuple[Commit, ...] = ()  # the release's own: the console made them for this tag
    drop: str = ""  # the git command that drops those commits (and ``caught`` with them)
    bundle_fingerprint: str = ""  # the bundle at the signing workstation ("" when none is away)
    bundle_written: str = ""  # when it was written (UTC)
    bundle_folder: str = ""  # the folder it was written to (the USB stick), when known
    bundle_file: str = ""  # the bundle file itself while it is still there: the one to delete
    offline: bool = False  # this is the signing workstation (the online machine waits)
    hotfix: bool = False  # the commits are a hotfix branch's: starting it again takes them up
    # The captain's own commits among the release's (made by hand since it started), never
    # pushed, oldest first; ``caught``: those of them between the release's first and last
    # commit, which ``drop`` would drop too; ``keep``: the command that drops only the
    # release's when some are caught (an interactive rebase: the captain deletes the lines).
    captains: tuple[Commit, ...] = ()
    caught: tuple[Commit, ...] = ()
    keep: str = ""
    unpushed: tuple[Commit, ...] = ()  # all of them, the release's and the captain's, as git
    # listed them (oldest first)

    @property
    def them(self) -> str:
        """The commits in a sentence: walked, "1 commit never pushed (to drop them: ...)"."""
        return "it" if len(self.commits) == 1 else "them"

    @property
    def empty(self) -> bool:
        return not self.commits and not self.captains and not self.bundle_fingerprint

    def to_json(self) -> dict[str, Any]:
        """The commits for the journal entry (and ``journal show --json``): ``unpushed_commits``
        is every commit never pushed, as before; the new keys say whose each is and what the
        offered command drops."""
        return {"unpushed_commits": [c.sha for c in self.unpushed or self.commits],
                "release_commits": [c.sha for c in self.commits],
                "captain_commits": [c.sha for c in self.captains],
                "drop": self.drop, "drop_also_drops": [c.sha for c in self.caught],
                "keep_captain_commits": self.keep}

    def summary(self) -> str:
        """One line for a notification after the fact: the items and their commands."""
        parts = []
        if self.commits:
            what = "to set the branch aside" if self.hotfix else f"to drop {self.them}"
            also = (f", which drops your own {self.shas(self.caught)} too; `{self.keep}` keeps "
                    f"{self.their_own}" if self.caught else "")
            parts.append(f"{counted(len(self.commits), 'commit')} never pushed ({what}: "
                         f"`{self.drop}`{also})")
        if self.captains:
            it = "it" if len(self.captains) == 1 else "them"
            kept = ("" if self.caught else f" (that command keeps {it})" if self.commits
                    else f" (not the console's; {it} {'stays' if it == 'it' else 'stay'})")
            parts.append(f"{counted(len(self.captains), 'commit')} of your own never "
                         f"pushed{kept}")
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
            elif self.caught:  # no one command drops only the release's: the captain chooses
                out.append(f"  Your own {self.shas(self.caught)} {self.sits} between {self.them}, "
                           f"so `{self.drop}` would drop {self.their_own} too. To drop only "
                           f"{self.them}: `{self.keep}` and delete {self.them_lines} in the "
                           f"editor; to drop {self.them} and yours: `{self.drop}` "
                           f"({self.when_to_drop()}).")
            else:
                keeps = (f", which keeps your own {'one' if len(self.captains) == 1 else 'ones'}"
                         " listed below" if self.captains else "")
                out.append(f"  To drop {self.them}: `{self.drop}`{keeps} "
                           f"({self.when_to_drop()}).")
        if self.captains:
            n = len(self.captains)
            out.append(f"• {counted(n, 'commit')} of your own on {self.branch}, made by hand "
                       f"during this release and never pushed, {'stays' if n == 1 else 'stay'}"
                       f" there (the console did not make {'it' if n == 1 else 'them'}; starting "
                       f"{self.tag} again, or a later version, works with "
                       f"{'it' if n == 1 else 'them'}):")
            out += [f"    {c.sha[:7]} {c.subject}" for c in self.captains]
        if self.bundle_fingerprint and not self.offline:
            where = f" to {self.bundle_file or self.bundle_folder}" if (
                self.bundle_file or self.bundle_folder) else ""
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

    @staticmethod
    def shas(commits: tuple[Commit, ...]) -> str:
        """"commit abc1234", "commits abc1234 and def5678": the captain's, named in a sentence."""
        return ("commit " if len(commits) == 1 else "commits ") + listed(
            [c.sha[:7] for c in commits])

    @property
    def sits(self) -> str:
        return "sits" if len(self.caught) == 1 else "sit"

    @property
    def their_own(self) -> str:
        return "it" if len(self.caught) == 1 else "them"

    @property
    def them_lines(self) -> str:
        """Which lines of the rebase's list to delete: the release's, named by their shas."""
        return (f"the line `pick {self.commits[0].sha[:7]}`" if len(self.commits) == 1 else
                "the lines " + listed([f"`pick {c.sha[:7]}`" for c in self.commits]))

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
    captains: tuple[Commit, ...] = ()
    caught: tuple[Commit, ...] = ()
    keep = ""
    if session.kind == "hotfix":  # its branch, picks and entries: the whole branch is its own
        branch, commits, drop = unpushed_hotfix_branch(ctx, session)
        everything = commits
    else:
        everything = unpushed_release_commits(ctx, session)
        commits = tuple(c for c in everything if of_this_release(c, session.tag))
        captains = tuple(c for c in everything if c not in commits)
        drop = drop_command(ctx, session, commits) if commits else ""
        if commits:
            first, last = everything.index(commits[0]), everything.index(commits[-1])
            caught = tuple(c for c in everything[first:last + 1] if c in captains)
            keep = f"git rebase -i {commits[0].sha[:12]}^ {session.branch}" if caught else ""
    fingerprint = written = folder = file = ""
    if workstation.bundle_in_transit(ctx, session):
        from services.bundle import paths
        from services.evidence import HandoffOutEvidence

        record = session.steps.get("handoff-out", StepRecord())
        evidence = session.evidence(HandoffOutEvidence, done=True)
        fingerprint = evidence.fingerprint if evidence is not None else ""
        written = record.finished_at.replace("T", " ").replace("Z", " UTC")
        if not ctx.offline:
            # the file itself while it is where it was written: the one to delete from the
            # stick; the folder stays the folder (`abandon --json` documents it so)
            bundle = paths.written_bundle(ctx, "handoff-out")
            remembered = bundle.parent if bundle is not None else paths.remembered_dir(ctx)
            file = str(bundle) if bundle is not None else ""
            folder = str(remembered) if remembered is not None else ""
    return LeftBehind(session.tag, branch, commits, drop, fingerprint, written, folder, file,
                      offline=ctx.offline, hotfix=session.kind == "hotfix",
                      captains=captains, caught=caught, keep=keep, unpushed=everything)


def of_this_release(commit: Commit, tag: str) -> bool:
    """Whether the console made ``commit`` for the release tagged ``tag``: its subject is,
    whole, one the steps commit with (the same list the hotfix picker leaves out as the
    console's own, :func:`services.hotfix.bookkeeping.console_commit`), for this tag. Anything
    else between the release's base and its release commit was made by hand."""
    from services.hotfix.bookkeeping import SUBJECTS

    return any(commit.subject == subject(template, tag) for template, _ in SUBJECTS)


def unpushed_release_commits(ctx: Context, session: Session) -> tuple[Commit, ...]:
    """The commits since this release's base commit on its branch and on no remote-tracking
    branch: the changelog and migration commits, and any the captain made by hand meanwhile
    (:func:`of_this_release` tells them apart). Up to the branch's tip, not to the release
    commit the session recorded: after `redo preflight` (or a kill between a commit and its
    record) the session records none, and abandon said nothing of the changelog commit left on
    the branch."""
    from services.session_lifecycle import release_commit

    if not session.base_commit:
        return ()
    tip = f"refs/heads/{session.branch}"
    commit = release_commit(session)
    if commit and not ctx.repo.is_ancestor(commit, tip):
        return ()  # already dropped (or never on this clone)
    return unpushed(ctx, f"{session.base_commit}..{tip}")


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
