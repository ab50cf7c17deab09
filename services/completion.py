"""Sessions end when they are finished: every step done or skipped means the release is out.

Whatever the kind (release, hotfix, rc, yank), the session then becomes ``completed`` (not left
"in progress", never "abandoned"), the journal says so (with the security clock's outcome for a
security fix), and the idle header, ``status`` and the TUI's start dialog say "v1.3.1 released", so
a new session can start.
"""

from __future__ import annotations

from services import workstation
from services.errors import ConsoleError
from services.flows import runbook
from services.header_words import CHANGED
from services.hotfix.clock import KEY as CLOCK_KEY
from services.hotfix.clock import session_clock
from services.journal import Journal
from services.session import Session, SessionStore, StepRecord
from services.step_protocol import Context
from services.step_status import FINISHED, StepStatus

DONE_WORD = {"yank": "yanked", "rc": "published as a pre-release"}


def all_finished(session: Session, *, air_gapped: bool = False) -> bool:
    return all(session.steps.get(step.id, StepRecord()).status in FINISHED
               for step in runbook(session.kind, air_gapped=air_gapped))


def finish_if_complete(ctx: Context) -> bool:
    """Complete the session when its last step is finished; True when it did. A session
    abandoned after a failure and then finished anyway (a yank run again) is completed too."""
    session = ctx.require_session()
    if session.state == "completed" or not all_finished(
            session, air_gapped=workstation.air_gapped(ctx.policy)):
        return False
    clock = session_clock(session)
    outcome = clock.outcome(ctx.clock()) if clock else None

    def mark(s: Session) -> None:
        s.state = "completed"
        if outcome is not None:
            s.data[CLOCK_KEY] = outcome

    word = DONE_WORD.get(session.kind, "released")
    outputs: dict[str, object] = {"state": "completed", "summary": f"{session.tag} {word}"}
    if outcome is not None:
        outputs["security"] = outcome
    ctx.record("session", "completed", outputs=outputs, update=mark)
    return True


STOPPED_AT_THE_END = ("The release is not recorded as finished yet (the run that finished the "
                      "last step was stopped first): `release-console next` records it.")


def complete_stopped(ctx: Context) -> str:
    """Complete a session whose every step is finished but which is still active, and say so
    ("" when it is not such a session). The run that finished the last step was killed after
    that step's record and before the session's "completed" one (two records: a window no
    step's reconciliation covers). Left so, `next` had nothing to run and `start` refused the
    next release while this one was "in progress". Under the run lock, on the saved session."""
    tag = ctx.require_session().tag
    with ctx.store.run_lock(tag):
        ctx.session = ctx.store.load(tag)
        if ctx.session.state != "active" or ctx.journal_problem() or \
                not finish_if_complete(ctx):
            return ""
    return (f"Every step is done: {outcome_line(ctx.require_session())}. The run that finished "
            "the last step was stopped before it recorded that; recorded now.")


def outcome_line(session: Session) -> str:
    """"v1.3.1 released", "v1.3.0 yanked", "v1.4.0 abandoned", "v1.4.0 in progress"."""
    if session.state == "completed":
        yanked = session.kind != "yank" and \
            session.steps.get("yank-github", StepRecord()).status == StepStatus.DONE
        return f"{session.tag} {DONE_WORD.get(session.kind, 'released')}" + \
            (", then yanked" if yanked else "")
    if session.state == "abandoned":
        return f"{session.tag} abandoned"
    if session.state == "handed-off":
        return f"{session.tag} signed here and sent back"
    return f"{session.tag} in progress"


def last_release(sessions: list[Session]) -> Session | None:
    """The session a captain calls "the last release": the one started last. A yank of an older
    release changes that release's session later (or, for a release made elsewhere, starts a
    yank's own), and v1.3.1 is still the last release; a yank is "the last" only with nothing
    else to name."""
    releases = [s for s in sessions if s.kind != "yank"] or sessions
    return max(releases, key=lambda s: s.created_at, default=None)


def last_words(sessions: list[Session]) -> str:
    """What `status` and the TUI header both say of the last release: "v1.3.1 released", and,
    when an older session changed after it (a yank of v1.3.0), that as well: "v1.3.1 released;
    last changed: v1.3.0 released, then yanked". "" when there is none."""
    last = last_release(sessions)
    if last is None:
        return ""
    changed = max(sessions, key=lambda s: s.updated_at)
    if changed is last or changed.updated_at <= last.updated_at:
        return outcome_line(last)
    return f"{outcome_line(last)}{CHANGED}{outcome_line(changed)}"


def ended_under(store: SessionStore, tag: str) -> str:
    """What became of ``tag``'s release when it ended while a screen showed it (another terminal
    finished or abandoned it): "v1.3.0 was released in another terminal", "v1.3.0 was abandoned
    in another terminal: CI is red", from its session and, for the reason, its journal."""
    try:
        session = store.load(tag)
    except ConsoleError:
        return f"{tag} is no longer in progress here: its record was set aside or moved"
    if session.state == "abandoned":
        reason = ""
        try:
            for entry in Journal(store.directory(tag) / "journal.jsonl").entries():
                if entry.get("step") == "session" and entry.get("action") == "abandoned":
                    reason = str((entry.get("inputs") or {}).get("reason", ""))
        except ConsoleError:
            reason = ""  # a damaged journal: the state alone still says what happened
        return f"{tag} was abandoned in another terminal" + (f": {reason}" if reason else "")
    if session.state == "completed":
        return outcome_line(session).replace(f"{tag} ", f"{tag} was ", 1) + \
            " in another terminal"
    return f"{outcome_line(session)} (changed in another terminal)"
