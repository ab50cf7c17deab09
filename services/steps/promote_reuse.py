"""Step ``reuse-signoffs``: the candidate's smoke sign-offs carried over where the bytes match.

See :mod:`services.promote_signoffs`. It never blocks: an architecture whose stable artifacts are
other bytes is simply left for the smoke step to ask for a new test.
"""

from __future__ import annotations

from services import artifacts, promote
from services.promote_signoffs import reuse_signoffs
from services.step_protocol import Blocker, Context, Evidence, Plan, Step


class ReuseSignoffs(Step):
    id = "reuse-signoffs"

    def check(self, ctx: Context) -> list[Blocker]:
        return artifacts.session_blockers(ctx)

    def plan(self, ctx: Context) -> Plan:
        rc_tag = promote.recorded(ctx.require_session()).get("rc_tag", "the candidate")
        return Plan(summary=f"Hash the stable artifacts and reuse each {rc_tag} sign-off whose "
                    "files have the same sha256.")

    def run(self, ctx: Context) -> Evidence:
        return reuse_signoffs(ctx).to_json()


STEP = ReuseSignoffs()
