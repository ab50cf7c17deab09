"""What the two hand-off steps share: they run only through ``release-console bundle export``.

On one workstation (``[signing] workstation = "this"``) there is nothing to carry and the step
records that. With an air gap, the step *is* the export: its check tells the captain to run
``release-console bundle export`` (and where the bundle goes), and the export service records
the step done with the bundle's digest, the same way on both machines (see
``services/bundle/crossing.py``).
"""

from __future__ import annotations

from services import workstation
from services.step_protocol import Blocker, Context, Evidence, Plan, Step, StepFailed

OUTPUT_ANSWER = "bundle_output"


class HandoffStep(Step):
    direction = ""  # "to-offline" or "to-online"

    def check(self, ctx: Context) -> list[Blocker]:
        if not workstation.air_gapped(ctx.policy) or OUTPUT_ANSWER in ctx.answers:
            return []
        from services.bundle.paths import default_output

        target = default_output(ctx, self.direction)
        bound = workstation.bound_for(self.direction)
        # "there" named no place once `status`'s Next: line left the reason out
        return [Blocker(f"The release goes to {bound} now.",
                        f"Run `release-console bundle export` (it writes {target}, or pass "
                        f"--output FILE, e.g. on the USB stick) and carry the bundle to {bound}.",
                        tui="Press ctrl+s: it writes the bundle where the path field says "
                        f"(Tab to the field to change it, e.g. to the USB stick); carry it to "
                        f"{bound}.")]

    def plan(self, ctx: Context) -> Plan:
        if not workstation.air_gapped(ctx.policy):
            return Plan(summary="Record that no hand-off is needed: this release is prepared, "
                        "signed and published from one workstation.")
        if workstation.side_of(self) != workstation.this_side(ctx):  # the other one writes it
            there = workstation.written_on(self.direction)
            return Plan(summary=f"Written on {there} (`release-console bundle export` there), "
                        "not on this machine; here it is imported, verified before anything in "
                        "it is used.", commands=["release-console bundle import FILE"])
        return Plan(summary="Write the hand-off bundle (`release-console bundle export`).",
                    commands=["release-console bundle export [--output FILE]"])

    def run(self, ctx: Context) -> Evidence:
        if workstation.air_gapped(ctx.policy):
            raise StepFailed("The hand-off is made with `release-console bundle export`.")
        return {"needed": False, "reason": "signed on this workstation "
                '([signing] workstation = "this")'}
