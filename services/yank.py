"""Yanking a published release: the CHANGELOG note and the GitHub half as one action.

``release-console yank`` and the TUI yank wizard both call this. GitHub is asked first (is the
version published there?), then both halves are checked and planned on an unsaved preview
session, so a refused yank changes nothing anywhere. Only after the confirmation is a session
started, under the same rule as :func:`services.session_lifecycle.start_release` (one active session per
repository), and both halves run; a half already done is checked against what is there now. A yank
that fails abandons the session it started, so no half-done yank takes over ``status``; running
the same yank again finishes it without redoing what is done. A yank that was killed outright
leaves its session active: the same yank resumes it, and nothing else can start beside it. One
recorded in a session already finished (the release's own) leaves that session finished with a
half not done: :mod:`services.yank_resume` finds it for ``status``, ``next`` and the TUI home.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from services import versions
from services.errors import ConsoleError
from services.evidence import YankGitHubEvidence
from services.session import Session
from services.session_lifecycle import ReleaseInProgress, abandon_release, open_session
from services.step_protocol import Context, Plan, Step
from services.step_status import StepStatus
from services.wording import mid_sentence
from services.workstation import refuse_start_here
from services.yank_choices import (
    GitHubPreview,
    check_replacement,
    github_preview,
    hotfix_base,
    require_usable_replacement,
    unreleased_note,
)
from services.yank_resume import DATA_KEY, HALVES

# How the yank tells what it did as it goes: (one line, is it a warning?).
Tell = Callable[[str, bool], None]


def _silent(_line: str, _warning: bool) -> None:
    """The default :data:`Tell`: a caller that shows only the outcome."""


class YankInputs(NamedTuple):
    """The reason and the replacement version recorded in the session (stripped; "" if none)."""

    reason: str
    replacement: str


def yank_inputs(ctx: Context) -> YankInputs:
    """The yank's inputs as both halves read them from ``session.data``."""
    data = ctx.require_session().data.get(DATA_KEY)
    if not isinstance(data, dict):
        data = {}
    return YankInputs(str(data.get("reason", "")).strip(),
                      str(data.get("replacement", "")).strip())


def replacement_tag(ctx: Context, replacement: str) -> str:
    """The replacement as users see it on GitHub: a tag (``1.2.1`` -> ``v1.2.1``)."""
    try:
        return ctx.policy.tag_for(str(versions.parse_version(replacement)))
    except ConsoleError:
        return replacement


@dataclass(frozen=True)
class YankRequest:
    version: str
    reason: str
    replacement: str
    allow_older: bool = False  # the captain sends users back to an older version on purpose


@dataclass(frozen=True)
class PreparedYank:
    """A checked yank, not yet done: what the confirmation shows."""

    version: str
    tag: str
    reason: str
    replacement: str  # a version
    replacement_tag: str
    plan: Plan
    github: GitHubPreview | None = None  # what GitHub will show, latest included, said before
    changelog_diff: str = ""
    changelog_said: str = ""  # the note's plan in words (no diff: already there, or no section)
    allow_older: bool = False  # recorded, so finishing an interrupted yank asks the same
    replacement_released: bool = False  # tagged already: no replacement hotfix to offer
    replacement_note: str = ""  # not released yet (maybe a typo): said before the yank
    hotfix_base: str = ""  # the tag the replacement hotfix branches from; "" offers none

    @property
    def question(self) -> str:
        return f"Yank {self.tag}? This is visible to every user at once."


@dataclass
class YankOutcome:
    tag: str
    github: dict[str, Any] | None = None  # the GitHub half's evidence (None: not run now)
    lines: list[str] = field(default_factory=list)  # what was done, in order
    warnings: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """1 when GitHub refused part of it (the banner went on anyway), else 0."""
        return 1 if self.github and self.github.get("refused") else 0


def halves() -> list[Step]:
    from services.steps import registry

    steps = registry()
    return [steps[step_id] for step_id in HALVES]


def normalise(request: YankRequest) -> YankRequest:
    """Versions in canonical form and the reason on one line; refuses what cannot be a yank."""
    version = str(versions.requested_version(request.version))
    reason = " ".join(request.reason.split())
    if not reason:
        raise ConsoleError("A yank needs a reason.", remedy='Pass --reason "one line".',
                           tui="Type it in the Reason field above, then Preview.")
    # older-ness is judged once GitHub has the yanked release (prepare_yank): for a version
    # never published, "pass --allow-older" was advice that only led to the next refusal
    replacement = check_replacement(version, request.replacement, allow_older=True)
    return YankRequest(version, reason, replacement, request.allow_older)


