"""The CI gate of the preflight step: is CI green on the release commit?

Offline (the air-gapped workstation) the gate is deferred with a recorded reason; the online side
re-checks before pushing. Until a GitHub repository is configured there is nothing to ask.
"""

from __future__ import annotations

from services.runbook import Context, Evidence


def ci_gate(ctx: Context, commit: str) -> Evidence:
    if ctx.offline:
        return {"status": "deferred",
                "reason": "offline workstation: CI is checked on the online machine before push"}
    if not ctx.policy.project.repository:
        return {"status": "deferred",
                "reason": "no [project] repository in the policy, so there is no CI to ask"}
    return {"status": "deferred", "reason": "the CI gate is not built into this version yet"}
