"""GitHub commands: push, draft, review, publish, yank, and github login|logout|status.

``push``/``draft``/``publish`` run the runbook steps of the same name through the engine (so the
session and journal record them); irreversible ones show the plan and ask unless ``--yes``.
``yank`` does the CHANGELOG note and the GitHub half together, after one confirmation.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from typing import Any

from console.commands.common import add_parser, context
from console.output import print_json, say, warn
from services.errors import ConsoleError, EnvironmentProblem
from services.runbook import Context


def register(sub: argparse._SubParsersAction) -> None:
    for name, help_text, irreversible in (
        ("push", "push the release commit and the signed tag to the remote", True),
        ("draft", "create or reuse the GitHub draft and upload every asset (resumable)", False),
        ("publish", "publish the reviewed draft (stable: latest; rc: pre-release)", True),
    ):
        p = add_parser(sub, name, help_text)
        p.add_argument("--dry-run", action="store_true", help="print the plan; change nothing")
        if irreversible:
            p.add_argument("--yes", action="store_true",
                           help="do not ask; the plan is still printed")
        p.set_defaults(handler=cmd_step, step_id=name)

    p = add_parser(sub, "review", "compare the GitHub draft with the local files and notes",
                   "Title, tag, target commit, body and every asset's size and digest. Exit 1 "
                   "when anything would block publishing.")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=cmd_review)

    p = add_parser(sub, "yank", "withdraw a published release (GitHub and CHANGELOG), deleting "
                   "nothing")
    p.add_argument("version", help="the version to yank, e.g. 1.2.0")
    p.add_argument("--reason", required=True, help="one line: why it is withdrawn")
    p.add_argument("--replacement", required=True, metavar="VERSION",
                   help="the version users should use instead")
    p.add_argument("--yes", action="store_true", help="do not ask; the plan is still printed")
    p.set_defaults(handler=cmd_yank)

    p = add_parser(sub, "github", "GitHub credentials: login, logout, status")
    p.add_argument("action", choices=("login", "logout", "status"))
    p.add_argument("--with-token", action="store_true",
                   help="login: read the token from standard input instead of a hidden prompt")
    p.set_defaults(handler=cmd_github)


class ProgressPrinter:
    """Per-asset progress on stderr, at most every 10 % or 2 seconds per label. A call with
    nothing done of nothing (``done == total == 0``) is a notice, such as a retry, shown as is."""

    def __init__(self) -> None:
        self._shown: dict[str, tuple[int, float]] = {}

    def __call__(self, label: str, done: int, total: int) -> None:
        from services.artifacts import human_size

        if done <= 0 and total <= 0:
            sys.stderr.write(f"  {label}\n")
            sys.stderr.flush()
            return
        percent = 100 if total <= 0 else done * 100 // total
        last, when = self._shown.get(label, (-100, 0.0))
        now = time.monotonic()
        if percent < 100 and percent - last < 10 and now - when < 2:
            return
        if percent == last:
            return
        self._shown[label] = (percent, now)
        sys.stderr.write(f"  {label}: {human_size(done)} of {human_size(total)} ({percent}%)\n")
        sys.stderr.flush()


def environment_cause(err: BaseException) -> EnvironmentProblem | None:
    """The machine-level problem (offline, no token) a step failure was caused by, if any.

    The engine records a step's failure as StepFailed (exit 1); the original error stays in
    ``__context__``, and its exit code (3) is what a script needs to tell "the network is down"
    from "the release is wrong".
    """
    seen = err.__context__
    while seen is not None:
        if isinstance(seen, EnvironmentProblem):
            return seen
        seen = seen.__context__
    return None


def require_github(ctx: Context, step_id: str) -> None:
    """Before a GitHub step: the machine is online, a token exists and GitHub accepts it.

    Each failure here is an environment problem (exit 3) said in one sentence, instead of a
    blocked or failed step.
    """
    from services.github.client import OFFLINE, GitHubOffline
    from services.github.wiring import client_for
    from services.steps.preflight_ci import deferred

    if ctx.offline:
        raise GitHubOffline(f"This workstation is offline (--offline): {OFFLINE}.")
    talks_to_github = step_id in ("draft", "publish") or (step_id == "push" and deferred(ctx))
    if talks_to_github and ctx.policy.project.repository:
        client_for(ctx).repo()


def cmd_step(args: argparse.Namespace) -> int:
    from console.commands.session import run_one

    yes = bool(getattr(args, "yes", False))
    ctx = context(args, assume_yes=yes)
    ctx.require_session()
    ctx.progress = ProgressPrinter()
    if not args.dry_run:
        require_github(ctx, args.step_id)
    try:
        return run_one(ctx, args.step_id, dry_run=args.dry_run, yes=yes)
    except ConsoleError as err:
        cause = environment_cause(err)
        if cause is not None:
            err.exit_code = cause.exit_code
        raise


def cmd_review(args: argparse.Namespace) -> int:
    try:
        return _review(args)
    except ConsoleError as err:
        if args.json:
            from services.secrets import scrub

            print_json({"schema": 1, "error": {"message": scrub(err.message),
                                               "remedy": scrub(err.remedy),
                                               "exit_code": err.exit_code}})
        raise


def _review(args: argparse.Namespace) -> int:
    """Review the draft and record it where the runbook allows; after publish, only report."""
    from services import engine
    from services.github import wiring
    from services.steps.review import record_review

    ctx = context(args)
    ctx.require_session()
    review = wiring.review_now(ctx, wiring.client_for(ctx))
    published = wiring.published(ctx)
    recorded = False
    if not published:
        step = engine.find_step(ctx, "review")
        view = next(v for v in engine.views(ctx) if v.id == "review")
        if view.status in ("done", "failed") or (view.status == "ready" and not review.clean):
            record_review(ctx, review)
            recorded = True
        elif view.status == "ready":
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
        elif not review.clean:
            say(f"\nNext: {wiring.remedy(review)}")
    return 0 if review.clean else 1


def _yank_session(ctx: Context, version: str, tag: str) -> bool:
    """Load or create the session that records the yank; True when this command created it."""
    from services.session import Session

    if ctx.store.exists(tag):
        ctx.session = ctx.store.load(tag)
        return False
    session = Session(version=version, tag=tag, kind="yank", created_at=ctx.now_iso(),
                      base_commit=ctx.repo.head_sha(), branch=ctx.repo.branch())
    ctx.repo.exclude_release_dir()
    ctx.store.save(session, now=ctx.clock())
    ctx.session = session
    ctx.record("session", "started", inputs={"version": version, "tag": tag, "kind": "yank"})
    return True


def cmd_yank(args: argparse.Namespace) -> int:
    """Yank VERSION: GitHub is checked first, so a refused yank changes nothing anywhere."""
    from services import versions
    from services.github import wiring
    from services.github.yank import require_published
    from services.steps import registry
    from services.steps.yank_github import replacement_tag

    ctx = context(args, assume_yes=args.yes)
    version = str(versions.parse_version(args.version))
    replacement = str(versions.parse_version(args.replacement))
    reason = " ".join(args.reason.split())
    if not reason:
        raise ConsoleError("A yank needs a reason.", remedy='Pass --reason "one line".')
    if replacement == version:
        raise ConsoleError(f"The replacement for {version} cannot be {version} itself.",
                           remedy="Name the version users should move to.")
    tag = ctx.policy.tag_for(version)
    client = wiring.client_for(ctx)
    require_published(client, tag)  # before the CHANGELOG or any session is touched
    steps = registry()
    halves = [steps["yank-changelog"], steps["yank-github"]]
    plan = _yank_plan(ctx, halves, version, tag, reason, replacement)
    plan.summary = (f"Yank {tag} (reason: {reason}; use {replacement_tag(ctx, replacement)} "
                    "instead). Nothing is deleted: the tag and every asset stay.")
    if not ctx.prompter.confirm(f"Yank {tag}? This is visible to every user at once.", plan):
        raise ConsoleError(f"The yank of {tag} was not confirmed; nothing was done.")
    created = _yank_session(ctx, version, tag)
    try:
        evidence = _do_yank(ctx, halves, reason, replacement)
    except BaseException as err:
        if created:
            _abandon(ctx, tag, err)
        raise
    return _report_yank(tag, evidence)


def _yank_plan(ctx: Context, halves: list[Any], version: str, tag: str, reason: str,
               replacement: str) -> Any:
    from services import engine
    from services.runbook import Plan

    preview = ctx.session
    _yank_session_preview(ctx, version, tag, reason, replacement)
    try:
        blockers = [(s, b) for s in halves for b in engine.own_blockers(ctx, s)]
        plans = [s.plan(ctx) for s in halves]
    finally:
        ctx.session = preview
    if blockers:
        step, blocker = blockers[0]
        raise ConsoleError(f"Cannot yank {tag}: '{step.title}' is blocked: {blocker}")
    return Plan(summary="", changes=[c for p in plans for c in p.changes],
                commands=[c for p in plans for c in p.commands],
                api_calls=[c for p in plans for c in p.api_calls],
                notes=[p.summary for p in plans] + [n for p in plans for n in p.notes])


def _do_yank(ctx: Context, halves: list[Any], reason: str,
             replacement: str) -> dict[str, Any] | None:
    """Run both halves; a half already done is re-checked against what is there now."""
    from services import engine
    from services.github import wiring
    from services.github.yank import yank
    from services.steps.yank_github import replacement_tag

    ctx.record("yank-github", "yank requested", inputs={"reason": reason,
                                                        "replacement": replacement},
               update=lambda s: s.data.__setitem__("yank", {"reason": reason,
                                                            "replacement": replacement}))
    github: dict[str, Any] | None = None
    for step in halves:
        record = ctx.require_session().steps.get(step.id)
        if record is None or record.status != "done":
            result = engine.run_step(ctx, step, confirmed=True)
            if step.id == "yank-github":
                github = result
            else:
                say(f"✔ {step.title}: done.")
            continue
        if step.id == "yank-changelog":
            text = ctx.path(ctx.policy.changelog).read_text(encoding="utf-8")
            say(f"✔ {step.title}: already there"
                + ("." if reason.rstrip(".") in text else
                   f"; it still gives the earlier reason (edit {ctx.policy.changelog} by hand "
                   "if it should change)."))
            continue
        # GitHub decides: a banner someone removed comes back, a new reason replaces the old.
        outcome = yank(wiring.client_for(ctx), tag=ctx.require_session().tag, reason=reason,
                       replacement=replacement_tag(ctx, replacement))
        github = outcome.to_json()
        action = "yank applied again" if outcome.changed else "yank checked, already in place"
        ctx.record(step.id, action, inputs={"reason": reason, "replacement": replacement},
                   outputs=github)
    return github


def _abandon(ctx: Context, tag: str, err: BaseException) -> None:
    """A yank that failed leaves no active session behind to take over status and review."""
    from services.releases import abandon_release

    why = str(err) if isinstance(err, ConsoleError) else type(err).__name__
    with contextlib.suppress(ConsoleError):
        abandon_release(ctx, tag, f"the yank failed: {why}")
    warn(f"The yank session for {tag} was closed (abandoned, with the reason in its journal); "
         "run the same `release-console yank` again to finish: done parts are not redone.")


def _yank_session_preview(ctx: Context, version: str, tag: str, reason: str,
                          replacement: str) -> None:
    """An unsaved session carrying the yank inputs, so both halves can check and plan."""
    from services.session import Session

    base = ctx.store.load(tag) if ctx.store.exists(tag) else Session(version=version, tag=tag,
                                                                     kind="yank")
    base.data = {**base.data, "yank": {"reason": reason, "replacement": replacement}}
    ctx.session = base


def _report_yank(tag: str, evidence: dict[str, Any] | None) -> int:
    if not evidence:
        return 0
    if evidence.get("refused"):
        for line in evidence["refused"]:
            warn(f"⚠ {line}; the YANKED banner was applied anyway.")
    elif not evidence.get("changed"):
        say(f"✔ Yank on GitHub: {tag} already shows this YANKED banner and is a pre-release; "
            "nothing changed.")
    else:
        banner = evidence.get("banner")
        what = {"banner replaced": "the YANKED banner now gives the new reason",
                "banner added": "the YANKED banner is at the top of its notes"}.get(
            str(banner), "the YANKED banner is in place")
        say(f"✔ Yank on GitHub: {tag} is a pre-release and {what} ({evidence.get('html_url')}).")
    if evidence.get("latest_before") == tag:
        after = evidence.get("latest_after") or "no release"
        say(f"It was the latest release; GitHub now shows {after} as latest.")
    return 1 if evidence.get("refused") else 0


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
        credentials.store_token(host, value)
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

    say(f"GitHub API: {url}")
    token = credentials.find_token(host)
    if token is None:
        say(f"Token: none for {host}. Store one with `release-console github login` or set "
            f"{credentials.ENV_TOKEN}.")
        return 1
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
