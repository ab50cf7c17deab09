"""Step ``push``: push the release commit and the signed tag to the policy's remote.

The tag goes up before the draft exists (a draft creates no tag, and publishing would otherwise
create an unsigned one). A tag already on the remote is accepted only if it is the very same tag
object; a pushed tag is never moved or force-pushed. When pre-flight ran on the offline
workstation its CI check was deferred; it is made here, before anything leaves the machine.
"""

from __future__ import annotations

from dataclasses import dataclass

from services import workstation
from services.errors import ConsoleError
from services.github import expected
from services.reconcile import Diverged
from services.remote import RemoteSilent, ls_remote_lines, remote_git, remote_ref, remote_refs, remote_url
from services.repo import RepoError
from services.step_protocol import Blocker, Context, Evidence, Plan, Step, StepFailed
from services.steps.preflight_ci import deferred, preflight_commit, push_gate
from services.wording import counted, duration

# How long a plan (step screen, dry run, confirmation) waits for `git ls-remote`: a host dropping
# packets held it minutes. The run's reads wait longer (services.remote.RUN_LOOK_SECONDS) and
# its pushes as long as git does (a slow link must not cut a push short).
PLAN_WAIT_SECONDS = 10.0


def _branch(ctx: Context) -> str:
    from services.steps.preflight import expected_branch

    return expected_branch(ctx)


def sends(ctx: Context) -> str:
    """What the step sends, named before anything is made: a promotion only its tag (the
    candidate's commit went up with the candidate), a release its commit to the branch too."""
    tag = ctx.require_session().tag
    if ctx.require_session().kind == "promote":
        return f"only the signed tag {tag} (the candidate's commit is on {_branch(ctx)} already)"
    return f"the release commit to {_branch(ctx)} and the signed tag {tag}"


def not_made_yet(ctx: Context) -> str:
    """The plan's line while the tag is not in this clone (before the changelog and tag steps,
    or before the signed bundle brings it across the air gap): it said "No commit goes up to
    hotfix/v1.3.1: origin has every one already" of a branch origin did not have, counting
    from a placeholder. Nothing about the remote is claimed until there is a commit to count."""
    session = ctx.require_session()
    gapped = workstation.air_gapped(ctx.policy)
    if session.kind == "promote" and gapped:
        return (f"Tag {session.tag} is not here yet: the signing workstation's tag step makes it "
                "on the candidate's commit, and the signed bundle brings it here.")
    if session.kind == "promote":
        return (f"Tag {session.tag} is not made yet: the tag step makes it on the candidate's "
                "commit; nothing else goes up.")
    return (f"It sends {sends(ctx)}; which commits go up is known once the release commit and "
            f"the tag are " + ("here (the tag is made on the signing workstation and comes back "
                               "in the signed bundle)." if gapped else "made."))


