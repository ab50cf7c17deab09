"""``release-console journal show|verify``: the audit trail of a release session."""

from __future__ import annotations

import argparse
import json
from typing import Any

from console.commands.common import YES_HELP, add_parser, context
from console.json_envelope import json_flag
from console.output import hanging, say, say_wrapped, warn
from services import build_record
from services.errors import ConsoleError
from services.journal import Journal
from services.session import Session
from services.step_protocol import Context
from services.wording import counted, mid_sentence

DETAIL = " " * 7  # under the entry's time, past its number


def register(sub: argparse._SubParsersAction) -> None:
    p = add_parser(sub, "journal", "show, verify or repair the release's audit journal",
                   "show: the entries of the journal. verify: check the hash chain and the count "
                   "recorded in the session; exits 1 naming the first bad line. repair: write the "
                   "entries a killed command left waiting in the session, or move a last entry "
                   "that a crash cut off (and only that) to a file beside the journal and record "
                   "that, so the release goes on.")
    p.add_argument("action", choices=("show", "verify", "repair"), help="what to do")
    p.add_argument("--tag", default="", help="another release's session, by its tag (default: "
                   "the one in progress)")
    p.add_argument("--yes", action="store_true", help=f"repair: {YES_HELP}")
    json_flag(p, "show: one JSON entry a line; verify, repair: one JSON document (docs/cli.md)")
    p.set_defaults(handler=cmd_journal)


def pick_session(ctx: Context, tag: str, action: str = "show") -> Session:
    """The session ``--tag`` names, else the one in progress, else the only one. Refused with
    the command to type (walked: `journal verify --tag v9` said to start a release, and with no
    release in progress it listed the sessions without the command that takes one)."""
    if tag and ctx.store.exists(tag):
        return ctx.store.load(tag)
    if not tag and ctx.session is not None:
        return ctx.session
    tags = list(ctx.store.tags())
    if not tags:
        from services.workstation import no_release_yet

        raise ConsoleError("There is no release session in this repository.",
                           remedy=no_release_yet(ctx).remedy)
    if not tag and len(tags) == 1:
        return ctx.store.load(tags[0])
    from services.session_lifecycle import latest_session

    example = (latest_session(ctx.store) or ctx.store.load(tags[-1])).tag
    typed = {"show": f"`release-console journal show --tag {example}`",
             "verify": f"`release-console journal verify --tag {example}`",
             "repair": f"`release-console journal repair --tag {example}`"}[action]
    remedy = f"Name one with --tag, e.g. {typed} (sessions here: {', '.join(tags)})."
    if tag:
        raise ConsoleError(f"There is no release session for {tag} in this repository.",
                           remedy=remedy)
    raise ConsoleError("No release is in progress, so `journal` needs to know which session.",
                       remedy=remedy)


def as_dict(value: object) -> dict[str, object]:
    """An entry's inputs/outputs; a tampered, non-table value shows as itself (verify names it)."""
    return value if isinstance(value, dict) else {"value": value} if value else {}


def cmd_journal(args: argparse.Namespace) -> int:
    ctx = context(args, assume_yes=args.yes)
    session = pick_session(ctx, args.tag, args.action)
    journal = Journal(ctx.store.directory(session.tag) / "journal.jsonl")
    if args.action == "repair":
        return repair(ctx, session, journal)
    if args.action == "verify":
        problems = journal.verify(expected_head=session.journal_head,
                                  expected_count=session.journal_count)
        if problems:
            first = problems[0]
            where = f"line {first.line}" if first.line else "the file"
            raise ConsoleError(f"{journal.path} is not intact at {where}: {first.message}.",
                               remedy=ctx.journal_remedy(session))
        from services.journal_audit import edited_session

        edited = edited_session(ctx.store, session)
        if edited:
            raise ConsoleError(edited.problem, remedy=edited.remedy)
        count, head = journal.tip()  # what the file holds: it may be ahead of the session
        say_wrapped(f"{journal.path}: {counted(count, 'entry', 'entries')}, chain intact, head "
                    f"{head[:16]}….")
        if session.journal_pending:
            say_wrapped(waiting(ctx, session), style="yellow")
        elif count > session.journal_count:
            from services.bundle.crossing import import_stopped

            stopped = import_stopped(journal.path, session)
            say_wrapped(f"The session records the first {session.journal_count}; " + (
                f"the later ones: {mid_sentence(stopped.reason)} "
                f"{stopped.remedy}" if stopped else "the later ones were written by a step "
                "stopped before its record: run it again (or `release-console next`) to finish "
                "it."), style="yellow")
        return 0
    problem = ctx.journal_problem(session)
    if problem:  # shown, with what is readable, but said first: this record cannot be trusted
        warn(f"Warning: {problem} {ctx.journal_remedy(session)}")
    for entry in journal.entries():
        if args.json:
            say(json.dumps(entry, ensure_ascii=False, sort_keys=True))
            continue
        say(shown_entry(entry))
    if session.journal_pending and not args.json:
        say_wrapped(waiting(ctx, session), style="yellow")
    return 0


