"""Step ``changelog``: [Unreleased] becomes ``[X.Y.Z] — YYYY-MM-DD``, the compare-link footer
is updated, the diff is shown, and the change is committed as ``Release vX.Y.Z: changelog``.

Resumable: if the process died after writing the file but before committing, the next run sees the
file already holds exactly the move of HEAD's changelog and only commits; if the commit was made, it
records it without doing anything twice.
"""

from __future__ import annotations

import hashlib

from services import changelog, reconcile, versions
from services.changelog import (
    RANK,
    BumpDecision,
    Change,
    commit_files,
    compute_bump,
    head_bytes,
    head_message,
    modified,
)
from services.errors import ConsoleError
from services.evidence import ChangelogEvidence
from services.session_lifecycle import release_commit
from services.step_protocol import Blocker, Context, Evidence, FileChange, Plan, Step


def commit_message(ctx: Context) -> str:
    return f"Release {ctx.require_session().tag}: changelog"


def plan_move(ctx: Context, raw: bytes | None = None) -> Change:
    """The move the session asks for, on the file as it is (or on ``raw``, e.g. HEAD's)."""
    session = ctx.require_session()
    rel = ctx.policy.changelog
    doc = (changelog.parse(raw, rel) if raw is not None
           else changelog.load(ctx.path(rel), rel))
    if raw is not None:
        doc.path = ctx.path(rel)
    return changelog.move(doc, session.version, changelog.today(ctx.clock()), tag=session.tag,
                          previous_tag=session.previous_tag,
                          tag_format=ctx.policy.tag_format)


def bump_decision(ctx: Context, doc: changelog.Changelog) -> BumpDecision:
    session = ctx.require_session()
    previous = versions.version_from_tag(session.previous_tag, ctx.policy.tag_format) \
        if session.previous_tag else None
    return compute_bump(doc, current=str(previous) if previous else None,
                        prefer_higher=ctx.policy.prefer_higher_bump)


def bump_blocker(ctx: Context, decision: BumpDecision) -> list[Blocker]:
    """PAI: the release must be at least the bump its entries call for (hotfixes are patches)."""
    session = ctx.require_session()
    if session.kind == "hotfix" or not session.previous_tag:
        return []
    previous = versions.version_from_tag(session.previous_tag, ctx.policy.tag_format)
    if previous is None:
        return []
    chosen = versions.effective_bump(
        versions.bump_between(previous, versions.parse_version(session.version)), previous)
    if RANK[chosen] >= RANK[decision.bump]:
        return []
    return [Blocker(
        f"The [Unreleased] entries call for a {decision.bump} release ({decision.reasons[0]}), "
        f"but {session.tag} is only a {chosen} step from {session.previous_tag}.",
        f"Abandon this session and start {decision.next_version}, or file the entries under the "
        "right Keep a Changelog heading.")]


def done_already(ctx: Context) -> bool:
    session = ctx.require_session()
    return head_message(ctx).strip() == commit_message(ctx) and not modified(
        ctx, ctx.policy.changelog) and changelog.load(
        ctx.path(ctx.policy.changelog), ctx.policy.changelog).heading_for(session.version) is not None


def resumable(ctx: Context) -> bool:
    """The file already holds exactly our move of HEAD's changelog (written, not committed)."""
    rel = ctx.policy.changelog
    committed = head_bytes(ctx, rel)
    if committed is None or not modified(ctx, rel):
        return False
    try:
        expected = plan_move(ctx, committed).data()
    except ConsoleError:
        return False
    return ctx.path(rel).read_bytes() == expected


class ChangelogStep(Step):
    id = "changelog"
    description = (
        "Move the [Unreleased] entries under a new version heading dated today (UTC), in the "
        "file's own style, update the compare-link footer, show the diff and commit it as "
        "'Release vX.Y.Z: changelog'.")

    def check(self, ctx: Context) -> list[Blocker]:
        rel = ctx.policy.changelog
        try:
            if done_already(ctx):
                return []
            blockers: list[Blocker] = []
            if modified(ctx, rel) and not resumable(ctx):
                return [*blockers, Blocker(f"{rel} has uncommitted changes.",
                                           "Commit them first, so the release commit holds only "
                                           "the move.")]
            if resumable(ctx):
                return blockers
            change = plan_move(ctx)
            blockers += bump_blocker(ctx, bump_decision(ctx, change.doc))
            return blockers
        except ConsoleError as err:
            return [Blocker(str(err))]

    def plan(self, ctx: Context) -> Plan:
        rel = ctx.policy.changelog
        message = commit_message(ctx)
        commands = [f"git add {rel}", f'git commit -m "{message}"']
        try:
            if done_already(ctx):
                return Plan(summary=f"{rel} is already moved and committed; nothing to do.")
            if resumable(ctx):
                return Plan(summary=f"{rel} is already written; only the commit is left.",
                            commands=commands)
            change = plan_move(ctx)
            decision = bump_decision(ctx, change.doc)
        except ConsoleError as err:
            return Plan(summary=f"Cannot move the changelog: {err}")
        plan = Plan(summary=change.summary, changes=[FileChange(rel, change.diff(rel))],
                    commands=commands, notes=list(change.notes))
        plan.notes.append(f"The entries call for a {decision.bump} release: "
                          + "; ".join(decision.reasons) + ".")
        return plan

    def reconcile(self, ctx: Context) -> Evidence | None:
        """The changelog commit already made (a kill right after ``git commit``) is recorded with
        the same evidence a run gives, once it is checked to be exactly the move of its parent's
        changelog."""
        session = ctx.require_session()
        rel = ctx.policy.changelog
        base = release_commit(session)
        if not base or modified(ctx, rel):
            return None
        found = reconcile.adoptable_commit(ctx, subject=commit_message(ctx), parent=base,
                                           rel=rel, what="changelog")
        if found is None or ctx.repo.head_sha() != found.sha:
            return None
        before = reconcile.file_at(ctx, base, rel)
        if before is None:
            return None
        change = plan_move(ctx, before)
        data = ctx.path(rel).read_bytes()
        if change.data() != data:
            raise reconcile.Diverged(
                f"The changelog commit {found.sha[:12]} is not the move this step would make "
                f"of {rel} (it was edited by hand); nothing was changed.",
                remedy=f"Compare with `release-console run changelog --dry-run` after moving HEAD "
                f"back to {base[:12]}, then run this step again.")
        decision = bump_decision(ctx, change.doc)
        return ChangelogEvidence.from_json({
            "file": rel, "commit": found.sha, "sha256": hashlib.sha256(data).hexdigest(),
            "bump": decision.bump, "bump_reasons": decision.reasons, **change.facts,
        }).to_json()

    def run(self, ctx: Context) -> Evidence:
        rel = ctx.policy.changelog
        if done_already(ctx):
            return ChangelogEvidence(file=rel, commit=ctx.repo.head_sha(), already=True).to_json()
        for blocker in self.check(ctx):
            raise ConsoleError(str(blocker))
        if resumable(ctx):
            committed = head_bytes(ctx, rel)
            change = plan_move(ctx, committed)
        else:
            change = plan_move(ctx)
            change.write()
        decision = bump_decision(ctx, change.doc)
        sha = commit_files(ctx, [rel], commit_message(ctx))
        data = ctx.path(rel).read_bytes()
        return ChangelogEvidence.from_json({
            "file": rel, "commit": sha, "sha256": hashlib.sha256(data).hexdigest(),
            "bump": decision.bump, "bump_reasons": decision.reasons,
            **change.facts,  # how the move was written, for post-release's reopen
        }).to_json()


STEP = ChangelogStep()