class Push(Step):
    id = "push"

    def check(self, ctx: Context) -> list[Blocker]:
        """Local only (tag, remote configured): status and every screen reload call this. The
        deferred CI check and the remote's tags are looked at when the step runs."""
        session = ctx.require_session()
        blockers = []
        if not ctx.repo.tag_exists(session.tag):
            blockers.append(Blocker(f"Tag {session.tag} does not exist in this repository yet.",
                                    "Run the tag step (or import the hand-off bundle) first."))
        try:
            ctx.repo.git("remote", "get-url", ctx.policy.project.remote)
        except RepoError:
            blockers.append(Blocker(f"This repository has no remote named "
                                    f"{ctx.policy.project.remote!r}.",
                                    "Add it with `git remote add`, or set [project] remote in "
                                    "release.toml."))
        return blockers

    def plan(self, ctx: Context) -> Plan:
        session = ctx.require_session()
        remote = ctx.policy.project.remote
        promote = session.kind == "promote"  # the rc's commit is on the branch already
        if workstation.done_on_online_machine(ctx, self):  # its remote is not reached from here
            return workstation.online_machine_plan(ctx, (
                f"it pushes {sends(ctx)} to {remote}, once the signed bundle is imported there. "
                "A tag already on the remote must be this very tag; it is never moved."))
        try:
            commit = expected.tag_commit(ctx.repo, session.tag)
        except ConsoleError:  # no release commit and tag yet: nothing to count, nothing claimed
            commit = ""
        if commit:
            seen = None if ctx.offline else look(ctx, session.tag, commit)
            lines, sends_branch, sends_tag = going_up_now(ctx, remote, commit, session.tag, seen,
                                                          branch_too=not promote)
        else:
            lines = [*commits_going_up(ctx, remote, "", ""), not_made_yet(ctx)]
            sends_branch, sends_tag = not promote, True
        plan = Plan(
            summary="\n".join([f"Push only tag {session.tag} to {remote}: the candidate's commit "
                               f"is on {_branch(ctx)} already, so no branch moves."
                               if promote else
                               f"Push the release commit and tag {session.tag} to {remote}.",
                               *lines]),
            commands=[*([f"git push {remote} {commit or '<release commit>'}:"
                          f"refs/heads/{_branch(ctx)}"] if sends_branch else []),
                      *([f"git push {remote} refs/tags/{session.tag}"] if sends_tag else [])],
            notes=["A tag already on the remote must be this very tag; it is never moved."],
        )
        if deferred(ctx) and ctx.policy.project.repository:
            plan.api_calls.append(
                f"GET /repos/{ctx.policy.project.repository}/commits/"
                f"{preflight_commit(ctx)[:12]}/status and check-runs (pre-flight deferred it; "
                "checked first, when it runs)")
        return plan

    def reconcile(self, ctx: Context) -> Evidence | None:
        """Look at the remote before pushing: a kill after the push and before its record leaves
        the branch and the tag there already. Exactly this tag on the remote, with the branch
        at the release commit, is adopted; a different tag of that name stops the step saying
        what differs (a pushed tag is never moved, forced or deleted)."""
        session = ctx.require_session()
        remote = ctx.policy.project.remote
        if not ctx.repo.tag_exists(session.tag) or \
                ctx.repo.output("remote", "get-url", remote).status != 0:
            return None  # check() says what to do
        commit = expected.tag_commit(ctx.repo, session.tag)
        tag_ref = f"refs/tags/{session.tag}"
        tag_object = ctx.repo.git("rev-parse", tag_ref).strip()
        branch = _branch(ctx)
        branch_ref = f"refs/heads/{branch}"
        there = remote_refs(ctx, tag_ref, f"{tag_ref}^{{}}", branch_ref)
        on_remote = there.get(tag_ref, "")
        if not on_remote:
            return None
        if on_remote != tag_object:
            raise different_tag(ctx, session.tag, on_remote,
                                there.get(f"{tag_ref}^{{}}", on_remote), tag_object, commit)
        if session.kind != "promote" and there.get(branch_ref) != commit:
            return None  # the tag went up, the branch did not: run pushes the branch
        evidence: Evidence = {"remote": remote, "url": remote_url(ctx), "branch": branch,
                              "commit": commit, "tag": session.tag, "tag_object": tag_object,
                              "tag_already_there": True}
        _, ci = push_gate(ctx)  # the deferred CI check the lost record held, asked again
        if ci is not None:  # recorded as it stands now; a pushed tag is never taken back
            evidence["ci"] = ci
        return evidence

    def run(self, ctx: Context) -> Evidence:
        session = ctx.require_session()
        remote = ctx.policy.project.remote
        blockers, ci = push_gate(ctx)  # the network gate: here, not in check()
        if blockers:
            raise StepFailed(blockers[0].reason, remedy=blockers[0].remedy)
        commit = expected.tag_commit(ctx.repo, session.tag)
        tag_ref = f"refs/tags/{session.tag}"
        tag_object = ctx.repo.git("rev-parse", tag_ref).strip()
        branch = _branch(ctx)
        peeled = f"{tag_ref}^{{}}"
        there = remote_refs(ctx, tag_ref, peeled, f"refs/heads/{branch}")
        on_remote = there.get(tag_ref, "")
        if on_remote and on_remote != tag_object:  # pushed since reconcile looked
            raise different_tag(ctx, session.tag, on_remote, there.get(peeled, on_remote),
                                tag_object, commit)
        tip = there.get(f"refs/heads/{branch}", "")
        holds = bool(tip) and (tip == commit or ctx.repo.is_ancestor(commit, tip))
        if session.kind != "promote" and not holds:  # a promoted rc's commit is there already
            if tip and not ctx.repo.is_ancestor(tip, commit):
                raise moved(ctx, remote, branch, tip)
            remote_git(ctx, "push", "--quiet", remote, f"{commit}:refs/heads/{branch}")
        if not on_remote:
            remote_git(ctx, "push", "--quiet", remote, tag_ref)
        if remote_ref(ctx, tag_ref) != tag_object:
            raise StepFailed(f"{remote} does not show tag {session.tag} after the push.",
                             remedy="Check the remote and run the step again.")
        evidence: Evidence = {"remote": remote, "url": remote_url(ctx), "branch": branch,
                              "commit": commit, "tag": session.tag, "tag_object": tag_object,
                              "tag_already_there": bool(on_remote)}
        if holds and tip != commit:  # merged into the branch by the captain after it moved
            evidence["branch_holds_it"] = tip
        if ci is not None:
            evidence["ci"] = ci
        return evidence


