"""The captain's choices on a release: skip, redo, abandon, and the manual checklist.

Kept apart from ``session.py`` (status, start, run, next): each is recorded in the journal with
its reason, and none runs a step.
"""

from __future__ import annotations

import argparse

from console.commands.common import add_parser, context, reason_option, step_argument
from console.json_envelope import json_flag
from console.output import print_json, say, say_wrapped
from services import checklist, engine
from services.errors import ConsoleError
from services.session_lifecycle import abandon_release


def register(sub: argparse._SubParsersAction) -> None:
    p = add_parser(sub, "skip", "skip a step that does not apply, with a reason",
                   "Mark STEP of the release in progress skipped, with the reason in the journal. "
                   "Only a step that may not apply can be skipped (a hotfix's hotfix-branch and "
                   "merge-back); the others are refused.")
    step_argument(p)
    reason_option(p)
    p.set_defaults(handler=cmd_skip)

    p = add_parser(sub, "redo", "reopen a finished step (and the later ones) to run it again",
                   "When something a finished step relied on has changed (a rebuilt artifact, a "
                   "failed re-test), reopen it and every later step. Refused once a tag is made "
                   "or anything irreversible is done.")
    step_argument(p)
    reason_option(p, "what changed")
    p.add_argument("--bundle-lost", action="store_true", help="reopen a hand-off whose bundle "
                   "the other workstation never imported (a damaged or lost copy)")
    p.set_defaults(handler=cmd_redo)

    p = add_parser(sub, "abandon", "abandon the release in progress (its record is kept)",
                   "End the release in progress without finishing it. TAG names it (v1.4.0), so "
                   "a slip cannot end another. Its session and journal stay in .release/; what "
                   "it leaves behind is listed: commits never pushed (with the `git reset "
                   "--keep` that drops them) and, air-gapped, a bundle at the other workstation.")
    p.add_argument("tag", metavar="TAG", help="the tag of the release in progress, as `status` shows it")
    reason_option(p)
    json_flag(p, "one JSON document: the tag, where its record stays and what is left behind "
              "(docs/cli.md)")
    p.set_defaults(handler=cmd_abandon)

    p = add_parser(sub, "checklist", "show or tick the policy's manual checklist items",
                   "The items release.toml's [checklist] lists for the release in progress: "
                   "show them, or tick one when it is true (journaled with who and when). "
                   "Pre-flight waits for every preflight item.")
    p.add_argument("action", choices=("show", "tick"), help="show the items, or tick one")
    p.add_argument("list", nargs="?", default="preflight", metavar="LIST",
                   help=f"which checklist: {' or '.join(checklist.LISTS)} (default: preflight; "
                   "`checklist tick 1` ticks preflight item 1)")
    p.add_argument("item", nargs="?", default="", metavar="ITEM",
                   help="its number, its exact text, or 'all'")
    p.set_defaults(handler=cmd_checklist)


def cmd_skip(args: argparse.Namespace) -> int:
    ctx = context(args)
    step = engine.find_step(ctx, args.step)
    engine.skip_step(ctx, step, args.reason)
    say_wrapped(f"↷ {ctx.title(step)}: skipped ({args.reason.strip()}).")
    return 0


def cmd_redo(args: argparse.Namespace) -> int:
    ctx = context(args)
    step = engine.find_step(ctx, args.step)
    reopened = engine.redo_step(ctx, step, args.reason, bundle_lost=args.bundle_lost)
    say_wrapped(f"↺ Reopened: {', '.join(reopened)}. Next: `release-console next` (it runs "
                f"{reopened[0]} or says what it waits for).")
    return 0


def cmd_abandon(args: argparse.Namespace) -> int:
    ctx = context(args)
    left = abandon_release(ctx, args.tag, args.reason)
    kept = ctx.store.directory(args.tag).relative_to(ctx.root)  # "+" in a tag is quoted there
    if args.json:  # what a script needs to act on: the commands are the ones printed
        bundle = ({"fingerprint": left.bundle_fingerprint, "written": left.bundle_written,
                   "folder": left.bundle_folder, "file": left.bundle_file}
                  if left.bundle_fingerprint else None)
        print_json({"schema": 1, "tag": args.tag, "record": f"{kept}/", "reason": args.reason,
                    "left_behind": {**left.to_json(), "branch": left.branch, "bundle": bundle}})
        return 0
    say_wrapped(f"Abandoned the release session for {args.tag}; its record stays in {kept}/.")
    if not left.empty:  # abandoning undoes none of it: say what stays and what to do with it
        say("Left behind (abandoning does not undo these):", style="yellow")
        for line in left.lines():
            say(line)
    return 0


def list_and_item(args: argparse.Namespace) -> None:
    """``checklist tick 1``: with the list left out, argparse fills LIST first, so the item
    arrived as the list and was refused as "invalid choice: '1'", the help's default unusable."""
    if args.list not in checklist.LISTS and not args.item:
        args.list, args.item = "preflight", args.list


def cmd_checklist(args: argparse.Namespace) -> int:
    list_and_item(args)
    ctx = context(args)
    session = ctx.require_session()
    if args.action == "tick":
        if not args.item:
            raise ConsoleError("Say which item to tick: its number, its text, or 'all'.")
        new = checklist.tick(ctx.policy, session, ctx.record, args.list, args.item,
                             actor=ctx.actor, now=ctx.now_iso())
        if new:
            say_wrapped("; ".join(new), first="Ticked: ", rest=" " * 8)
        else:
            say("Already ticked.")
        return 0
    done = checklist.ticked(session, args.list)
    items = checklist.items(ctx.policy, args.list)
    if not items:
        say(f"The policy has no {args.list} checklist.")
    for number, item in enumerate(items, 1):
        mark = "✔" if item in done else " "
        by = f"  ({done[item]['by']}, {done[item]['at']})" if item in done else ""
        first = f" [{mark}] {number}. "  # a long item continued under its text
        say_wrapped(f"{item}{by}", first=first, rest=" " * len(first))
    return 0
