"""Step ``yank-changelog``: the PAI yank note under the version's CHANGELOG heading, committed.

The reason and the replacement version come from the yank session
(``session.data["yank"] = {"reason": ..., "replacement": ...}``), read by
:func:`services.yank.yank_inputs` as the GitHub half reads them. Applying it twice changes
nothing, so an interrupted run can simply be run again.
"""

from __future__ import annotations

import hashlib
from typing import Any

from services import changelog
from services.changelog import Change, commit_files, modified
from services.errors import ConsoleError
from services.step_protocol import Blocker, Context, Evidence, FileChange, Plan, Step
from services.yank import yank_inputs


def plan_yank(ctx: Context) -> Change:
    session = ctx.require_session()
    reason, replacement = yank_inputs(ctx)
    if not reason or not replacement:
        raise ConsoleError(
            f"The yank of {session.tag} needs a reason and a replacement version.",
            remedy="Give both when starting the yank (the yank wizard asks for them).")
    rel = ctx.policy.changelog
    return changelog.yank(changelog.load(ctx.path(rel), rel), session.version, reason,
                          replacement)


class YankChangelog(Step):
    id = "yank-changelog"
    description = ("Add the YANKED mark to the version's CHANGELOG heading and the note under it "
                   "(reason, replacement version, link to MIGRATION.md), and commit it.")

    def check(self, ctx: Context) -> list[Blocker]:
        rel = ctx.policy.changelog
        try:
            change = plan_yank(ctx)
        except ConsoleError as err:
            return [Blocker(err.message, err.remedy)]
        if not change.changed:
            return []
        blockers: list[Blocker] = []
        if modified(ctx, rel):
            blockers.append(Blocker(f"{rel} has uncommitted changes.",
                                    "Commit or discard them before adding the yank note."))
        return blockers

    def plan(self, ctx: Context) -> Plan:
        rel = ctx.policy.changelog
        try:
            change = plan_yank(ctx)
        except ConsoleError as err:
            return Plan(summary=f"Cannot add the yank note: {err}")
        if not change.changed:
            return Plan(summary=change.summary)
        tag = ctx.require_session().tag
        return Plan(summary=change.summary, changes=[FileChange(rel, change.diff(rel))],
                    commands=[f"git add {rel}", f'git commit -m "Yank {tag}: changelog note"'])

    def run(self, ctx: Context) -> Evidence:
        rel = ctx.policy.changelog
        for blocker in self.check(ctx):
            raise ConsoleError(str(blocker))
        change = plan_yank(ctx)
        evidence: dict[str, Any] = {"file": rel, **change.facts}
        if not change.changed:
            evidence["already"] = True
            return evidence
        change.write()
        evidence["commit"] = commit_files(ctx, [rel],
                                          f"Yank {ctx.require_session().tag}: changelog note")
        evidence["sha256"] = hashlib.sha256(change.data()).hexdigest()
        return evidence


STEP = YankChangelog()
