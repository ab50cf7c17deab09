"""Step ``migration``: MIGRATION.md has a section for ``vPREV -> vX.Y.Z``, or says that no
migration is required (not allowed for a MAJOR bump, which needs real steps).

The section is written by a person (the TUI editor or ``release-console migration add`` insert a
template to fill in); if it is not committed yet, this step commits it as
``Release vX.Y.Z: migration notes``.
"""

from __future__ import annotations

import hashlib
from typing import Any

import semver

from services import channels, migration, reconcile, versions
from services.blocker import as_blocker
from services.changelog import commit_files, modified
from services.errors import ConsoleError
from services.evidence import MigrationEvidence
from services.session_lifecycle import release_commit
from services.step_protocol import Blocker, Context, Evidence, FileChange, Plan, Step
from services.subjects import MIGRATION, subject


def transition(ctx: Context) -> tuple[semver.Version | None, semver.Version]:
    session = ctx.require_session()
    previous = versions.version_from_tag(session.previous_tag, ctx.policy.tag_format) \
        if session.previous_tag else None
    return previous, versions.parse_version(channels.final_version(session))


def current_check(ctx: Context) -> migration.MigrationCheck:
    session = ctx.require_session()
    rel = ctx.policy.migration
    old, new = transition(ctx)
    doc = migration.read(ctx.path(rel), rel)
    return migration.check(doc, old, new, old_tag=session.previous_tag,
                           new_tag=channels.final_tag(ctx.policy, session))


def commit_message(ctx: Context) -> str:
    return subject(MIGRATION, ctx.require_session().tag)


def add_command(ctx: Context, action: str = "add") -> str:
    session = ctx.require_session()
    return (f"release-console migration {action} {session.previous_tag} "
            f"{channels.final_tag(ctx.policy, session)}")


class MigrationStep(Step):
    id = "migration"

    def check(self, ctx: Context) -> list[Blocker]:
        session = ctx.require_session()
        if not session.previous_tag:
            return []
        rel = ctx.policy.migration
        try:
            result = current_check(ctx)
        except ConsoleError as err:
            return [as_blocker(err)]
        blockers: list[Blocker] = []
        if not result.ok:
            # "No migration required." is offered only where it is allowed (not for a MAJOR bump)
            remedy = (f"Insert a template with `{add_command(ctx)}`, fill it in, and run this step "
                      "again" + ("." if result.major else f" (or `{add_command(ctx, 'none')}` "
                                 "when users have nothing to do).")
                      if result.status == "missing" else f"Edit {rel} and run this step again.")
            tui = ("Fill in the template in the editor below and save it with ctrl+s"
                   + ("." if result.major else ", or press m if no migration is required.")
                   if result.status == "missing"
                   else "Fix the section in the editor below and save it with ctrl+s.")
            blockers.append(Blocker(result.message, remedy, tui))
        return blockers

    def plan(self, ctx: Context) -> Plan:
        session = ctx.require_session()
        rel = ctx.policy.migration
        if not session.previous_tag:
            return Plan(summary="This is the first release; there is nothing to migrate from.")
        try:
            result = current_check(ctx)
        except ConsoleError as err:
            return Plan(summary=f"Cannot read {rel}: {err}")
        plan = Plan(summary=result.message)
        if not result.ok and result.status == "missing":
            old, new = transition(ctx)
            doc = migration.read(ctx.path(rel), rel)
            change = migration.add_template(doc, old, new, old_tag=session.previous_tag,
                                            new_tag=channels.final_tag(ctx.policy, session))
            plan.changes.append(FileChange(rel, change.diff(rel)))
            plan.notes.append(f"This template is what `{add_command(ctx)}` would insert; fill "
                              "in the TODO lines before running this step.")
        elif result.ok and modified(ctx, rel):
            plan.commands += [f"git add {rel}",
                              f'git commit -m "{commit_message(ctx)}"']
        return plan

    def reconcile(self, ctx: Context) -> Evidence | None:
        """The migration-notes commit already made (a kill right after ``git commit``, or a
        ``redo migration`` with the commit left in place) is found and recorded, so the release
        commit includes it; never committed twice."""
        session = ctx.require_session()
        rel = ctx.policy.migration
        if not session.previous_tag or modified(ctx, rel):
            return None
        base = release_commit(session)
        if not base:
            return None
        found = reconcile.adoptable_commit(ctx, subject=commit_message(ctx), parent=base,
                                           rel=rel, what="migration notes")
        if found is None or ctx.repo.head_sha() != found.sha:
            return None
        if self.check(ctx):
            return None  # the committed section is not acceptable: run says why
        return self.evidence(ctx, found.sha)

    def evidence(self, ctx: Context, commit: str) -> Evidence:
        rel = ctx.policy.migration
        checked: dict[str, Any] = {"file": rel, **current_check(ctx).to_json()}
        checked.pop("ok", None)
        if commit:
            checked["commit"] = commit
        checked["sha256"] = hashlib.sha256(ctx.path(rel).read_bytes()).hexdigest()
        return MigrationEvidence.from_json(checked).to_json()

    def run(self, ctx: Context) -> Evidence:
        session = ctx.require_session()
        if not session.previous_tag:
            return MigrationEvidence(status="first-release").to_json()
        for blocker in self.check(ctx):
            raise ConsoleError(str(blocker))
        rel = ctx.policy.migration
        base, head = release_commit(session), ctx.repo.head_sha()
        amended = reconcile.amended_commit_blocker(ctx, base, head)
        if amended:
            raise reconcile.Diverged(f"{amended} Nothing was changed.",
                                     remedy=f"Put it back with `git reset --hard {base[:12]}` "
                                     "(keeping your change on another branch), or abandon this "
                                     "release and start again.")
        commit = commit_files(ctx, [rel], commit_message(ctx)) if modified(ctx, rel) else ""
        return self.evidence(ctx, commit)


STEP = MigrationStep()
