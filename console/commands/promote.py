"""``release-console promote vX.Y.Z-rc.N``: start the stable release on the candidate's commit."""

from __future__ import annotations

import argparse

from console.commands.common import add_parser, context
from console.json_envelope import json_flag
from console.output import print_json, say


def register(sub: argparse._SubParsersAction) -> None:
    p = add_parser(sub, "promote", "promote a published release candidate to the stable release",
                   "Start the stable X.Y.Z on exactly the commit of RC_TAG (vX.Y.Z-rc.N): the "
                   "newest rc of X.Y.Z, published on GitHub and not yanked, its commit on the "
                   "default branch. Then `release-console next` walks the promote runbook.")
    p.add_argument("rc_tag", metavar="RC_TAG", help="the release candidate's tag")
    json_flag(p)
    p.set_defaults(handler=cmd_promote)


def cmd_promote(args: argparse.Namespace) -> int:
    from services.promote import recorded, start_promotion

    ctx = context(args)
    session = start_promotion(ctx, args.rc_tag)
    data = recorded(ctx.require_session())
    if args.json:
        print_json({"tag": session.tag, "version": session.version, "kind": session.kind,
                    "channel": session.channel, "rc_tag": data.get("rc_tag", ""),
                    "commit": data.get("commit", "")})
        return 0
    say(f"Started promote {session.tag} from {data.get('rc_tag')} (commit "
        f"{data.get('commit', '')[:12]}). Next: `release-console next`.")
    return 0
