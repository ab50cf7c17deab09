"""``release-console hotfix``: start a hotfix from a shipped tag, continue or abort its picks.

    release-console hotfix 1.3.1 --pick abc123 [--pick def456] [--severity critical] [--since T]
                                               # shows the plan and asks (--yes: without asking)
    release-console hotfix 1.3.1 --list        # the commits that may be picked, newest first
    release-console hotfix --continue          # after resolving a conflicting pick
    release-console hotfix --abort             # give up the picks (as `git cherry-pick --abort`)
"""

from __future__ import annotations

import argparse

from console.commands.common import YES_HELP, add_parser, context
from console.json_envelope import json_flag
from console.output import print_json, say
from services.errors import ConsoleError, UsageError
from services.evidence import HotfixBranchEvidence
from services.hotfix.clock import SEVERITIES
from services.step_protocol import Context, Plan
from services.wording import counted


def register(sub: argparse._SubParsersAction) -> None:
    p = add_parser(sub, "hotfix", "start a hotfix from a shipped tag (branch, pick, ship, merge back)",
                   "Branch hotfix/vX.Y.Z from the tag of X.Y.(Z-1), cherry-pick the given commits "
                   "from the default branch with -x, add their ### Fixed entries to [Unreleased], "
                   "and start the hotfix session. --severity starts the security-fix clock.")
    p.add_argument("version", nargs="?", default="", metavar="VERSION", help="the hotfix version, e.g. 1.3.1")
    p.add_argument("--pick", action="append", default=[], metavar="SHA",
                   help="a commit on the default branch to cherry-pick (repeat, in order)")
    p.add_argument("--severity", choices=SEVERITIES, default="",
                   help="start the security-fix clock ([security] sla_hours sets the deadline)")
    p.add_argument("--since", default="", metavar="TIME",
                   help="when the report came in (ISO 8601, default: now)")
    p.add_argument("--list", action="store_true",
                   help="list the commits that may be picked, newest first; change nothing")
    p.add_argument("--continue", dest="continue_", action="store_true",
                   help="continue after resolving a conflicting pick")
    p.add_argument("--abort", action="store_true",
                   help="abort the picks; the branch goes back to before them")
    p.add_argument("--yes", action="store_true", help=YES_HELP)
    json_flag(p)
    p.set_defaults(handler=cmd_hotfix)


def cmd_hotfix(args: argparse.Namespace) -> int:
    if args.continue_ and args.abort:
        raise UsageError("Give --continue or --abort, not both.")
    if args.continue_ or args.abort:
        if args.pick or args.severity or args.since or args.list or args.yes:
            raise UsageError("--continue and --abort take no other options.")
        return cmd_continue(args) if args.continue_ else cmd_abort(args)
    if not args.version:
        raise UsageError("Say which hotfix version to make, e.g. `release-console hotfix 1.3.1 "
                         "--pick SHA`.")
    if args.since and not args.severity:
        raise UsageError("--since says when the security clock started; give --severity too.")
    if args.list:
        return cmd_list(args)
    return cmd_start(args)


def cmd_list(args: argparse.Namespace) -> int:
    from services import versions
    from services.hotfix.bookkeeping import left_out_sentence
    from services.hotfix.picks import listing, shipped_sentence
    from services.hotfix.plan import base_tag_for

    ctx = context(args)
    version = str(versions.parse_version(args.version))
    base = base_tag_for(ctx.policy, version, ctx.repo.tags())
    found, own, shipped = listing(ctx.repo, base, ctx.policy.project.default_branch,
                                  tag_format=ctx.policy.tag_format)
    if args.json:
        print_json({"base_tag": base, "commits": [
            {"sha": c.sha, "subject": c.subject, "author": c.author, "date": c.date,
             "files": c.files} for c in found],
            "left_out": [{"sha": c.sha, "subject": c.subject} for c in own],
            "already_picked": [{"sha": s.commit.sha, "subject": s.commit.subject,
                                "picked_as": s.picked_as} for s in shipped]})
        return 0
    if not found:
        say(f"No commits to pick on {ctx.policy.project.default_branch} since {base}.")
    for c in found:
        say(f"{c.short}  {c.date}  {c.author:<18} {c.subject}")
        say(f"              {', '.join(c.files[:6])}{' …' if len(c.files) > 6 else ''}")
    if own:
        say(left_out_sentence([c.subject for c in own]))
    if shipped:
        say(shipped_sentence(base, shipped))
    return 0