def shown_entry(entry: dict[str, Any]) -> str:
    """An entry as a line of columns (seq, time, step, what happened) and, under it, who did it
    and what it recorded, wrapped: on one line each entry ran to 94 columns and the recorded
    values to 500, which an 80-column terminal cut mid-word."""
    detail = {**as_dict(entry.get("inputs")), **as_dict(entry.get("outputs"))}
    extra = ", ".join(f"{k}={v}" for k, v in detail.items() if not isinstance(v, dict | list))
    head = f"{entry.get('seq'):>4} {entry.get('time')} {entry.get('step'):<14} {entry.get('action')}"
    said = f"by {entry.get('actor')}" + (f"; {extra}" if extra else "")
    lines = [head, hanging(said, DETAIL, DETAIL)]
    if entry.get("action") in build_record.ACTIONS:
        lines += [hanging(text, indent, indent + "  ") for indent, text in build_lines(detail)]
    return "\n".join(lines)


def build_lines(detail: dict[str, object]) -> list[tuple[str, str]]:
    """What a build's entry lists (services/build_record.py), a line each, as ``key=value``
    cannot say it: each artifact it left with its size and sha256 (a digest alone fills a
    row at 80 columns, so it goes under its file), or a failed build's last lines; each with
    its indent."""
    from services.artifacts import human_size

    lines = []
    made, tail = detail.get("artifacts"), detail.get("last_lines")
    for item in made if isinstance(made, list) else ():
        if not isinstance(item, dict):
            continue
        arch = f" ({item['arch']})" if item.get("arch") else ""
        size = item.get("size")
        state = f"{human_size(size)}, sha256 {item['sha256']}" if isinstance(size, int) and \
            item.get("sha256") else str(item.get("problem", "?"))
        lines.append((DETAIL, f"{item.get('path', item.get('name'))}{arch}: {state}"))
    if isinstance(tail, list) and tail:
        lines.append((DETAIL, "its last lines:"))
        lines += [(DETAIL + "  ", str(line)) for line in tail]
    return lines


def waiting(ctx: Context, session: Session) -> str:
    """The entries a killed command left in the session (services/recorder.py), and who writes
    them; those the journal has already (killed after the append) are said to be there."""
    there = ctx.recorder(session).written_already(session)
    names = ", ".join(f"{e.get('step')} {e.get('action')!r}" for e in session.journal_pending)
    one = len(session.journal_pending) == 1
    if all(there):
        held = (f"The journal has {'an entry' if one else 'entries'} the session has not taken "
                f"note of yet ({names}): ")
        does = "does"
    else:
        held = (f"The session holds {'an entry' if one else 'entries'} a stopped command had not "
                f"finished writing ({names}): ")
        does = f"writes {'it' if one else 'them'}"
    if session.state != "active":  # nothing records in a closed session any more
        return held + f"`release-console journal repair --tag {session.tag}` {does}."
    return held + (f"the next command that records {does} (`release-console next`), or "
                   "`release-console journal repair` now.")


def repair(ctx: Context, session: Session, journal: Journal) -> int:
    """Write the entries waiting in the session; or show what ``set_aside`` will move and where,
    ask, then do it."""
    from services.journal_repair import repair_plan, require_cut_tail, set_aside

    if not journal.verify(expected_head=session.journal_head,
                          expected_count=session.journal_count):
        if session.journal_pending:  # what the captain did: written without asking
            recorder = ctx.recorder(session)
            count = recorder.written_already(session).count(False)
            recorder.settle_now()
            said = "the entry" if count == 1 else f"the {count} entries"
            say_wrapped(f"✔ Wrote {said} the session held waiting into {journal.path}."
                        if count else
                        f"✔ The session now records the entries {journal.path} already had.")
            return 0
        say_wrapped(f"{journal.path} is intact; there is nothing to repair.")
        return 0
    tail = require_cut_tail(journal, session)  # any other damage: refused before asking
    plan = repair_plan(tail)
    if not ctx.prompter.confirm("Set the cut-off entry aside?", plan):
        say("Nothing was changed.")
        return 1
    set_aside(ctx.recorder(session))
    say_wrapped(f"✔ Set aside in {tail.kept_in}; the journal verifies again. Next: "
                "`release-console next`.")
    return 0
