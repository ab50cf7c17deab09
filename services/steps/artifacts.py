"""Step ``artifacts``: every artifact the policy expects, per architecture, is present, not empty
and written after the release commit (a build folder left from before the release's changes,
whose names still match, is refused before it is tested, signed and published)."""

from __future__ import annotations

from services import artifacts
from services.step_protocol import Blocker, Context, Evidence, Plan, Step, StepFailed
from services.wording import counted


class Artifacts(Step):
    id = "artifacts"

    def check(self, ctx: Context) -> list[Blocker]:
        found = artifacts.for_session(ctx)
        return artifacts.session_blockers(ctx, found) + artifacts.stale_blockers(ctx, found)

    def plan(self, ctx: Context) -> Plan:
        found = artifacts.for_session(ctx)
        plan = Plan(summary=f"Record the {counted(len(found), 'expected artifact')}, their sizes "
                    "and when they were written.")
        for a in found:
            state = a.problem or artifacts.human_size(a.size)
            if a.mtime_ns is not None:
                state += f", modified {artifacts.utc_stamp(a.mtime_ns / 10**9)}"
            plan.notes.append(f"{a.arch or '-'}: {artifacts.display_path(a.path, ctx.root)} "
                              f"({state})")
        made = artifacts.commit_time(ctx)
        if found and made:
            plan.notes.append(
                f"Each must be modified no earlier than the release commit {made[0][:12]} was "
                f"made ({artifacts.utc_stamp(made[1])}): an older file is a build from before "
                "the release's changes, and is refused.")
        if not found:
            plan.notes.append("The policy lists no artifacts ([[artifacts.files]] in "
                              "release.toml); this release ships none.")
        return plan

    def run(self, ctx: Context) -> Evidence:
        found = artifacts.for_session(ctx)
        problems = artifacts.session_blockers(ctx, found) + artifacts.stale_blockers(ctx, found)
        if problems:
            raise StepFailed(str(problems[0]))
        evidence: Evidence = {
            "artifacts": [a.to_json(ctx.root) for a in found],
            "dir": artifacts.display_path(artifacts.artifacts_dir(ctx.policy, ctx.root), ctx.root)}
        made = artifacts.commit_time(ctx)
        if made:  # what "written after the release commit" was measured against
            evidence["built_after"] = f"{made[0]} ({artifacts.utc_stamp(made[1])})"
        return evidence


STEP = Artifacts()
