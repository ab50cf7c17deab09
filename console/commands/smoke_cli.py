"""``smoke sign`` and ``smoke show``: a hardware sign-off recorded and shown (moved out of
signing.py, at its size limit; its parsers stay there with the other signing commands)."""

from __future__ import annotations

import argparse

from console.commands.common import context
from console.output import print_json, say, say_wrapped, warn
from console.progress import rendering
from services.errors import UsageError


def cmd_smoke_sign(args: argparse.Namespace) -> int:
    from services import smoke
    from services.workstation import require_bundle_here

    ctx = context(args)
    session = ctx.require_session()
    require_bundle_here(ctx, "smoke sign-off")
    if not args.marks:
        raise UsageError("Give the results: --pass CHECK... (or --pass all) and --fail CHECK "
                         "--note TEXT for any that failed.")
    marks = [smoke.Mark(result, check, note) for result, check, note in args.marks]
    with rendering(ctx):
        entry = smoke.sign_off(ctx.policy, ctx.repo, session, ctx.record, arch=args.arch,
                               hardware=args.hardware, marks=marks, tester=args.tester,
                               now=ctx.now_iso(), progress=ctx.progress)
    failed = [c for c, r in entry["checks"].items() if r["result"] == "fail"]
    say_wrapped(f"Recorded the {args.arch} sign-off by {entry['tester']} on "
                f"{entry['hardware']}.")
    for name, info in entry["files"].items():
        say(f"  {name}  sha256 {info['sha256']}")
    if failed:
        warn(f"{args.arch} FAILED: {', '.join(failed)}. This blocks the release until a new build "
             "passes.")
    return 0


def cmd_smoke_show(args: argparse.Namespace) -> int:
    from services import smoke

    ctx = context(args)
    finished = smoke.last_signed_off(ctx.store.sessions()) \
        if ctx.session is None and ctx.session_problem is None else None
    session = finished or ctx.require_session()
    found = smoke.statuses(ctx.policy, ctx.root, session, progress=ctx.progress,
                           files=finished is None)
    if args.json:
        print_json({"schema": 1, "tag": session.tag, "finished": finished is not None,
                    "architectures": [{"arch": s.arch, "state": s.state, "detail": s.detail,
                                       "signoff": s.signoff} for s in found]})
        return 0
    if finished is not None:
        say_wrapped(f"No release in progress. The smoke sign-offs of the last finished release, "
                    f"{finished.tag}:")
    if not found:
        say("The policy lists no architectures to smoke-test.")
    marks = {"ok": "✔", "missing": "·", "failed": "✘", "void": "⚠"}
    for status in found:
        # the detail names its architecture ("noarch signed off by …", "No smoke sign-off for
        # amd64 yet."): "✔ noarch: noarch signed off by …" said it twice. As the smoke screen
        # says it: the mark, then the sentence, continued under its text.
        first = f"{marks[status.state]} "
        say_wrapped(status.detail, None if status.state == "ok" else "yellow", first=first,
                    rest=" " * len(first))
        for check, result in (status.signoff or {}).get("checks", {}).items():
            note = f" — {result['note']}" if result.get("note") else ""
            say_wrapped(f"{result['result']}{note}", rest="        ",
                        first=f"    [{'x' if result['result'] == 'pass' else '!'}] {check}: ")
    return 0
