"""Session commands: status, start, run, next (skip, redo, abandon, checklist: choices.py)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from console.commands.common import (
    FORCE_HELP,
    PASSPHRASE_HELP,
    YES_HELP,
    add_parser,
    context,
    require_passphrase_file,
    step_argument,
)
from console.commands.step_lines import evidence_lines, say_next, say_unpushed
from console.json_envelope import json_flag
from console.output import hanging, print_json, say, say_wrapped, warn
from console.progress import rendering
from services import engine
from services.completion import last_words
from services.errors import ConsoleError
from services.headline import headline
from services.hotfix.clock import session_clock
from services.marks import MARKS
from services.session_lifecycle import (
    ABANDONED_ATTEMPT,
    ReleaseRequest,
    start_release,
)
from services.step_protocol import Context
from services.step_status import StepStatus as S

if TYPE_CHECKING:
    from services.yank_resume import UnfinishedYank

JSON_SCHEMA = 1


def register(sub: argparse._SubParsersAction) -> None:
    p = add_parser(sub, "status", "show the runbook of the release in progress",
                   "Each step of the release in progress with its status and blockers, and the next "
                   "step. --json prints a stable document (see docs/cli.md).")
    json_flag(p)
    p.set_defaults(handler=cmd_status)

    p = add_parser(sub, "start", "start a release session",
                   "Start a release: VERSION (1.4.0 or v1.4.0), or --bump from the last tag.")
    p.add_argument("version", nargs="?", default="", metavar="VERSION",
                   help="the version to release")
    p.add_argument("--bump", choices=("patch", "minor", "major"), default="",
                   help="next version from the highest release tag")
    p.add_argument("--channel", default="stable", metavar="NAME",
                   help="a channel of the policy: stable (default) or rc, unless release.toml "
                   "defines others")
    p.add_argument("--kind", choices=("release", "hotfix"), default="",
                   help="release (default) or hotfix (its picks then come with `hotfix VERSION "
                   "--pick SHA`)")
    p.set_defaults(handler=cmd_start)

    p = add_parser(sub, "run", "run one step of the release in progress",
                   "Check STEP, then run it and record the evidence. --dry-run prints the plan "
                   "and changes nothing.")
    step_argument(p)
    add_run_options(p)
    p.add_argument("--build", action="store_true",
                   help="artifacts only: run release.toml's [artifacts] build first (output on "
                   "stderr), then the step")
    p.set_defaults(handler=cmd_run)

    p = add_parser(sub, "next", "run the next step that can run",
                   "Run the step `status` names after Next:, as `run STEP` would: check it, run "
                   "it and record the evidence. Needs a release in progress (`start`). An "
                   "irreversible step (push, publish, merge-back) shows what it does and asks "
                   "first; with no terminal it stops unless --yes. A step that needs input the "
                   "command line did not give stops and names the option or command for it.")
    add_run_options(p)
    p.set_defaults(handler=cmd_next)


def add_run_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--dry-run", action="store_true", help="print the plan; change nothing")
    p.add_argument("--yes", action="store_true", help=YES_HELP)
    p.add_argument("--passphrase-file", default="", metavar="PATH", help=PASSPHRASE_HELP)
    p.add_argument("--force", action="store_true", help=FORCE_HELP)


def answers_from(args: argparse.Namespace) -> dict[str, object]:
    answers: dict[str, object] = {}
    if args.passphrase_file:
        answers["passphrase_file"] = args.passphrase_file
    if args.force:
        answers["force"] = True
    return answers


def cmd_status(args: argparse.Namespace) -> int:
    ctx = context(args)
    if ctx.session_problem is not None:
        raise ctx.session_problem
    if ctx.session is None:
        from services.summary import for_context, last_finished
        from services.yank_resume import unfinished_yank

        sessions = ctx.store.sessions()  # read once: the last one and an unfinished yank
        # The line names the release started last as the TUI header does (and an older one
        # changed since, a yank); the summary below is of the finished one changed last, whose
        # commits (its reopen commit, a yank's note) may be left to push: not of an attempt
        # abandoned since, which hid v1.3.0's reopen commit.
        last = last_finished(sessions)
        summary = for_context(ctx, last, sessions) if last is not None else None
        yank = unfinished_yank(sessions)
        if args.json:
            # Every key of the documented schema (docs/cli.md), as with a session in progress.
            print_json({"schema": JSON_SCHEMA, "session": None, "steps": [], "next": None,
                        "journal_problem": None, "damaged_sessions": [],
                        "last": summary.to_json() if summary is not None else None,
                        "unfinished_yank": yank.to_json() if yank is not None else None,
                        "left_unpushed": None})  # "last" carries it: its unpushed
            return 0
        say_wrapped(f"No release in progress; the last session: {last_words(sessions)}."
                    if sessions else "No release in progress.")
        if summary is not None and last is not None and last.state == "completed":
            for line in summary.lines():
                say(line)
            if summary.unpushed:
                them = "it" if summary.unpushed == 1 else "them"
                say(f"  Push {them} with `release-console push --rest` (the TUI's summary: p).")
        from services.workstation import start_one, start_refused

        refused = start_refused(ctx)
        if refused is not None:  # an interrupted import, or the signing workstation
            say_wrapped(refused.reason, style="yellow")
        if yank is not None:  # killed between its halves, in the release's finished session
            say_wrapped(yank.blocker().reason, style="yellow")
            say_wrapped(yank.blocker().remedy, style="bold")
            return 0
        say_wrapped((refused or start_one(ctx)).remedy)
        return 0
    views = engine.views(ctx)
    nxt = engine.next_view(views)
    journal_problem = ctx.journal_problem()
    from services.yank_resume import unfinished_yank

    sessions = ctx.store.sessions()  # read once: an unfinished yank, the last finished release
    # a yank killed between its halves before this release began: it waits for this one
    yank = unfinished_yank(sessions)
    left = None
    if any(s.state == "completed" for s in sessions if s is not ctx.session):
        from services.summary import left_unpushed

        left = left_unpushed(ctx, sessions)  # the last one's reopen commit, still local
    if args.json:
        s = ctx.session
        print_json({
            "schema": JSON_SCHEMA,
            "session": {"version": s.version, "tag": s.tag, "channel": s.channel, "kind": s.kind,
                        "state": s.state, "created_at": s.created_at,
                        "previous_tag": s.previous_tag, "branch": ctx.repo.branch(),
                        "offline": ctx.offline, "security": security_json(ctx)},
            "steps": [v.to_json(ctx) for v in views],
            "next": nxt.id if nxt else None,
            "journal_problem": journal_problem or None,
            "damaged_sessions": [{"tag": tag, "message": err.message, "remedy": err.remedy}
                                 for tag, err in ctx.store.passed_over.items()],
            "unfinished_yank": yank.to_json() if yank is not None else None,
            "left_unpushed": left.to_json() if left is not None else None,
        })
        return 0
    say(headline(ctx), style="bold")
    if journal_problem:
        stopped = "Every step is stopped: "  # continued under its text, as Next: is
        say_wrapped(f"{journal_problem} {ctx.journal_remedy()}", style="red", first=stopped,
                    rest=" " * len(stopped))
    clock = session_clock(ctx.session)
    if clock is not None and clock.level(ctx.clock()) != "ok":
        say_wrapped(f"Security fix {clock.level(ctx.clock())}: {clock.line(ctx.clock())} "
                    f"(deadline {clock.to_json()['deadline']}).",
                    style="red" if clock.level(ctx.clock()) == "overdue" else "yellow")
    width = max((len(view.id) for view in views), default=13) + 1
    named = {view.id: ctx.title(view.step) for view in views}  # as the TUI names them
    titles = max((len(title) for title in named.values()), default=34)
    for view in views:
        say(f" {MARKS.get(view.status, '?')} {view.id:<{width}} {named[view.id]:<{titles}} "
            f"{view.status}")
        if view.status in {S.BLOCKED, S.INTERRUPTED, S.FAILED, S.READY, S.STALE} or view is nxt:
            failed = view.record.reason if view.status == S.FAILED else ""
            if failed:
                say(hanging(failed, "      failed: ", " " * 14), style="red")
            for blocker in view.blockers:  # not the failure again (walked: a stopped pick)
                if failed not in {str(blocker), blocker.reason}:
                    say(hanging(str(blocker), "      - ", " " * 8), style="yellow")
    if journal_problem:
        say(hanging(ctx.journal_remedy(), "Next: ", " " * 6), style="bold")
    else:
        say_next(nxt)
        if nxt is None and ctx.require_session().state == "active":
            from services.completion import STOPPED_AT_THE_END

            say_wrapped(STOPPED_AT_THE_END, style="bold")
    if left is not None:
        say_wrapped(left.line(), style="yellow")
    for err in ctx.store.passed_over.values():  # an old release's file: this one goes on
        say_wrapped(f"{err.message} It is not the release in progress, which goes on. "
                    f"{err.remedy}",
                    style="yellow", first="Also: ", rest=" " * 6)
    if yank is not None:
        say_wrapped(f"{yank.blocker().reason} Once {ctx.require_session().tag} is finished or "
                    "abandoned, `release-console next` finishes the yank.", style="yellow",
                    first="Also: ", rest=" " * 6)
    return 0


def security_json(ctx: Context) -> dict[str, object] | None:
    clock = session_clock(ctx.require_session())
    if clock is None:
        return None
    now = ctx.clock()
    left = clock.left(now)
    return {**clock.to_json(), "level": clock.level(now), "line": clock.line(now),
            "seconds_left": int(left.total_seconds()) if left is not None else None}


def cmd_start(args: argparse.Namespace) -> int:
    ctx = context(args)
    session = start_release(ctx, ReleaseRequest(version=args.version, bump=args.bump,
                                                channel=args.channel, kind=args.kind))
    say_wrapped(f"Started {session.kind} {session.tag} (version {session.version}, channel "
        f"{session.channel}). Next: `release-console status`.")
    from services.bump_note import version_note

    note = version_note(ctx, session.version, ctx.repo.tags(), kind=session.kind)
    if note:  # a different version than the entries call for: said, never refused
        say_wrapped(note, style="yellow", rest=" " * 6)
    kept = session.data.get(ABANDONED_ATTEMPT)
    if kept:
        say_wrapped(f"The abandoned attempt at {session.tag} is kept, as it was, in {kept}/.")
    return 0


def run_one(ctx: Context, step_id: str, *, dry_run: bool) -> int:
    """Check and run one step (or print its plan); --yes is the prompter's (``context``)."""
    step = engine.find_step(ctx, step_id)
    if dry_run:
        blockers = engine.blockers_for(ctx, step)
        plan = step.plan(ctx)
        # a note the "blocked:" lines say again, with what to do: said once, there (smoke's
        # "Note: No smoke sign-off for arm64 yet." stood above the same sentence blocked)
        plan.notes = [n for n in plan.notes if n not in {b.reason for b in blockers}]
        say(plan.render(hanging))
        for blocker in blockers:
            say(hanging(str(blocker), "blocked: ", " " * 9), style="yellow")
        say("(dry run: nothing was changed)")
        return 1 if blockers else 0
    # Never confirmed=yes: an irreversible step goes through the prompter, which --yes made
    # answer yes itself after printing the plan (`push --yes` printed no plan, though its help
    # said it is still printed, so a script's log had no record of what went up).
    with rendering(ctx):  # hashing, uploading, signing: shown for every step, as `draft` does
        evidence = engine.run_step(ctx, step)
    say(f"✔ {ctx.title(step)}: done.")
    for key, value in evidence.items():
        for line in evidence_lines(key, value):
            say(line)
    for line in evidence.get("warnings") or []:  # e.g. old changelog sections left as they were
        warn(f"Warning: {line}")
    # what comes next, as `status` ends: a captain running `next` again knows what it will do
    try:
        following = engine.next_view(engine.views(ctx))
    except ConsoleError:  # the step is done and recorded; `status` says what stops the rest
        return 0
    say_next(following)
    if following is None:
        say_unpushed(ctx)
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    require_passphrase_file(args.passphrase_file, "run")  # read only when a step signs
    ctx = context(args, assume_yes=args.yes)
    ctx.require_session()
    ctx.answers = answers_from(args)
    if args.build:
        from console.commands.build_cli import build_first

        build_first(ctx, args.step, dry_run=args.dry_run)
    return run_one(ctx, args.step, dry_run=args.dry_run)


