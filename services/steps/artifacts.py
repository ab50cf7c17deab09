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

    def revalidate(self, ctx: Context) -> list[Blocker]:
        """Done: the file-time rule again on the files there now (cheap: a stat each and the
        release commit's time, cached). A file put there since with an old time (``cp -p``,
        ``rsync -a``, an old build folder restored) would pass every later check: they compare
        sha256s only from the smoke sign-off on, so the sign-off would name the old bytes and
        they would be signed. A newer file passes here: from the sign-off on, its digest is
        what the later steps hold it to."""
        stale = artifacts.stale_blockers(ctx, artifacts.for_session(ctx), offer=False)
        if not stale:
            return []
        build = artifacts.release_build(ctx.policy, ctx.require_session())
        rebuild = "`release-console run artifacts --build`" if build else \
            "rebuild it, then `release-console run artifacts`"
        remedy = (f'Redo the step (the steps after it run again): `release-console redo '
                  f'artifacts --reason "..."`, then {rebuild}.')
        tui = "Press o to redo this step (the steps after it run again), then " + (
            "b to build and n." if build else "rebuild it and press n.")
        return [Blocker(b.reason, remedy, tui) for b in stale]

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
