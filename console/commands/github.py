"""GitHub commands: push, draft, review, publish, yank, and github login|logout|status.

``push``/``draft``/``publish`` run the runbook steps of the same name through the engine (so the
session and journal record them); irreversible ones show the plan and ask unless ``--yes``.
``yank`` does the CHANGELOG note and the GitHub half together, after one confirmation (the
work is in ``services.yank``, which the TUI wizard calls too).
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from console.commands.common import YES_HELP, add_parser, context, yank_options
from console.json_envelope import json_flag
from console.output import hanging, print_json, say, say_wrapped, warn
from services.step_protocol import Context
from services.step_status import StepStatus as S

if TYPE_CHECKING:
    from services.yank import PreparedYank

TOKEN = "a GitHub token (GITHUB_TOKEN, or `release-console github login`)"  # what --help says


def register(sub: argparse._SubParsersAction) -> None:
    for name, help_text, irreversible, description in (
        ("push", "push the release commit and the signed tag to the remote", True,
         "Run the release's push step: the release commit to its branch and the signed tag to "
         "the policy's remote (a promotion: only the tag, its commit is on the branch already), "
         "after listing each commit going up and asking (no terminal: --yes). Needs the tag step "
         "done. --rest: after a finished release, push what it left."),
        ("draft", "create or reuse the GitHub draft and upload every asset (resumable)", False,
         "Run the release's draft step: create the GitHub draft release for the pushed tag (or "
         "reuse it) and upload every asset; a run cut off mid-upload is picked up by running "
         f"it again. Needs the push done and {TOKEN}."),
        ("publish", "publish the reviewed draft (stable: latest; rc: pre-release)", True,
         "Run the release's publish step: make the reviewed draft public (stable: latest; rc: "
         "pre-release), after showing what changes and asking (no terminal: --yes); it cannot "
         f"be undone. Needs the review done and {TOKEN}."),
    ):
        p = add_parser(sub, name, help_text, description)
        p.add_argument("--dry-run", action="store_true", help="print the plan; change nothing")
        if irreversible:
            p.add_argument("--yes", action="store_true", help=YES_HELP)
        if name == "push":
            p.add_argument("--rest", action="store_true",
                           help="after a finished release: push the commits left (the reopen "
                           "commit), journaled in that release, as the TUI summary's p does")
        p.set_defaults(handler=cmd_step, step_id=name)

    p = add_parser(sub, "review", "compare the GitHub draft with the local files and notes",
                   "Compare the draft's title, tag, target commit, body and every asset's size "
                   "and digest with the local files and notes, and record the result as the "
                   "review step (once the draft step is done; after publishing it only reports). "
                   "Exit 1 when anything would block publishing. Needs the "
                   f"draft made and {TOKEN}.")
    json_flag(p)
    p.set_defaults(handler=cmd_review)

    p = add_parser(sub, "yank", "withdraw a published release (GitHub and CHANGELOG), deleting "
                   "nothing",
                   "Withdraw a published release: CHANGELOG.md gets its YANKED mark and note (a "
                   "commit; `push --rest` pushes it) and on GitHub it becomes a pre-release, not "
                   "latest, under a banner with the reason and the replacement. The tag and every "
                   "asset stay. Shows both changes and asks (no terminal: --yes). Needs the "
                   f"release published and {TOKEN}.")
    p.add_argument("version", metavar="VERSION", help="the version to yank, e.g. 1.2.0")
    yank_options(p)
    p.add_argument("--dry-run", action="store_true",
                   help="check and show both changes (GitHub and CHANGELOG); change nothing")
    json_flag(p, "one JSON document on stdout (docs/cli.md); it needs --dry-run (the plan) "
              "or --yes (to yank)")
    p.add_argument("--yes", action="store_true", help=YES_HELP)
    p.set_defaults(handler=cmd_yank)

    p = add_parser(sub, "github", "GitHub credentials: login, logout, status",
                   "login stores a GitHub token in the system keyring (asked with a hidden "
                   "prompt, or read from standard input with --with-token); logout removes it; "
                   "status says where the token comes from and whether the repository is "
                   "reachable with it. GITHUB_TOKEN, when set, wins over the keyring.")
    p.add_argument("action", choices=("login", "logout", "status"), help="what to do")
    p.add_argument("--with-token", action="store_true",
                   help="login: read the token from standard input instead of a hidden prompt")
    p.set_defaults(handler=cmd_github)


def cmd_step(args: argparse.Namespace) -> int:
    """Run the step through the engine: offline, no token or an unreachable GitHub come back
    from it as environment problems (exit 3), a blocked or failed release as exit 1."""
    from console.commands.session import run_one

    yes = bool(getattr(args, "yes", False))
    ctx = context(args, assume_yes=yes)
    if getattr(args, "rest", False):
        return push_rest(ctx, dry_run=args.dry_run)
    ctx.require_session()
    return run_one(ctx, args.step_id, dry_run=args.dry_run)


def push_rest(ctx: Context, *, dry_run: bool) -> int:
    """The commits a finished release leaves (the reopen commit), asked and pushed like every
    push, through the service the TUI's summary uses."""
    from services.errors import UsageError
    from services.step_protocol import Plan
    from services.summary import last_finished, push_plan_lines, unpushed
    from services.summary import push_rest as push_the_rest

    sessions = ctx.store.sessions()
    # the last finished release's leftovers, also once the next release has started (the TUI's
    # summary pushes them then too): never the commits of the release in progress
    session = last_finished(sessions)
    if (session is None or session.state != "completed") and ctx.session is not None:
        raise UsageError(f"{ctx.session.tag} is in progress: `release-console push` pushes its "
                         "commit and tag; `push --rest` is for what a finished release leaves.")
    if session is None or session.state != "completed":
        raise UsageError("No release has finished here, so `push --rest` has nothing to push "
                         "(it pushes the commits a finished release leaves, the reopen commit).")
    left = unpushed(ctx, session, sessions)
    if not left:
        say_wrapped(f"Nothing left to push after {session.tag}: {ctx.policy.project.remote} has "
                    "every commit.")
        return 0
    command, lines = push_plan_lines(ctx, session)
    plan = Plan(summary="\n".join(lines), commands=[command])
    if dry_run:
        say(plan.render(hanging))
        return 0
    if not ctx.prompter.confirm("Push the commits left after the release?", plan):
        say("Not pushed.")
        return 1
    head = push_the_rest(ctx, session)
    say(f"✔ Pushed {head[:12]} to {ctx.policy.project.remote}.")
    return 0


