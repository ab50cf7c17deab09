"""Walks a session through its runbook: what each step's status is, what runs next, and running it.

The same functions back ``release-console status/run/next/skip`` and the TUI checklist, so both
always agree on what is blocked and why.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from services import secrets, wording
from services.blocker import as_blocker
from services.completion import finish_if_complete
from services.errors import (
    BlockedError,
    ConsoleError,
    EnvironmentProblem,
    NeedsInput,
    StepCancelled,
    UsageError,
)
from services.flows import runbook
from services.handoff_redo import check_redo
from services.reconcile import ADOPTED
from services.session import Session, StepRecord
from services.step_protocol import Blocker, Context, Evidence, Step, StepFailed
from services.step_status import FINISHED, StepStatus
from services.step_view import StepView, interrupted_blocker, stored_status

PERMANENT = frozenset({"tag"})  # done steps whose effect is never undone (tags are never moved)
OFFLINE = Blocker(
    "This step needs the network and this workstation is offline.",
    "Carry the release to the online machine and run it there.",
    "Carry the release to the online machine and run it there.",
)
OFFLINE_HERE = wording.mid_sentence(str(OFFLINE))  # after "'Push' cannot run here: "


def own_blockers(ctx: Context, step: Step) -> list[Blocker]:
    from services import workstation

    blockers: list[Blocker] = []
    waiting = workstation.waits_for_other_side(ctx, step)
    if waiting is not None:
        from services.bundle.crossing import import_stopped

        session = ctx.require_session()
        stopped = import_stopped(ctx.store.directory(session.tag) / "journal.jsonl", session)
        return [stopped or waiting]
    if step.needs_network and ctx.offline:
        return [OFFLINE]
    try:
        blockers.extend(step.check(ctx))
    except ConsoleError as err:
        blockers.append(as_blocker(err))
    return blockers


def views(ctx: Context, *, busy: bool | None = None, unchecked: str = "") -> list[StepView]:
    """Every step of the session's runbook with its status and blockers, in runbook order
    (``unchecked``: a step whose own check is left out, because the caller runs it next)."""
    from services import workstation

    session = ctx.require_session()
    if busy is None:
        busy = ctx.store.run_in_progress(session.tag)
    result: list[StepView] = []
    holding: StepView | None = None  # the first unfinished (or stale) step; later ones wait
    for step in flow(ctx, session.kind):
        record = session.steps.get(step.id, StepRecord())
        status = stored_status(record, busy)
        stale = revalidation(ctx, step) if status == StepStatus.DONE and holding is None else []
        if stale:
            view = StepView(step, StepStatus.STALE, stale, record)
        elif status in FINISHED:
            result.append(StepView(step, status, [], record))
            continue
        elif status == StepStatus.INTERRUPTED:
            view = StepView(step, status, [interrupted_blocker(step, record)], record)
        elif holding is not None and holding.status != StepStatus.STALE and (
                across := workstation.waiting_across(ctx, step, holding.step)) is not None:
            view = StepView(step, StepStatus.WAITING, [across], record)
        elif holding is not None:
            remedy = (f"It must be redone first: `release-console redo {holding.id} "
                      '--reason "..."`.' if holding.status == StepStatus.STALE
                      else "Steps run in runbook order.")
            tui = ("Open it with n and redo it with o." if holding.status == StepStatus.STALE
                   else "Press n to open the step to do now.")
            view = StepView(step, StepStatus.WAITING, [Blocker(
                f"Waiting for '{ctx.title(holding.step)}' ({holding.id}).", remedy, tui)], record)
        else:
            blockers = [] if step.id == unchecked else own_blockers(ctx, step)
            shown = status if status in {StepStatus.FAILED, StepStatus.RUNNING} else (
                StepStatus.BLOCKED if blockers else StepStatus.READY)
            view = StepView(step, shown, blockers, record)
        result.append(view)
        holding = holding or view
    return result


def flow(ctx: Context, kind: str) -> tuple[Step, ...]:
    """The session's runbook as this project runs it (hand-off steps only when air-gapped)."""
    from services import workstation

    return runbook(kind, air_gapped=workstation.air_gapped(ctx.policy))