def moved(ctx: Context, remote: str, branch: str, tip: str) -> StepFailed:
    """The remote branch gained commits the release commit does not have (pushed since the
    release began): git would refuse the push with advice to pull, and a rebase would leave
    the signed tag off the branch. Nothing is pushed; a merge keeps the tag where it is."""
    return StepFailed(
        f"{remote}/{branch} has moved: its tip {tip[:12]} is not in the release commit's history "
        "(someone pushed after this release began), so the push would be refused; nothing was "
        "pushed.",
        remedy=f"Merge it, never rebase (the signed tag stays on the release commit): `git fetch "
        f"{remote} && git merge {remote}/{branch}` on {branch}, push {branch} yourself (`git push "
        f"{remote} {branch}`), then run the push step again: it sends the tag.")


STEP = Push()


def different_tag(ctx: Context, tag: str, remote_object: str, remote_commit: str,
                  tag_object: str, commit: str) -> Diverged:
    """The remote has another tag of this name: say what differs and what to do."""
    remote = ctx.policy.project.remote
    where = ("on the same release commit but is another tag object (another message or "
             "signature)" if remote_commit == commit else
             f"at commit {remote_commit[:12]}, not the release commit {commit[:12]}")
    return Diverged(
        f"{remote} already has a different tag {tag} ({remote_object[:12]}, here "
        f"{tag_object[:12]}): it is {where}; nothing was pushed.",
        remedy=f"A pushed tag is never moved or deleted by the console: find out who pushed it "
        f"(`git ls-remote {remote} refs/tags/{tag}`); if the remote's tag is wrong, the "
        "maintainers must fix the remote by hand, otherwise ship the fix as a new version.")


@dataclass(frozen=True)
class Seen:
    """What the remote holds now for the release's tag and branch (one ``git ls-remote``), so
    a plan says what the run would do after a kill left the tag there: the run adopts it."""

    reached: bool
    tag_object: str = ""  # the remote's tag object ("" when it has no tag of that name)
    tag_commit: str = ""  # the commit the remote's tag points at
    tip: str = ""  # the remote branch's tip ("" when it has no such branch)
    here: str = ""  # this clone's tag object
    # every branch tip and tag (peeled too) the remote has: a commit reachable from one of them
    # does not go up again, though no remote-tracking ref here says so (a tag pushed by hand)
    has: tuple[str, ...] = ()
    silent_for: float = 0.0  # not reached: the bound it did not answer within (0: it failed)


def look(ctx: Context, tag: str, commit: str) -> Seen | None:
    """Ask the remote what it has, as reconcile and run do; None when there is nothing to ask
    about (no tag here, no such remote: check() says so), ``reached=False`` when it did not
    answer (the run looks again before it pushes), within :data:`PLAN_WAIT_SECONDS`: a plan is
    what the captain reads before saying yes, and must not wait minutes on a dead link."""
    tag_ref = f"refs/tags/{tag}"
    try:
        here = ctx.repo.git("rev-parse", "--verify", "--quiet", tag_ref).strip()
        ctx.repo.git("remote", "get-url", ctx.policy.project.remote)
        branch_ref = f"refs/heads/{_branch(ctx)}"
    except ConsoleError:
        return None
    if not here:
        return None
    try:
        out = remote_git(ctx, "ls-remote", "--heads", "--tags", ctx.policy.project.remote,
                         timeout=PLAN_WAIT_SECONDS)
    except RemoteSilent as late:
        return Seen(reached=False, silent_for=late.seconds)
    except ConsoleError:
        return Seen(reached=False)
    there = ls_remote_lines(out)
    on_remote = there.get(tag_ref, "")
    return Seen(True, on_remote, there.get(f"{tag_ref}^{{}}", on_remote),
                there.get(branch_ref, ""), here, tuple(sorted(set(there.values()))))


