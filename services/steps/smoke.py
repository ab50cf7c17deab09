"""Step ``smoke``: every architecture signed off on real hardware, for the exact bytes being released.

Sign-offs are recorded beforehand (``release-console smoke sign`` or the smoke screen); this step
checks them. Its run re-hashes every artifact, so a build swapped after testing cannot slip through
on an unchanged modification time.
"""

from __future__ import annotations

from typing import Any

from services import smoke
from services.runbook import Blocker, Context, Evidence, Plan, Step, StepFailed


class Smoke(Step):
    id = "smoke"
    title = "Hardware smoke test"
    description = ("Per architecture, each smoke check (boots, connects to network, runs Ollama, "
                   "unlocks persistence) ticked pass by a named tester on named hardware, for the "
                   "artifact being released.")

    def check(self, ctx: Context) -> list[Blocker]:
        return smoke.blockers(ctx)

    def plan(self, ctx: Context) -> Plan:
        plan = Plan(summary="Re-hash every artifact and confirm each architecture's sign-off "
                    "still matches it.")
        for status in smoke.statuses(ctx):
            plan.notes.append(status.detail)
        if not ctx.policy.architectures() or not ctx.policy.smoke_checks:
            plan.notes.append("The policy lists no architectures or no smoke checks; nothing to "
                              "sign off.")
        return plan

    def run(self, ctx: Context) -> Evidence:
        found = smoke.statuses(ctx, rehash=True)
        problems = smoke.blockers_from(found)
        if problems:
            raise StepFailed(str(problems[0]))
        return {"signoffs": {s.arch: _summary(s.signoff) for s in found}}


def _summary(entry: dict[str, Any] | None) -> dict[str, Any]:
    if entry is None:
        return {}
    return {key: entry[key] for key in ("tester", "hardware", "time", "artifact", "sha256")
            if key in entry}


STEP = Smoke()