def revalidation(ctx: Context, step: Step) -> list[Blocker]:
    try:
        return step.revalidate(ctx)
    except ConsoleError as err:
        return [as_blocker(err)]


def next_view(all_views: list[StepView]) -> StepView | None:
    for view in all_views:
        if view.status not in FINISHED:
            return view
    return None


def find_step(ctx: Context, step_id: str) -> Step:
    session = ctx.require_session()
    for step in flow(ctx, session.kind):
        if step.id == step_id:
            return step
    ids = ", ".join(s.id for s in flow(ctx, session.kind))
    raise UsageError(f"There is no step {step_id!r} in the {session.kind} runbook.",
                     remedy=f"Steps are: {ids}.")


def blockers_for(ctx: Context, step: Step, *, busy: bool | None = None,
                 own: bool = True) -> list[Blocker]:
    """Blockers for running ``step`` now, including earlier steps not yet finished; with
    ``own=False`` only those (and "already done" / "stale"), not the step's own checks."""
    for view in views(ctx, busy=busy, unchecked="" if own else step.id):
        if view.id == step.id:
            if view.status in FINISHED:
                return [Blocker(f"it is already {view.status}.",
                                f"To do it again after a change, reopen it with "
                                f"`release-console redo {step.id} --reason \"...\"`; "
                                "`release-console status` shows the next step.")]
            if view.status == StepStatus.STALE:
                first = view.blockers[0]
                redo = f"Redo it with `release-console redo {step.id} --reason \"...\"`."
                return [Blocker(f"it was done, but {wording.mid_sentence(first.reason)}",
                                first.remedy or redo)]
            if view.status == StepStatus.WAITING:
                return view.blockers
            if not own:
                return []
            if view.status == StepStatus.INTERRUPTED:
                return own_blockers(ctx, step)
            return view.blockers
    return []


def run_step(ctx: Context, step: Step, *, confirmed: bool = False) -> Evidence:
    """Check, confirm if irreversible, run, and record the outcome.

    The session's run lock is held for the whole run, so a second console (another terminal,
    the TUI) cannot run a step of the same release at the same time; and the step is marked
    running before its work starts, so a killed process shows as interrupted next time instead of
    being silently forgotten or done twice.
    """
    session = ctx.require_session()
    with ctx.store.run_lock(session.tag):
        return _run_locked(ctx, step, confirmed=confirmed)


