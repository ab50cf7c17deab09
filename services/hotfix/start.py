"""Starting (or resuming) a hotfix: everything checked first, then the session, then the branch.

Every refusal happens before anything changes: a version that is not the next patch of a shipped
release, a base tag that does not verify with the pinned key, a dirty tree, a pick that is not a
commit, is a merge, is not on the default branch or is already on the hotfix branch, a hotfix
branch that exists but does not start from the base tag. The session is started by the common
``start_release``; only the hotfix facts (base tag, branch, picks, security clock) are added.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from services import versions
from services.errors import ConsoleError
from services.hotfix import picks
from services.hotfix.clock import KEY as CLOCK_KEY
from services.hotfix.clock import SecurityClock, session_clock, start_clock
from services.hotfix.plan import KEY, HotfixData, base_tag_for, branch_name, hotfix_data
from services.repo import RepoError
from services.session import Session, iso
from services.session_lifecycle import ReleaseInProgress, ReleaseRequest, start_release
from services.step_protocol import Context, Plan
from services.step_status import FINISHED
from services.workstation import refuse_start_here

# Asked before the branch step's git work, with its plan (``hotfix --pick`` passes its prompter's
# confirm): True goes on; False, or an exception, leaves everything as it was.
Ask = Callable[[str, Plan], bool]


@dataclass(frozen=True)
class HotfixRequest:
    version: str
    picks: list[str] = field(default_factory=list)
    severity: str = ""
    since: str = ""


def verify_base_tag(ctx: Context, tag: str) -> str:
    """``git verify-tag`` of the base tag with the key the policy pins; returns the signer."""
    from services.signing import resolve
    from services.signing.gpg import normalise
    from services.tagging import TagError, TagPlan, verify

    policy = ctx.policy
    if policy.tag_signing == "none":
        return ""
    if policy.tag_signing == "ssh":
        key = str(resolve(ctx.root, policy.signing_ssh_key)) if policy.signing_ssh_key else ""
        signers = (str(resolve(ctx.root, policy.signing_allowed_signers))
                   if policy.signing_allowed_signers else "")
        plan = TagPlan(tag, "", "", "", "ssh", key, signers, policy.signing_identity)
    else:
        plan = TagPlan(tag, "", "", "", policy.tag_signing,
                       normalise(policy.tag_key or policy.signing_fingerprint))
    try:
        return verify(ctx, plan)
    except TagError as err:
        reason = err.message.split("rejects it: ", 1)[-1].rstrip(".")
        raise ConsoleError(
            f"The base tag {tag} does not verify with the pinned key ({reason}); nothing was "
            "changed.",
            remedy=f"A hotfix branches only from a release tag signed with the project's key; "
            f"check it with `git tag -v {tag}` and the signing keys in release.toml.") from None


def _require_clean(ctx: Context) -> None:
    dirty = ctx.repo.dirty_paths()
    if dirty:
        raise ConsoleError(
            f"The working tree has uncommitted changes ({', '.join(dirty[:3])}"
            f"{' …' if len(dirty) > 3 else ''}); nothing was changed.",
            remedy="Commit or stash them; a hotfix starts from a clean tree.")


def _asked(ctx: Context, ask: Ask | None, data: HotfixData, tag: str,
           clock: SecurityClock | None = None) -> None:
    """Ask before the branch step makes the branch, picks and commits, when it will: the plan is
    the step's own, with the security clock it starts (said before, as everything else is).
    No picks and no branch yet means nothing will run, so nothing is asked."""
    from services.asks import question
    from services.hotfix.plan import branch_plan

    if ask is None or (not data.picks and not ctx.repo.branch_exists(data.branch)):
        return
    plan = branch_plan(ctx, data, tag)
    if clock is not None:
        plan.notes.append(f"Security clock: {clock.severity}, started {iso(clock.started_at)}; "
                          + (f"deadline {iso(clock.deadline)} ({clock.line(ctx.clock())})."
                             if clock.deadline else "no deadline for this severity."))
    if not ask(question("hotfix-branch", ctx.policy, tag), plan):
        raise ConsoleError(f"The hotfix branch for {tag} was not confirmed; nothing was changed.",
                           remedy="Run the same command again to see the plan and answer y.")


def start_hotfix(ctx: Context, request: HotfixRequest, *,
                 ask: Ask | None = None) -> tuple[Session, bool]:
    """Start the hotfix session (or resume the one in progress); returns (session, resumed).

    With ``ask``, the branch step's plan is asked after every check and before anything is
    written (the session included), unless that step is finished already."""
    repo = ctx.repo
    policy = ctx.policy
    repo.require_commits()
    version = str(versions.parse_version(request.version))
    tag = policy.tag_for(version)
    active = ctx.store.active()
    if active is not None and active.tag == tag and active.kind == "hotfix":
        return resume_hotfix(ctx, active, request, ask=ask), True
    if active is not None:
        raise ReleaseInProgress(
            f"A release session for {active.tag} is already in progress; nothing was changed.",
            remedy=f"Finish it (`release-console next`) or abandon it first with "
            f"`release-console abandon {active.tag} --reason ...`.")
    base_tag = base_tag_for(policy, version, repo.tags())
    if repo.tag_exists(tag):
        raise ConsoleError(f"Tag {tag} already exists; hotfix {version} was shipped already.",
                           remedy="Pick the next patch version.")
    _require_clean(ctx)
    default = policy.project.default_branch
    if not ctx.repo.branch_exists(default):
        raise ConsoleError(f"There is no local branch {default} (the policy's default branch) to "
                           "pick fixes from; nothing was changed.",
                           remedy=f"Fetch it with `git fetch origin {default}:{default}`.")
    signer = verify_base_tag(ctx, base_tag)
    branch = branch_name(tag)
    head = ""
    if ctx.repo.branch_exists(branch):
        if not picks.is_ancestor(ctx.repo, f"refs/tags/{base_tag}", f"refs/heads/{branch}"):
            raise ConsoleError(
                f"Branch {branch} already exists but does not start from {base_tag}; nothing "
                "was changed.",
                remedy=f"Rename or delete that branch yourself (`git branch -m {branch} ...`), "
                "then start the hotfix again.")
        head = f"refs/heads/{branch}"
    shas = picks.resolve_picks(repo, request.picks, base_tag=base_tag, default_branch=default,
                               tag_format=policy.tag_format, branch_head=head)
    clock = (start_clock(policy, request.severity, request.since, ctx.clock())
             if request.severity else None)
    base_commit = repo.git("rev-parse", f"refs/tags/{base_tag}^{{commit}}").strip()
    adopted = picks.picked_on(repo, f"refs/tags/{base_tag}", head) if head else []
    _refuse_an_abandoned_attempts_picks(ctx, tag, branch, adopted, shas)
    data = HotfixData(base_tag=base_tag, base_commit=base_commit, branch=branch,
                      picks=adopted + shas, default_branch=default)
    if ask is not None:
        refuse_start_here(ctx)  # as start_release would: refused before the question, not after
    _asked(ctx, ask, data, tag, clock)

    def setup(s: Session) -> None:
        s.previous_tag, s.branch, s.base_commit = base_tag, branch, base_commit
        s.data[KEY] = data.to_json()
        if clock is not None:
            s.data[CLOCK_KEY] = clock.to_json()

    # The plan is in the session from its first save (and in its "started" entry): killed
    # before the "planned" record, `next` still makes the branch; it said "no commits are
    # picked" and waited for the same hotfix command again.
    start_release(ctx, ReleaseRequest(version=version, kind="hotfix", setup=setup))
    ctx.record("hotfix-branch", "planned",
               inputs={"version": version, "picks": shas, "severity": request.severity,
                       "since": request.since},
               outputs={**data.to_json(), "base_tag_signer": signer,
                        "existing_branch": bool(head),
                        "security": clock.to_json() if clock else None},
               update=setup)
    return ctx.require_session(), False


def resume_hotfix(ctx: Context, session: Session, request: HotfixRequest, *,
                  ask: Ask | None = None) -> Session:
    """The hotfix in progress: the same request resumes it; a different one says what differs.

    Picks can still change while the branch step is not done (after an abort, say). With
    ``ask``, an unfinished branch step's plan (with the new picks) is asked before they are
    recorded. A severity given for a hotfix that has no clock yet starts it once the rest is
    accepted: the yank wizard's "start the replacement hotfix" makes one with none, and the
    picker's severity would otherwise be refused for good."""
    clock = session_clock(session)
    if request.severity and clock is not None and clock.severity != request.severity:
        raise ConsoleError(f"The hotfix {session.tag} in progress was started with "
                           f"{clock.severity}, not {request.severity}; nothing was changed.",
                           remedy=f"Resume it with {clock.severity} or no severity: its clock "
                           "has run since it started.")
    started = (start_clock(ctx.policy, request.severity, request.since, ctx.clock())
               if request.severity and clock is None else None)
    resumed = _resume(ctx, session, request, ask=ask)
    if started is not None:
        ctx.record("hotfix-branch", "security clock started",
                   inputs={"severity": request.severity, "since": request.since},
                   outputs={"security": started.to_json()},
                   update=lambda s: s.data.__setitem__(CLOCK_KEY, started.to_json()))
        resumed = ctx.require_session()
    return resumed


