"""Step ``handoff``: carrying a release across the air gap.

When the whole release happened on one machine there is nothing to carry and the step records
that. When part of it happened on the offline workstation, the bundle export/import is needed and
this version cannot do it yet: the step says so plainly rather than pretending.
"""

from __future__ import annotations

from services.evidence import PreflightEvidence
from services.step_protocol import Blocker, Context, Evidence, Plan, Step


def went_offline(ctx: Context) -> bool:
    """True when this machine is the air-gapped one or an earlier step ran offline."""
    if ctx.offline or ctx.policy.offline:
        return True
    preflight = ctx.require_session().evidence(PreflightEvidence)
    return bool(preflight and preflight.offline)


class Handoff(Step):
    id = "handoff"
    description = (
        "Carry the release between the online machine and the air-gapped signing workstation in a "
        "verified bundle. When everything was signed on this machine, there is nothing to carry."
    )

    def check(self, ctx: Context) -> list[Blocker]:
        if went_offline(ctx):
            return [Blocker(
                "This release crosses the air gap, and bundle export/import is not built into "
                "this version of Release Console yet.",
                "Carry the repository (`git bundle create`) and .release/<tag>/ across by hand, "
                "verify them, then `release-console skip handoff --reason \"carried by hand\"`.",
            )]
        return []

    def plan(self, ctx: Context) -> Plan:
        return Plan(summary="Record that no hand-off is needed: the release was prepared, signed "
                    "and tagged on this machine.")

    def run(self, ctx: Context) -> Evidence:
        return {"needed": False, "reason": "prepared, signed and tagged on this machine"}


STEP = Handoff()