def cmd_review(args: argparse.Namespace) -> int:
    """Review the draft and record it where the runbook allows; after publish, only report.
    Refused with --json, ``cli.main`` prints the error document (docs/github.md)."""
    from console.progress import rendering
    from services import engine, workstation
    from services.github import wiring
    from services.steps import registry
    from services.steps.review import record_review

    ctx = context(args)
    session = ctx.require_session()
    if workstation.done_on_online_machine(ctx, registry()["review"]):  # as `run review` says it
        waiting = next((v for v in engine.views(ctx) if v.id == "review"), None)
        if waiting is not None and waiting.blockers:
            engine.refuse(waiting.step, session, waiting.blockers, ctx.title(waiting.step))
    with rendering(ctx):  # files the checksums step does not vouch for are hashed again
        review = wiring.review_now(ctx, wiring.client_for(ctx))
        published = wiring.is_published(ctx)
        recorded = False
        if not published:
            step = engine.find_step(ctx, "review")
            view = next(v for v in engine.views(ctx) if v.id == "review")
            if view.status in (S.DONE, S.FAILED) or (view.status == S.READY and not review.clean):
                record_review(ctx, review)
                recorded = True
            elif view.status == S.READY:
                engine.run_step(ctx, step)
                recorded = True
    if args.json:
        print_json({"schema": 1, **review.to_json(), "recorded": recorded})
    else:
        say(review.table())
        if review.body_diff:
            say("\nBody vs the notes file:")
            say(review.body_diff)
        if published:
            say("\nThe release is published: this review only reports; nothing was recorded.")
        elif not review.clean:  # wrapped as status's Next: is
            say()
            say(hanging(wiring.remedy(review), "Next: ", " " * 6))
    return 0 if review.clean else 1