def prepare_yank(ctx: Context, request: YankRequest) -> PreparedYank:
    """Check everything a yank needs and plan it; changes nothing anywhere.

    GitHub is asked before the CHANGELOG is looked at, so a version that was never published
    (or is only a draft) is refused with nothing touched; so is a yank that could not start a
    session because another one is active.
    """
    from services import engine
    from services.github import wiring
    from services.github.yank import require_published
    from services.steps.yank_github import KEPT

    request = normalise(request)
    tag = ctx.policy.tag_for(request.version)
    require_no_other_active(ctx, tag)
    client = wiring.client_for(ctx)
    require_published(client, tag)
    check_replacement(request.version, request.replacement, allow_older=request.allow_older)
    shown_tag = replacement_tag(ctx, request.replacement)
    older = versions.parse_version(request.replacement) < versions.parse_version(request.version)
    require_usable_replacement(ctx, client, request.version, shown_tag, older=older)
    steps = halves()
    before = ctx.session
    ctx.session = preview_session(ctx, request, tag)
    try:
        blockers = [(s, b) for s in steps for b in engine.own_blockers(ctx, s)]
        plans = [s.plan(ctx) for s in steps]
        preview = github_preview(ctx, tag, request.reason, shown_tag, client)
    finally:
        ctx.session = before
    if blockers:
        step, blocker = blockers[0]
        raise ConsoleError(f"Cannot yank {tag}: '{step.title}' is blocked: "
                           f"{mid_sentence(str(blocker))}")
    unreleased = unreleased_note(ctx, request.version, request.replacement, shown_tag)
    # "Nothing is deleted" is the preview's last line (walked: the plan said it twice, and
    # then still as the GitHub half's "The tag and every asset stay", left out here)
    plan = Plan(summary=f"Yank {tag} (reason: {request.reason}; use {shown_tag} instead).",
                changes=[c for p in plans for c in p.changes],
                commands=[c for p in plans for c in p.commands],
                api_calls=[c for p in plans for c in p.api_calls],
                notes=[p.summary for p in plans] + [n for p in plans for n in p.notes
                                                    if n != KEPT]
                + preview.lines + ([unreleased] if unreleased else []))
    diff = "".join(c.diff for p in plans for c in p.changes)
    return PreparedYank(request.version, tag, request.reason, request.replacement, shown_tag,
                        plan, preview, diff, plans[HALVES.index("yank-changelog")].summary,
                        request.allow_older, replacement_released=not unreleased,
                        replacement_note=unreleased,
                        hotfix_base=hotfix_base(ctx, request.replacement) if unreleased else "")


def preview_session(ctx: Context, request: YankRequest, tag: str) -> Session:
    """An unsaved session carrying the yank inputs, so both halves can check and plan."""
    base = (ctx.store.load(tag) if ctx.store.exists(tag)
            else Session(version=request.version, tag=tag, kind="yank"))
    base.data = {**base.data, DATA_KEY: {"reason": request.reason,
                                         "replacement": request.replacement}}
    return base


def require_no_other_active(ctx: Context, tag: str) -> None:
    """Refuse a new yank session while another session is active (the start_release rule)."""
    if ctx.store.exists(tag):
        return  # the yank is recorded in the tag's own session, active or not
    active = ctx.store.active()
    if active is not None:
        raise ReleaseInProgress(
            f"A release session for {active.tag} is already in progress, so the yank of {tag} "
            "cannot start beside it.",
            remedy=f"Finish it (`release-console status`, `release-console next`) or abandon it "
            f"with `release-console abandon {active.tag} --reason \"...\"`, then yank again.",
            tui="Escape goes back to the checklist: finish it there (n) or abandon it (x), then "
            "yank again.")


def begin_session(ctx: Context, prepared: PreparedYank) -> bool:
    """Load the session that records this yank, or start one; True when started here.

    A session for the tag (the release's own, or an earlier yank's) records the yank. A new
    one is refused while any other session is active, as ``start_release`` refuses: two active
    sessions are how a release and a yank end up mixed in one status.
    """
    tag = prepared.tag
    if ctx.store.exists(tag):
        ctx.session = ctx.store.load(tag)
        return False
    require_no_other_active(ctx, tag)
    refuse_start_here(ctx)
    session = Session(version=prepared.version, tag=tag, kind="yank", created_at=ctx.now_iso(),
                      base_commit=ctx.repo.head_sha(), branch=ctx.repo.branch())
    open_session(ctx, session, inputs={"version": prepared.version, "tag": tag, "kind": "yank",
                                       "reason": prepared.reason,
                                       "replacement": prepared.replacement})
    return True


def carry_out(ctx: Context, prepared: PreparedYank, tell: Tell = _silent) -> YankOutcome:
    """Start (or load) the session and run both halves; ``tell`` hears each part as it ends.

    On any failure the session this call started is abandoned (its journal says why) and the
    error is raised again, after telling how to finish.
    """
    created = begin_session(ctx, prepared)
    try:
        outcome = run_halves(ctx, prepared, tell)
    except BaseException as err:
        if created:
            abandon(ctx, prepared.tag, err, tell)
        raise
    return report(outcome, tell)