def going_up_now(ctx: Context, remote: str, commit: str, tag: str, seen: Seen | None, *,
                 branch_too: bool = True) -> tuple[list[str], bool, bool]:
    """The plan's lines and whether the branch and the tag are sent, from what the remote holds
    (``seen``), decided as reconcile and run decide: a dry run after a push killed before its
    record said the tag "goes up" while the run then adopted the tag already there."""
    if seen is None or not seen.reached:  # offline or no answer: counted from this clone's refs
        lines = going_up(ctx, remote, commit, tag, branch_too=branch_too)
        if seen is not None:
            when = f"within {duration(seen.silent_for)}" if seen.silent_for else "just now"
            lines.append(f"({remote} did not answer {when}: the run looks at it first and "
                         "sends only what it does not have.)")
        return lines, branch_too, True
    url = commits_going_up(ctx, remote, "", commit)
    if seen.tag_object and seen.tag_object != seen.here:
        return [*url, f"{remote} already has a different tag {tag} ({seen.tag_object[:12]}, "
                      f"here {seen.here[:12]}): the run stops and pushes nothing (a pushed tag "
                      "is never moved)."], False, False
    branch = _branch(ctx)
    holds = not branch_too or (bool(seen.tip) and (
        seen.tip == commit or ctx.repo.is_ancestor(commit, seen.tip)))
    if branch_too and seen.tip and not holds and not ctx.repo.is_ancestor(seen.tip, commit):
        return [*url, f"{remote}/{branch} has moved (its tip {seen.tip[:12]} is not in the "
                      "release commit's history): the run stops and pushes nothing; merge it "
                      f"first (`git fetch {remote} && git merge {remote}/{branch}`)."], False, False
    if seen.tag_object:  # this very tag is there: a push a kill cut off before its record
        if holds:
            where = "" if not branch_too else (
                f" and {branch} is at the release commit" if seen.tip == commit
                else f" and {branch} holds the release commit")
            adopted = not branch_too or seen.tip == commit
            return [*url, f"Tag {tag} is already on {remote} (this very tag object){where}: "
                          "nothing goes up; the run records the push as done"
                          + (" (adopted, as after an interruption)." if adopted else ".")
                    ], False, False
        return [*commits_going_up(ctx, remote, branch, commit, seen.has),
                f"Ref refs/tags/{tag} is already on {remote} (this very tag object): the run "
                "records it and does not send it again."], True, False
    if branch_too and holds:  # the branch went up and the tag did not
        return [*url, f"No commit goes up to {branch}: {remote} has every one already.",
                f"Ref refs/tags/{tag} goes up (new on {remote})."], False, True
    return going_up(ctx, remote, commit, tag, branch_too=branch_too, has=seen.has), \
        branch_too, True


def going_up(ctx: Context, remote: str, commit: str, tag: str, *,
             branch_too: bool = True, has: tuple[str, ...] = ()) -> list[str]:
    """What the push sends, as the captain must see it before saying yes: the remote's URL, every
    commit the branch gains (not when only the tag goes, as for a promoted rc) and the tag ref."""
    if not branch_too:
        lines = commits_going_up(ctx, remote, "", commit)
        return [*lines, f"Ref refs/tags/{tag} goes up (new on {remote})."]  # line 1: no branch
    lines = commits_going_up(ctx, remote, _branch(ctx), commit, has)
    return [*lines, f"Ref refs/tags/{tag} goes up (new on {remote})."]


def commits_going_up(ctx: Context, remote: str, branch: str, commit: str,
                     has: tuple[str, ...] = ()) -> list[str]:
    """The remote's URL (without any credentials in it) and the commits ``branch`` gains there
    when it moves to ``commit``, counted from what this clone last saw of the remote and, where
    the remote just answered, what it has (``has``: its branch tips and tags, from
    ``git ls-remote``): a commit already there through a tag pushed by hand does not go up
    again, though no remote-tracking ref here says so. Only the URL when ``branch`` is empty.
    Shared by the release push and the push of what a release leaves (the reopen commit), so
    both confirmations read alike."""
    try:
        lines = [f"Remote {remote}: {remote_url(ctx, remote)}"]
    except ConsoleError:
        return []
    if not branch:
        return lines
    try:
        known = ctx.repo.git("rev-parse", "--verify", "--quiet",
                             f"refs/remotes/{remote}/{branch}").strip()
    except ConsoleError:
        known = ""
    try:
        # a new branch (a hotfix) brings only what no branch of the remote has: not its history
        span = [commit, "--not", known] if known else [commit, "--not", f"--remotes={remote}"]
        # what the remote has that this clone lacks cannot be walked (and is not ours to send)
        log = ctx.repo.git("log", "--format=%h %s", "--ignore-missing", *span,
                           *has).strip().splitlines()
    except ConsoleError:
        return lines
    if not log:  # a push a kill cut off after the branch went up: only the tag is left
        lines.append(f"No commit goes up to {branch}: {remote} has every one already.")
        return lines
    lines.append(f"{counted(len(log), 'commit')} go{'es' if len(log) == 1 else ''} up to {branch}"
                 + ("" if known else f" (a new branch on {remote})") + ":")
    lines.extend(f"  {entry}" for entry in log[:20])
    if len(log) > 20:
        lines.append(f"  ... and {len(log) - 20} more")
    return lines