def cmd_next(args: argparse.Namespace) -> int:
    require_passphrase_file(args.passphrase_file, "run")  # read only when a step signs
    ctx = context(args, assume_yes=args.yes)
    if ctx.session is None and ctx.session_problem is None:
        from services.completion import outcome_line
        from services.session_lifecycle import latest_session
        from services.yank_resume import unfinished_yank

        sessions = ctx.store.sessions()  # read once: an unfinished yank, else the last one
        yank = unfinished_yank(sessions)
        if yank is not None:  # a yank killed between its halves, in a finished session
            return finish_yank(ctx, yank)
        last = latest_session(sessions)
        if last is not None and last.state == "completed":  # e.g. killed after the last step
            say_wrapped(f"Every step is done: {outcome_line(last)}. Nothing to run; start the "
                        "next release with `release-console start`.")
            say_unpushed(ctx)
            return 0
    ctx.require_session()
    problem = ctx.journal_problem()
    if problem:  # said before any step's own blockers: until it is mended, none runs
        raise ConsoleError(f"No step runs: {problem}", remedy=ctx.journal_remedy())
    ctx.answers = answers_from(args)
    nxt = engine.next_view(engine.views(ctx))
    if nxt is None:
        from services.completion import complete_stopped

        said = complete_stopped(ctx)  # the run that did the last step was stopped before this
        say_wrapped(said or "Every step is done.")
        if said:
            say_unpushed(ctx)
        return 0
    if nxt.status == S.BLOCKED:
        raise ConsoleError(f"The next step, '{ctx.title(nxt.step)}' ({nxt.id}), is "
                           "blocked: "
                           f"{nxt.blockers[0]}")
    return run_one(ctx, nxt.id, dry_run=args.dry_run)


def finish_yank(ctx: Context, yank: UnfinishedYank) -> int:
    """Finish an interrupted yank as the same `yank` command would: checked against GitHub and
    the CHANGELOG first, confirmed (unless --yes), and each half done once."""
    from services.yank import yank_release

    def tell(line: str, warning: bool) -> None:
        (warn if warning else say)(line)

    say_wrapped(f"Finishing the interrupted yank of {yank.tag} ({yank.parts}).")
    return yank_release(ctx, yank.request, tell).exit_code