def _run_locked(ctx: Context, step: Step, *, confirmed: bool) -> Evidence:
    from services import workstation

    # Re-read under the lock: another console may have finished this step while we waited.
    ctx.session = ctx.store.load(ctx.require_session().tag)
    session = ctx.require_session()
    problem = ctx.journal_problem()
    if problem:
        raise BlockedError(f"'{ctx.title(step)}' cannot run: {problem}", remedy=ctx.journal_remedy())
    from services.signing.batch import remove_leftovers  # imported here: not on status's path

    remove_leftovers(ctx)
    blockers = blockers_for(ctx, step, busy=False, own=False)  # earlier steps, done, stale
    if blockers:
        refuse(step, session, blockers, ctx.title(step))
    if workstation.waits_for_other_side(ctx, step) is not None:  # say which bundle goes there
        refuse(step, session, own_blockers(ctx, step), ctx.title(step))
    if step.needs_network and ctx.offline:  # not a problem with the release: the machine (exit 3)
        raise EnvironmentProblem(f"'{ctx.title(step)}' cannot run here: {OFFLINE_HERE}")
    adopted = step.reconcile(ctx)  # the effect may be there already: record it, never redo it
    if adopted is not None:
        return adopt(ctx, step, adopted)
    blockers = blockers_for(ctx, step, busy=False)  # we hold the lock: "running" = interrupted
    if blockers:
        refuse(step, session, blockers, ctx.title(step))
    if step.irreversible and not confirmed:
        plan = step.plan(ctx)
        if not ctx.prompter.confirm(f"'{ctx.title(step)}' cannot be undone. Go ahead?", plan):
            raise ConsoleError(f"'{ctx.title(step)}' was not confirmed; nothing was done.")
    previous = stored_status(session.steps.get(step.id, StepRecord()), False)

    def mark_running(s: Session) -> None:
        rec = s.step(step.id)
        rec.status, rec.started_at, rec.finished_at, rec.reason = (
            StepStatus.RUNNING, ctx.now_iso(), "", "")
        rec.pid = os.getpid()

    # Saved before it is journaled: killed in between, the step shows as interrupted (not
    # "ready" beside a journal that says it started) and runs again (services/recorder.py).
    ctx.record(step.id, "resumed" if previous == StepStatus.INTERRUPTED else "started",
               update=mark_running, session_first=True)
    try:
        evidence = step.run(ctx)
        secrets.check_keys(evidence, f"the evidence of {step.id}")
    except StepCancelled:
        record_cancelled(ctx, step)
        raise
    except NeedsInput:
        ctx.record(step.id, "paused", outputs={"reason": "needs input"},
                   update=lambda s: _set(s, step.id, StepStatus.PENDING, "", ctx.now_iso()))
        raise
    except ConsoleError as err:
        message = str(err)
        ctx.record(step.id, "failed", outputs={"reason": message},
                   update=lambda s: _set(s, step.id, StepStatus.FAILED, message, ctx.now_iso()))
        failure = StepFailed(f"'{ctx.title(step)}' failed: {wording.mid_sentence(err.message)}",
                             remedy=err.remedy, tui=err.tui)  # the TUI says its own remedy
        failure.exit_code = err.exit_code  # a missing tool or no network stays exit 3
        raise failure from None
    except BaseException as err:
        reason = ("interrupted by the captain (Ctrl-C)" if isinstance(err, KeyboardInterrupt)
                  else f"unexpected {type(err).__name__}")
        ctx.record(step.id, "failed", outputs={"reason": reason},
                   update=lambda s: _set(s, step.id, StepStatus.FAILED, reason, ctx.now_iso()))
        raise

    ctx.record(step.id, "done", outputs=evidence, update=_mark_done(ctx, step, evidence))
    finish_if_complete(ctx)
    return evidence


def refuse(step: Step, session: Session, blockers: list[Blocker], title: str) -> None:
    """Say "cannot run yet|again: <first blocker>", its remedy apart in TUI words too (r in the
    TUI named `release-console checklist tick ...` where the screen says space ticks it)."""
    finished = stored_status(session.steps.get(step.id, StepRecord()), False) in FINISHED
    raise BlockedError(f"'{title}' cannot run {'again' if finished else 'yet'}: "
                       f"{wording.mid_sentence(blockers[0].reason)}", remedy=blockers[0].remedy,
                       tui=blockers[0].tui)


def _mark_done(ctx: Context, step: Step, evidence: Evidence) -> Callable[[Session], None]:
    def mark_done(s: Session) -> None:
        rec = _set(s, step.id, StepStatus.DONE, "", ctx.now_iso())
        rec.evidence = evidence

    return mark_done


def adopt(ctx: Context, step: Step, evidence: Evidence) -> Evidence:
    """Record a step whose effect was found in the world as done, saying so in the journal."""
    secrets.check_keys(evidence, f"the evidence of {step.id}")
    evidence = {**evidence, "adopted": True}
    ctx.record(step.id, ADOPTED, outputs=evidence, update=_mark_done(ctx, step, evidence))
    finish_if_complete(ctx)
    return evidence


def record_cancelled(ctx: Context, step: Step) -> None:
    """The captain cancelled the step at a safe point: journaled, and the step is to do again
    (its status says cancelled, not failed or interrupted)."""
    ctx.record(step.id, "cancelled", outputs={"reason": CANCELLED},
               update=lambda s: _set(s, step.id, StepStatus.PENDING, CANCELLED, ctx.now_iso()))