def cmd_start(args: argparse.Namespace) -> int:
    from services import engine
    from services.hotfix.plan import hotfix_data
    from services.hotfix.start import HotfixRequest, start_hotfix
    from services.step_status import FINISHED

    ctx = context(args, assume_yes=args.yes)

    def ask(question: str, plan: Plan) -> bool:
        """The plan and a y/N, as the TUI's picker asks (refused without a terminal or with
        --json, unless --yes): the branch, the picks and the CHANGELOG commit are commits."""
        if args.json and not args.yes:
            raise UsageError("hotfix --json cannot ask before making the branch; add --yes "
                             "(`hotfix VERSION --pick SHA` without --json shows the plan).")
        if args.json:
            return True
        return ctx.prompter.confirm(question, plan)

    session, resumed = start_hotfix(ctx, HotfixRequest(
        version=args.version, picks=list(args.pick), severity=args.severity, since=args.since),
        ask=ask)
    step = engine.find_step(ctx, "hotfix-branch")
    record = session.steps.get("hotfix-branch")
    data = hotfix_data(session, ctx.policy)
    unpicked = (record is None or record.status not in FINISHED) and not data.picks \
        and not ctx.repo.branch_exists(data.branch)
    if not args.json:
        # walked: "on branch hotfix/v1.3.1" with nothing picked, and no such branch made
        where = (f"; its branch {session.branch} is made when the fixes are picked" if unpicked
                 else f" on branch {session.branch}")
        say(f"{'Resuming' if resumed else 'Started'} hotfix {session.tag} from "
            f"{session.previous_tag}{where}.")
    if record is None or record.status not in FINISHED:
        if unpicked:
            say(f"Pick the fix: `release-console hotfix {session.version} --list`, then "
                f"`release-console hotfix {session.version} --pick SHA`.")
            return 0
        recorded = engine.run_step(ctx, step, confirmed=True)  # asked by start_hotfix
    else:
        recorded = record.evidence
    return report(ctx, HotfixBranchEvidence.from_json(recorded), json_output=args.json)


def report(ctx: Context, evidence: HotfixBranchEvidence, *, json_output: bool) -> int:
    from services.headline import headline
    from services.hotfix.clock import session_clock

    session = ctx.require_session()
    clock = session_clock(session)
    if json_output:
        print_json({"tag": session.tag, "version": session.version,
                    "branch": evidence.branch, "base_tag": evidence.base_tag,
                    "picks": list(evidence.picks), "entries": list(evidence.entries),
                    "changelog_conflicts_resolved": None
                    if evidence.changelog_conflicts_resolved is None
                    else list(evidence.changelog_conflicts_resolved),
                    "commit": evidence.commit,
                    "security": {**clock.to_json(), "line": clock.line(ctx.clock())}
                    if clock else None})
        return 0
    picks = evidence.picks
    say(f"✔ {evidence.branch}: {counted(len(picks), 'commit')} picked from "
        f"{ctx.policy.project.default_branch} with -x: "
        + ", ".join(p[:12] for p in picks) + ".")
    if evidence.entries:
        say(f"  {ctx.policy.changelog} [Unreleased] ### Fixed: " + "; ".join(evidence.entries)
            + " (edit them as you like before the changelog step).")
    resolved = evidence.changelog_conflicts_resolved or ()
    if resolved:
        say(f"  {ctx.policy.changelog} conflicted in {counted(len(resolved), 'pick')}: "
            + ", ".join(p[:12] for p in resolved) + f"; kept {evidence.branch}'s "
            "file and added each pick's own entries to [Unreleased].")
    say(headline(ctx), style="bold")
    say("Next: `release-console status`, then `release-console next`.")
    return 0


def _hotfix_ctx(args: argparse.Namespace) -> Context:
    ctx = context(args)
    if ctx.session is None and ctx.session_problem is None:  # not "start one": nothing stopped
        raise ConsoleError("No hotfix is in progress, so there are no picks to continue or "
                           "abort.", remedy="A hotfix starts with `release-console hotfix "
                           "VERSION --pick SHA`; its picks stop only on a conflict.")
    session = ctx.require_session()
    if session.kind != "hotfix":
        raise ConsoleError(f"The release in progress, {session.tag}, is not a hotfix; there are "
                           "no picks to continue or abort.")
    return ctx


def cmd_continue(args: argparse.Namespace) -> int:
    from services.hotfix.stopped import continue_picks

    ctx = _hotfix_ctx(args)
    return report(ctx, HotfixBranchEvidence.from_json(continue_picks(ctx)),
                  json_output=args.json)


def cmd_abort(args: argparse.Namespace) -> int:
    from services.hotfix.plan import hotfix_data
    from services.hotfix.stopped import abort_picks

    ctx = _hotfix_ctx(args)
    head = abort_picks(ctx)
    session = ctx.require_session()
    data = hotfix_data(session, ctx.policy)
    say(f"Aborted the picks; {data.branch} is back at {head[:12]} as before them.")
    say(f"Pick again with `release-console hotfix {session.version} --pick SHA ...`, or give up "
        f"with `release-console abandon {session.tag} --reason \"...\"`.")
    return 0
