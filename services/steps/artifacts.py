"""Step ``artifacts``: every artifact the policy expects, per architecture, is present and not empty."""

from __future__ import annotations

from services import artifacts
from services.step_protocol import Blocker, Context, Evidence, Plan, Step, StepFailed
from services.wording import counted


class Artifacts(Step):
    id = "artifacts"

    def check(self, ctx: Context) -> list[Blocker]:
        return artifacts.session_blockers(ctx)

    def plan(self, ctx: Context) -> Plan:
        found = artifacts.for_session(ctx)
        plan = Plan(summary=f"Record the {counted(len(found), 'expected artifact')} and their sizes.")
        for a in found:
            state = a.problem or artifacts.human_size(a.size)
            plan.notes.append(f"{a.arch or '-'}: {artifacts.display_path(a.path, ctx.root)} "
                              f"({state})")
        if not found:
            plan.notes.append("The policy lists no artifacts ([[artifacts.files]] in "
                              "release.toml); this release ships none.")
        return plan

    def run(self, ctx: Context) -> Evidence:
        found = artifacts.for_session(ctx)
        problems = artifacts.session_blockers(ctx, found)
        if problems:
            raise StepFailed(str(problems[0]))
        return {"artifacts": [a.to_json(ctx.root) for a in found],
                "dir": artifacts.display_path(artifacts.artifacts_dir(ctx.policy, ctx.root),
                                              ctx.root)}


STEP = Artifacts()
