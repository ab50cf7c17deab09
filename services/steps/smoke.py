"""Step ``smoke``: every architecture signed off on real hardware, for the exact bytes being released.

Sign-offs are recorded beforehand (``release-console smoke sign`` or the smoke screen); this step
checks them. Its run re-hashes every artifact, so a build swapped after testing cannot slip through
on an unchanged modification time.
"""

from __future__ import annotations

from typing import Any

from services import artifacts, checksums, smoke, workstation
from services.step_protocol import Blocker, Context, Evidence, Plan, Step, StepFailed


class Smoke(Step):
    id = "smoke"

    def check(self, ctx: Context) -> list[Blocker]:
        return smoke.blockers(ctx.policy, ctx.root, ctx.require_session(), progress=ctx.progress)

    def plan(self, ctx: Context) -> Plan:
        plan = Plan(summary="Re-hash every artifact and confirm each architecture's sign-off "
                    "still matches it.")
        if workstation.done_on_signing_workstation(ctx, self):
            plan = workstation.signing_workstation_plan(ctx, (
                "it re-hashes every artifact there and confirms each architecture's sign-off "
                "still matches it. Sign-offs recorded here (`release-console smoke sign --arch ARCH ...`) "
                "before the export travel in the bundle."), also=())
        plan.notes += smoke.plan_notes(smoke.statuses(ctx.policy, ctx.root, ctx.require_session(),
                                                      progress=ctx.progress))
        if not ctx.policy.architectures() or not ctx.policy.smoke_checks:
            plan.notes.append("The policy lists no architectures or no smoke checks; nothing to "
                              "sign off.")
        return plan

    def run(self, ctx: Context) -> Evidence:
        usable = [a.path for a in artifacts.for_session(ctx) if a.ok]
        observed = {d.path.name: d for d in checksums.hash_files(usable, ctx.progress)}
        found = smoke.statuses(ctx.policy, ctx.root, ctx.require_session(), rehash=True,
                               observed=observed, progress=ctx.progress)
        problems = smoke.blockers_from(found)
        if problems:
            raise StepFailed(str(problems[0]))
        checked = []
        for status in found:
            for name in sorted((status.signoff or {}).get("files", {})):
                digest = observed[name]
                checked.append({"arch": status.arch, "name": name, "sha256": digest.sha256,
                                "size": digest.size, "mtime_ns": digest.mtime_ns})
        # Plain strings per architecture (the CLI prints them); the list is for revalidation.
        return {"signoffs": {s.arch: _summary(s.signoff) for s in found}, "checked": checked}

    def revalidate(self, ctx: Context) -> list[Blocker]:
        session = ctx.require_session()
        record = session.steps.get(self.id)
        checked = list(record.evidence.get("checked", [])) if record else []
        if not checked:  # a record from before the step kept what it checked
            for arch, entry in smoke.signoffs(session).items():
                checked += [{"arch": arch, "name": name, **info}
                            for name, info in entry.get("files", {}).items()]
        return smoke.revalidate(ctx.policy, ctx.root, session, checked)


def _summary(entry: dict[str, Any] | None) -> str:
    if entry is None:
        return "no sign-off"
    sha = str(entry.get("sha256", ""))
    return (f"{entry.get('tester')} on {entry.get('hardware')} at {entry.get('time')}"
            + (f" (sha256 {sha[:12]}…)" if sha else ""))


STEP = Smoke()
