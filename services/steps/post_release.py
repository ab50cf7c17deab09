"""Step ``post-release``: re-add an empty [Unreleased] section at the top of CHANGELOG.md and point
its footer link at ``vX.Y.Z...HEAD`` (PAI runbook, section 7), then commit it.

The changelog step recorded exactly what it removed (the [Unreleased] heading as written, the link
label and URL, including a branch such as ``main`` instead of ``HEAD``), so the section comes back
the way the project writes it. After a promotion only the link moves: its candidate's own
post-release reopened the section. Nothing is pushed here: the summary offers to push the commit
(``p``; ``push --rest`` on the command line), or the captain opens the follow-up PR with it.
"""

from __future__ import annotations

import hashlib

from services import changelog, reconcile, workstation
from services.blocker import as_blocker
from services.changelog import (
    Change,
    commit_files,
    head_bytes,
    modified,
    unreleased_from_history,
)
from services.errors import ConsoleError
from services.evidence import ChangelogEvidence, PostReleaseEvidence
from services.session_lifecycle import release_commit
from services.step_protocol import Blocker, Context, Evidence, FileChange, Plan, Step
from services.subjects import COMPARES_FROM, REOPEN, subject

# The reopen commit stays local: the summary after the last step offers to push it (and the
# CLI's `push --rest`), so the plan names those rather than sending the captain to a shell.
PUSHED_AFTER = ("Nothing is pushed here: the summary then offers to push this commit (p in the "
                "TUI, `release-console push --rest` on the command line), or open the follow-up "
                "PR with it.")


def commit_message(ctx: Context) -> str:
    session = ctx.require_session()
    if session.kind == "promote":  # the candidate reopened it; the link moves to the stable tag
        return subject(COMPARES_FROM, session.tag)
    return subject(REOPEN, session.tag)


def plan_reopen(ctx: Context, raw: bytes | None = None) -> Change | None:
    """The reopen edit (of the file, or of ``raw``: HEAD's copy), or None when [Unreleased] is
    already there."""
    session = ctx.require_session()
    rel = ctx.policy.changelog
    if raw is not None:
        doc = changelog.parse(raw, rel)
        doc.path = ctx.path(rel)
    else:
        doc = changelog.load(ctx.path(rel), rel)
    if doc.unreleased is not None:
        if session.kind != "promote":
            return None
        # The candidate's own post-release reopened [Unreleased] comparing from its rc tag.
        relinked = changelog.relink_unreleased(doc, session.tag)
        return relinked if relinked.changed else None
    moved = session.evidence(ChangelogEvidence) or ChangelogEvidence()
    facts = {"unreleased_heading": moved.unreleased_heading or "",
             "unreleased_label": moved.unreleased_label or "",
             "unreleased_url": moved.unreleased_url or ""}
    if not facts["unreleased_heading"]:  # moved by hand: the file's history remembers
        facts.update(unreleased_from_history(ctx.path(rel)))
    return changelog.reopen(
        doc, latest_tag=session.tag, tag_format=ctx.policy.tag_format,
        heading_text=str(facts.get("unreleased_heading", "")),
        link_label=str(facts.get("unreleased_label", "")),
        unreleased_url=str(facts.get("unreleased_url", "")))


class PostRelease(Step):
    id = "post-release"

    def check(self, ctx: Context) -> list[Blocker]:
        if ctx.policy.reopen_unreleased == "never":
            return []
        rel = ctx.policy.changelog
        try:
            if plan_reopen(ctx) is None:
                return []
        except ConsoleError as err:
            return [as_blocker(err)]
        if modified(ctx, rel):
            return [Blocker(f"{rel} has uncommitted changes.",
                            "Commit or discard them before reopening [Unreleased].")]
        return []

    def plan(self, ctx: Context) -> Plan:
        if workstation.done_on_online_machine(ctx, self):  # the commit is pushed from there
            return workstation.online_machine_plan(ctx, (
                f"it reopens an empty [Unreleased] section in {ctx.policy.changelog} after "
                f"{ctx.require_session().tag} and commits it there."))
        if ctx.policy.reopen_unreleased == "never":
            return Plan(summary="The policy says never to reopen [Unreleased] "
                        "(documents.reopen_unreleased = \"never\"); nothing to do.")
        rel = ctx.policy.changelog
        try:
            change = plan_reopen(ctx)
        except ConsoleError as err:
            return Plan(summary=f"Cannot reopen [Unreleased]: {err}")
        if change is None:
            return Plan(summary=f"{rel} already has an [Unreleased] section; nothing to do.")
        return Plan(summary=change.summary, changes=[FileChange(rel, change.diff(rel))],
                    commands=[f"git add {rel}", f'git commit -m "{commit_message(ctx)}"'],
                    notes=[*change.notes, PUSHED_AFTER])

    def reconcile(self, ctx: Context) -> Evidence | None:
        """The reopen already written (a kill before ``git commit``: only the commit is made) or
        already committed (a kill after it: recorded as it is)."""
        if ctx.policy.reopen_unreleased == "never":
            return None
        session = ctx.require_session()
        rel = ctx.policy.changelog
        base = release_commit(session)
        if not base:
            return None
        if modified(ctx, rel):
            before = head_bytes(ctx, rel)
            if ctx.repo.head_sha() != base or before is None:
                return None
            change = plan_reopen(ctx, before)
            if change is None or change.data() != ctx.path(rel).read_bytes():
                return None  # not our edit: check() says what to do
            sha = commit_files(ctx, [rel], commit_message(ctx))
            return PostReleaseEvidence(reopened=True, file=rel, commit=sha, sha256=hashlib.sha256(
                change.data()).hexdigest(), extra=change.facts).to_json()
        found = reconcile.adoptable_commit(ctx, subject=commit_message(ctx), parent=base,
                                           rel=rel, what="post-release")
        if found is None or ctx.repo.head_sha() != found.sha:
            return None
        data = ctx.path(rel).read_bytes()
        return PostReleaseEvidence(reopened=True, file=rel, commit=found.sha,
                                   sha256=hashlib.sha256(data).hexdigest()).to_json()

    def run(self, ctx: Context) -> Evidence:
        rel = ctx.policy.changelog
        if ctx.policy.reopen_unreleased == "never":
            return PostReleaseEvidence(
                reason="documents.reopen_unreleased is \"never\"").to_json()
        for blocker in self.check(ctx):
            raise ConsoleError(str(blocker))
        change = plan_reopen(ctx)
        if change is None:
            return PostReleaseEvidence(reason=f"{rel} already has [Unreleased]").to_json()
        change.write()
        sha = commit_files(ctx, [rel], commit_message(ctx))
        return PostReleaseEvidence(reopened=True, file=rel, commit=sha, sha256=hashlib.sha256(
            change.data()).hexdigest(), extra=change.facts).to_json()


STEP = PostRelease()