CANCELLED = "cancelled by the captain"


def _set(session: Session, step_id: str, status: StepStatus, reason: str, now: str) -> StepRecord:
    rec = session.step(step_id)
    rec.status, rec.reason, rec.pid = status, reason, 0
    if status in {StepStatus.DONE, StepStatus.FAILED, StepStatus.SKIPPED}:
        rec.finished_at = now
    return rec


def skip_step(ctx: Context, step: Step, reason: str) -> None:
    if not reason.strip():
        raise ConsoleError("A skip needs a reason; it goes into the journal.",
                           remedy='Pass --reason "why this step does not apply".')
    if not step.skippable:
        raise ConsoleError(f"'{ctx.title(step)}' cannot be skipped; the release is not safe without it.",
                           remedy="Do it (`release-console status` says what it waits for), or "
                           f"abandon the release (`release-console abandon {ctx.require_session().tag} "
                           '--reason "..."`).')
    session = ctx.require_session()
    status = stored_status(session.steps.get(step.id, StepRecord()),
                           ctx.store.run_in_progress(session.tag))
    if status in FINISHED:
        raise ConsoleError(f"'{ctx.title(step)}' is already {status}.")

    def mark(s: Session) -> None:
        _set(s, step.id, StepStatus.SKIPPED, reason.strip(), ctx.now_iso())

    ctx.record(step.id, "skipped", inputs={"reason": reason.strip()}, update=mark)
    finish_if_complete(ctx)


def redo_step(ctx: Context, step: Step, reason: str, *, bundle_lost: bool = False) -> list[str]:
    """Reopen a finished step and every later one, so they run again; returns the reopened ids.

    Refused once anything irreversible or permanent after it is done (a pushed commit, a
    published release or a made tag is never moved: a new version instead), and across the air
    gap as :func:`services.handoff_redo.check_redo` says."""
    if not reason.strip():
        raise ConsoleError("A redo needs a reason; it goes into the journal.",
                           remedy='Pass --reason "what changed".')
    session = ctx.require_session()
    busy = ctx.store.run_in_progress(session.tag)
    if busy:
        raise BlockedError("A step of this release is running in another Release Console right "
                           "now; nothing was reopened.", remedy="Wait for it to finish.")
    steps = flow(ctx, session.kind)
    index = next(i for i, s in enumerate(steps) if s.id == step.id)
    reopened, edited = [], ctx.edited_session()  # marked done by an editor: nothing happened
    for later in steps[index:]:
        record = session.steps.get(later.id, StepRecord())
        if stored_status(record, busy) not in {*FINISHED, StepStatus.FAILED}:
            continue
        if record.status == StepStatus.DONE and (later.irreversible or later.id in PERMANENT) \
                and (edited is None or later.id not in edited.steps):
            raise ConsoleError(
                f"'{ctx.title(later)}' is already done and cannot be undone, so '{ctx.title(step)}' cannot "
                "be redone for this version.",
                remedy="Release the fix as a new version (for example a hotfix).",
            )
        reopened.append(later.id)
    if not reopened:
        raise ConsoleError(f"'{ctx.title(step)}' has not been done yet; there is nothing to redo.",
                           remedy=f"Run it with `release-console run {step.id}`.")
    check_redo(ctx, session, [i for i in reopened if edited is None or i not in edited.steps],
               bundle_lost=bundle_lost)

    def reopen(s: Session) -> None:
        for step_id in reopened:
            s.steps[step_id] = StepRecord()

    # Saved before it is journaled: a "reopened" entry the session does not reflect would read
    # as a session file edited to say "done", and stop every step (services/recorder.py).
    ctx.record(step.id, "reopened", inputs={"reason": reason.strip(), "steps": reopened} | (
        {"bundle_lost": True} if bundle_lost else {}), update=reopen, session_first=True)
    return reopened

