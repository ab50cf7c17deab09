"""Step ``yank-changelog``: the PAI yank note under the version's CHANGELOG heading, committed.

The reason and the replacement version come from the yank session
(``session.data["yank"] = {"reason": ..., "replacement": ...}``), read by
:func:`services.yank.yank_inputs` as the GitHub half reads them. Applying it twice changes
nothing, so an interrupted run can simply be run again.
"""

from __future__ import annotations

import hashlib
from typing import Any

from services import changelog, reconcile
from services.changelog import Change, commit_files, modified
from services.errors import ConsoleError
from services.step_protocol import Blocker, Context, Evidence, FileChange, Plan, Step
from services.subjects import YANK_NOTE, subject
from services.yank import yank_inputs

NO_SECTION = "no_section"  # evidence: a release candidate, with no section to mark


def plan_yank(ctx: Context, raw: bytes | None = None) -> Change:
    """The note's edit of the CHANGELOG in the work tree (or of ``raw``, e.g. a committed one)."""
    session = ctx.require_session()
    reason, replacement = yank_inputs(ctx)
    if not reason or not replacement:
        raise ConsoleError(
            f"The yank of {session.tag} needs a reason and a replacement version.",
            remedy="Give both when starting the yank (the yank wizard asks for them).")
    rel = ctx.policy.changelog
    doc = changelog.load(ctx.path(rel), rel) if raw is None else changelog.parse(raw, rel)
    if "-" in session.version and doc.heading_for(session.version) is None:
        # A release candidate has no section of its own (its promotion gets one): GitHub's
        # release is what is yanked, and there is nothing in the file to mark.
        return Change(doc=doc, edits=[], facts={NO_SECTION: True}, summary=(
            f"{rel} has no section for the release candidate {session.version}: no note to "
            "add (GitHub's release is marked yanked)."))
    return changelog.yank(doc, session.version, reason, replacement)


def note_subject(ctx: Context) -> str:
    return subject(YANK_NOTE, ctx.require_session().tag)


class YankChangelog(Step):
    id = "yank-changelog"

    def check(self, ctx: Context) -> list[Blocker]:
        rel = ctx.policy.changelog
        try:
            change = plan_yank(ctx)
        except ConsoleError as err:
            return [Blocker(err.message, err.remedy)]
        if not change.changed:
            return []
        default, branch = ctx.policy.project.default_branch, ctx.repo.branch()
        if branch != default:
            # Committed on a hotfix branch, the note missed the default branch, and the hotfix's
            # merge-back (which keeps the default branch's CHANGELOG) left it out there for good.
            return [Blocker(f"The yank note goes on {default}, where users read {rel}, but "
                            f"{branch} is checked out.",
                            f"Switch to {default} (`git switch {default}`) and yank again; a "
                            "hotfix branch gets the note when it is merged back.")]
        if modified(ctx, rel):
            return [Blocker(f"{rel} has uncommitted changes.",
                            "Commit or discard them before adding the yank note.")]
        return []

    def plan(self, ctx: Context) -> Plan:
        rel = ctx.policy.changelog
        try:
            change = plan_yank(ctx)
        except ConsoleError as err:
            return Plan(summary=f"Cannot add the yank note: {err}")
        if not change.changed:
            return Plan(summary=change.summary)
        return Plan(summary=change.summary, changes=[FileChange(rel, change.diff(rel))],
                    commands=[f"git add {rel}", f'git commit -m "{note_subject(ctx)}"'])

    def reconcile(self, ctx: Context) -> Evidence | None:
        """A kill after the note was written (staged, not committed) or committed, before its
        record: exactly the step's edit of HEAD's file is committed now; a note commit of this
        step's (only the CHANGELOG, the note absent before it) is recorded with its sha, so the
        note's push can still be offered. Anything else is left to ``run``."""
        rel = ctx.policy.changelog
        try:
            if plan_yank(ctx).changed:
                return None  # the note is not in the file yet: run writes it
            committed = ctx.repo.head_file(rel)
            if committed is None:
                return None
            if modified(ctx, rel):
                change = plan_yank(ctx, committed)
                data = ctx.path(rel).read_bytes()
                if not change.changed or change.data() != data:
                    return None  # not (only) our edit: run/check say what to do
                sha = commit_files(ctx, [rel], note_subject(ctx))
                return {"file": rel, **change.facts, "commit": sha,
                        "sha256": hashlib.sha256(data).hexdigest()}
            sha = reconcile.find_commit(ctx, note_subject(ctx), "")
            if not sha:
                return None
            facts = reconcile.commit_facts(ctx, sha)
            before = ctx.repo.show(facts.parent, rel) if facts.parent else None
            if facts.paths != (rel,) or before is None or not plan_yank(ctx, before).changed:
                return None
            change = plan_yank(ctx, before)
            return {"file": rel, **change.facts, "commit": sha,
                    "sha256": hashlib.sha256(ctx.repo.show(sha, rel) or b"").hexdigest()}
        except ConsoleError:
            return None  # check() says what is wrong

    def run(self, ctx: Context) -> Evidence:
        rel = ctx.policy.changelog
        for blocker in self.check(ctx):
            raise ConsoleError(str(blocker))
        change = plan_yank(ctx)
        evidence: dict[str, Any] = {"file": rel, **change.facts}
        if not change.changed:
            if not change.facts.get(NO_SECTION):
                evidence["already"] = True
            return evidence
        change.write()
        evidence["commit"] = commit_files(ctx, [rel], note_subject(ctx))
        evidence["sha256"] = hashlib.sha256(change.data()).hexdigest()
        return evidence


STEP = YankChangelog()