def cmd_yank(args: argparse.Namespace) -> int:
    """Yank VERSION (services.yank): GitHub is checked first, so a refused yank changes
    nothing anywhere; the plan is shown and confirmed before anything is done."""
    from services.errors import UsageError
    from services.yank import YankRequest, carry_out, prepare_yank, yank_release

    def tell(line: str, warning: bool) -> None:
        (warn if warning else say_wrapped)(line)

    if args.json and not (args.yes or args.dry_run):
        raise UsageError("yank --json cannot ask for confirmation; add --dry-run to see the "
                         "plan, or --yes to yank.")
    ctx = context(args, assume_yes=args.yes)
    request = YankRequest(args.version, args.reason, args.replacement,
                          allow_older=args.allow_older)
    if not (args.json or args.dry_run):
        return yank_release(ctx, request, tell).exit_code
    prepared = prepare_yank(ctx, request)
    doc = yank_document(prepared)
    if args.dry_run:
        if args.json:
            print_json(doc)
        else:
            say(prepared.plan.render(hanging))
        return 0
    outcome = carry_out(ctx, prepared)
    print_json({**doc, "dry_run": False, "github_result": outcome.github,
                "lines": outcome.lines, "warnings": outcome.warnings})
    return outcome.exit_code


def yank_document(prepared: PreparedYank) -> dict[str, object]:
    """The yank as ``--json`` shows it (schema in docs/cli.md)."""
    return {"schema": 1, "tag": prepared.tag, "version": prepared.version,
            "reason": prepared.reason, "replacement": prepared.replacement,
            "replacement_tag": prepared.replacement_tag, "dry_run": True,
            "github": prepared.github.to_json() if prepared.github else None,
            "changelog_diff": prepared.changelog_diff}


def cmd_github(args: argparse.Namespace) -> int:
    from services.github import credentials

    ctx = context(args)
    url = credentials.api_url(ctx.policy.github_api_url)
    host = credentials.host_of(url)
    if args.action == "login":
        if args.with_token:
            value = sys.stdin.readline().strip()
        else:
            value = ctx.prompter.secret(f"GitHub token for {host}",
                                        option="--with-token (token on standard input)")
        credentials.store_token(host, value, from_stdin=args.with_token)
        say(f"Stored the GitHub token for {host} in the system keyring "
            f"(service {credentials.SERVICE}).")
        return 0
    if args.action == "logout":
        removed = credentials.delete_token(host)
        say(f"Removed the GitHub token for {host} from the keyring." if removed
            else f"There was no GitHub token for {host} in the keyring.")
        return 0
    return _status(ctx, url, host)


def _status(ctx: Context, url: str, host: str) -> int:
    from services.github import credentials
    from services.github.client import connect

    say(f"GitHub API: {credentials.shown_url(url)}")
    token = credentials.find_token(host)
    if token is None:
        say_wrapped(f"Token: none for {host}. Store one with `release-console github login` or "
                    f"set {credentials.ENV_TOKEN}.")
        return 3  # an environment problem, as README's exit codes say of no token
    say(f"Token: from the {token.source}.")
    if not ctx.policy.project.repository:
        say("Repository: none in the policy ([project] repository).")
        return 0
    if ctx.offline:
        say("Offline: the token was not tried.")
        return 0
    client = connect(ctx.policy)
    repo = client.repo()
    say(f"Repository: {repo.full_name} is reachable with this token.")
    return 0
