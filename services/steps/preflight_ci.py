"""The CI gate of the preflight step: is CI green on the release commit?

Offline (the air-gapped workstation) the gate is deferred with a recorded reason; the online side
re-checks before pushing. Red or pending CI fails preflight, naming the contexts, because a release
cut from a commit CI has not passed is how broken ISOs ship.
"""

from __future__ import annotations

from services.runbook import Context, Evidence, StepFailed


def ci_gate(ctx: Context, commit: str) -> Evidence:
    if ctx.offline:
        return {"status": "deferred",
                "reason": "offline workstation: CI is checked on the online machine before push"}
    if not ctx.policy.project.repository:
        return {"status": "deferred",
                "reason": "no [project] repository in the policy, so there is no CI to ask"}
    from services.github.ci import ci_status
    from services.github.wiring import client_for

    result = ci_status(client_for(ctx), commit)
    if result.state == "red":
        raise StepFailed(f"CI failed on {commit[:12]}: {', '.join(result.failing)}.",
                         remedy="Fix the failures and release from a commit CI passed.")
    if result.state == "pending":
        raise StepFailed(result.summary(),
                         remedy="Wait for CI to finish, then run preflight again.")
    return result.to_json()