def _resume(ctx: Context, session: Session, request: HotfixRequest, *,
            ask: Ask | None = None) -> Session:
    ctx.session = session
    data = hotfix_data(session, ctx.policy)
    branch_done = session.steps.get("hotfix-branch")
    if branch_done is not None and branch_done.status in FINISHED:
        ask = None  # nothing left to do: resuming asks nothing
    if not request.picks:
        _asked(ctx, ask, data, session.tag)
        return session
    head = f"refs/heads/{data.branch}" if ctx.repo.branch_exists(data.branch) else ""
    try:
        shas = picks.resolve_picks(ctx.repo, request.picks, base_tag=data.base_tag,
                                   default_branch=data.default_branch,
                                   tag_format=ctx.policy.tag_format, branch_head=head)
    except ConsoleError:
        if _same_picks(ctx, request.picks, data.picks):
            _asked(ctx, ask, data, session.tag)
            return session  # the same command again: resume
        raise
    if shas == data.picks:
        _asked(ctx, ask, data, session.tag)
        return session
    if branch_done is not None and branch_done.status == "done":
        had = ", ".join(p[:12] for p in data.picks) or "none"
        raise ConsoleError(f"The hotfix {session.tag} in progress already has its branch with "
                           f"the picks {had}; nothing was changed.",
                           remedy="Cherry-pick more by hand on the branch (`git cherry-pick -x`) "
                           "or finish this hotfix and ship another.")
    if picks.in_progress(ctx.repo):
        raise ConsoleError("A cherry-pick is stopped on the hotfix branch (on conflicts, or a run "
                           "was killed mid-pick); nothing was changed.",
                           remedy="Finish it with `release-console hotfix --continue` (or "
                           "`release-console next`) or `release-console hotfix --abort` first.")
    _require_clean(ctx)
    first = KEY not in session.data  # started with `start --kind hotfix`: the base is new here
    if first:
        verify_base_tag(ctx, data.base_tag)
        data.base_commit = ctx.repo.git("rev-parse",
                                        f"refs/tags/{data.base_tag}^{{commit}}").strip()
    new = HotfixData(data.base_tag, data.base_commit, data.branch, shas, data.default_branch)
    _asked(ctx, ask, new, session.tag)

    def update(s: Session) -> None:
        s.data[KEY] = new.to_json()
        if first:
            s.previous_tag, s.branch, s.base_commit = new.base_tag, new.branch, new.base_commit

    ctx.record("hotfix-branch", "picks changed",
               inputs={"picks": shas, "before": data.picks}, update=update)
    return ctx.require_session()


def _same_picks(ctx: Context, given: list[str], recorded: list[str]) -> bool:
    try:
        full = [ctx.repo.git("rev-parse", "--verify", "--quiet", f"{g}^{{commit}}").strip()
                for g in given]
    except RepoError:
        return False
    return full == recorded


def _refuse_an_abandoned_attempts_picks(ctx: Context, tag: str, branch: str, adopted: list[str],
                                        shas: list[str]) -> None:
    """A branch left by a killed start carries on (its picks are adopted), but one left by an
    abandoned attempt would ship picks the captain gave up on; refused unless picked again."""
    if not ctx.store.exists(tag) or ctx.store.load(tag).state != "abandoned":
        return
    dropped = [sha for sha in adopted if sha not in shas]
    if dropped:
        raise ConsoleError(
            f"Branch {branch} holds picks of the abandoned attempt at {tag} "
            f"({', '.join(sha[:12] for sha in dropped)}) that were not picked now; nothing was "
            "changed.",
            remedy=f"Rename that branch aside (`git branch -m {branch} {branch}-abandoned`) to "
            "start from the base tag again, or pick those commits too to carry on with them.")