def yank_release(ctx: Context, request: YankRequest, tell: Tell = _silent) -> YankOutcome:
    """Prepare, confirm with ``ctx.prompter`` (the plan is shown), and carry out."""
    prepared = prepare_yank(ctx, request)
    if not ctx.prompter.confirm(prepared.question, prepared.plan):
        raise ConsoleError(f"The yank of {prepared.tag} was not confirmed; nothing was done.")
    return carry_out(ctx, prepared, tell)


def run_halves(ctx: Context, prepared: PreparedYank, tell: Tell) -> YankOutcome:
    """Run both halves; a half already done is re-checked against what is there now."""
    from services import engine
    from services.github import wiring
    from services.github.yank import yank
    from services.steps.yank_changelog import NO_SECTION

    reason, replacement = prepared.reason, prepared.replacement
    inputs: dict[str, Any] = {"reason": reason, "replacement": replacement}
    if prepared.allow_older:
        inputs["allow_older"] = True
    # Saved before it is journaled: killed in between, the session still says a yank was asked
    # for (services.yank_resume finds it), and `next` finishes it (services/recorder.py).
    ctx.record("yank-github", "yank requested", inputs=inputs,
               update=lambda s: s.data.__setitem__(DATA_KEY, dict(inputs)), session_first=True)
    outcome = YankOutcome(prepared.tag)
    for step in halves():
        record = ctx.require_session().steps.get(step.id)
        if record is None or record.status != StepStatus.DONE:
            result = engine.run_step(ctx, step, confirmed=True)
            if step.id == "yank-github":
                outcome.github = result
            else:
                _line(outcome, tell, f"✔ {step.title}: " + (
                    "nothing to mark (a release candidate has no section of its own)."
                    if result.get(NO_SECTION) else "done."))
            continue
        if step.id == "yank-changelog":
            text = ctx.path(ctx.policy.changelog).read_text(encoding="utf-8")
            _line(outcome, tell, f"✔ {step.title}: already there"
                  + ("." if reason.rstrip(".") in text else
                     f"; it still gives the earlier reason (edit {ctx.policy.changelog} by hand "
                     "if it should change)."))
            continue
        # GitHub decides: a banner someone removed comes back, a new reason replaces the old.
        done = yank(wiring.client_for(ctx), tag=prepared.tag, reason=reason,
                    replacement=prepared.replacement_tag)
        outcome.github = done.to_json()
        action = "yank applied again" if done.changed else "yank checked, already in place"
        ctx.record(step.id, action, inputs=inputs, outputs=outcome.github)
    return outcome


def _line(outcome: YankOutcome, tell: Tell, text: str, *, warning: bool = False) -> None:
    (outcome.warnings if warning else outcome.lines).append(text)
    tell(text, warning)


def report(outcome: YankOutcome, tell: Tell) -> YankOutcome:
    """The GitHub half in words: refused parts, the banner, and what is latest now."""
    if not outcome.github:
        return outcome
    evidence, tag = YankGitHubEvidence.from_json(outcome.github), outcome.tag
    if evidence.refused:
        for line in evidence.refused:
            _line(outcome, tell, f"⚠ {line}; the YANKED banner was applied anyway.",
                  warning=True)
    elif evidence.adopted:
        _line(outcome, tell, f"✔ Yank on GitHub: {tag} is a pre-release with this YANKED banner "
              "at the top of its notes, as the interrupted run left it; recorded as adopted, "
              f"nothing sent again ({evidence.html_url}).")
    elif not evidence.changed:
        _line(outcome, tell, f"✔ Yank on GitHub: {tag} already shows this YANKED banner and is "
              "a pre-release; nothing changed.")
    else:
        what = {"banner replaced": "the YANKED banner now gives the new reason",
                "banner added": "the YANKED banner is at the top of its notes"}.get(
            evidence.banner, "the YANKED banner is in place")
        _line(outcome, tell, f"✔ Yank on GitHub: {tag} is a pre-release and {what} "
              f"({evidence.html_url}).")
    after = evidence.latest_after or "no release"
    if evidence.adopted and not evidence.latest_before_known:
        _line(outcome, tell, "Which release was latest before the yank is not known (the "
              f"interrupted run did not record it); GitHub now shows {after} as latest.")
    elif evidence.latest_before == tag:
        _line(outcome, tell, f"It was the latest release; GitHub now shows {after} as latest.")
    return outcome


def abandon(ctx: Context, tag: str, err: BaseException, tell: Tell) -> None:
    """A yank that failed leaves no active session behind to take over status and review."""
    why = str(err) if isinstance(err, ConsoleError) else type(err).__name__
    with contextlib.suppress(ConsoleError):
        abandon_release(ctx, tag, f"the yank failed: {why}")
    tell(f"The yank session for {tag} was closed (abandoned, with the reason in its journal); "
         "run the same yank again to finish: done parts are not redone.", True)
