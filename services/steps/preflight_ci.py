"""The CI gates: pre-flight on the commit it starts from, push when that was deferred, draft on
the release commit.

Pre-flight asks CI about the commit the release starts from; offline (the air-gapped workstation)
that is deferred with a recorded reason, and the push step asks instead, on the same commit,
before anything leaves the machine. The changelog and migration commits come after pre-flight, so
the commit that is tagged has never been checked by then: the draft step asks CI about it (the
release commit) before anything is put on GitHub. Red or still-running CI blocks each gate, naming
the contexts, because a release cut from a commit CI has not passed is how broken ISOs ship.

"No CI has reported at all" is not green. At pre-flight and push it passes with a plain note (a
project without CI must stay releasable); at the draft it passes only when neither the release
commit nor the commit pre-flight checked has any CI result: if CI ran on the earlier commit, the
project has CI and the release commit must get a green result too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from services.evidence import PreflightEvidence
from services.step_protocol import Blocker, Context, Evidence, StepFailed

if TYPE_CHECKING:
    from services.github.ci import CIResult

NO_CI_NOTE = ("no CI has reported on this commit; if the project has CI, wait for it: the draft "
              "step requires CI on the release commit whenever CI reported on this one")


def ci_gate(ctx: Context, commit: str) -> Evidence:
    """Pre-flight's gate on ``commit`` (HEAD when the release starts)."""
    if ctx.offline:
        return {"status": "deferred",
                "reason": "offline workstation: CI is checked on the online machine before push"}
    if not ctx.policy.project.repository:
        return {"status": "deferred",
                "reason": "no [project] repository in the policy, so there is no CI to ask"}
    result = _ask(ctx, commit)
    if result.state == "red":
        raise StepFailed(f"CI failed on {commit[:12]}: {', '.join(result.failing)}.",
                         remedy="Fix the failures and release from a commit CI passed.")
    if result.state == "pending":
        raise StepFailed(result.summary(),
                         remedy="Wait for CI to finish, then run preflight again.")
    evidence = result.to_json()
    if result.state == "none":
        evidence["note"] = NO_CI_NOTE
    return evidence


def _ask(ctx: Context, commit: str) -> CIResult:
    from services.github.ci import ci_status
    from services.github.wiring import client_for

    return ci_status(client_for(ctx), commit)


def preflight_commit(ctx: Context) -> str:
    """The commit pre-flight looked at (the session's base commit if it recorded none)."""
    session = ctx.require_session()
    preflight = session.evidence(PreflightEvidence)
    return str(preflight.commit) if preflight and preflight.commit else session.base_commit


def deferred(ctx: Context) -> bool:
    """Did pre-flight defer its CI check (offline workstation)?"""
    preflight = ctx.require_session().evidence(PreflightEvidence, done=True)
    return preflight is not None and preflight.ci_deferred


def push_gate(ctx: Context) -> tuple[list[Blocker], Evidence | None]:
    """The CI check pre-flight deferred, made before pushing, on the commit pre-flight saw.

    Returns (blockers, evidence); (no blockers, None) when pre-flight already checked online.
    """
    if not deferred(ctx) or not ctx.policy.project.repository:
        return [], None
    commit = preflight_commit(ctx)
    result = _ask(ctx, commit)
    short = commit[:12]
    if result.state == "red":
        return [Blocker(f"CI failed on {short} (pre-flight deferred this check while offline): "
                        f"{', '.join(result.failing)}.",
                        "Fix the failures; a release is pushed only from a commit CI passed.")
                ], result.to_json()
    if result.state == "pending":
        return [Blocker(f"CI has not finished on {short} (pre-flight deferred this check "
                        f"while offline): {', '.join(result.pending)}.",
                        "Run push again when it is green.")], result.to_json()
    evidence = result.to_json()
    if result.state == "none":
        evidence["note"] = NO_CI_NOTE
    return [], evidence


def release_gate(ctx: Context, commit: str) -> tuple[list[Blocker], Evidence]:
    """CI on the release commit (what the tag points at), checked before the draft is made."""
    result = _ask(ctx, commit)
    short = commit[:12]
    evidence: dict[str, Any] = result.to_json()
    if result.state == "red":
        return [Blocker(f"CI failed on the release commit {short}: {', '.join(result.failing)}.",
                        "Nothing is put on GitHub for a commit CI failed: if the failure was "
                        "spurious, re-run the CI job and run draft again; otherwise release "
                        "the fix as a new version.")], evidence
    if result.state == "pending":
        return [Blocker(f"CI has not finished on {short}: {', '.join(result.pending)}.",
                        "Run draft again when it is green.")], evidence
    if result.state == "green":
        return [], evidence
    base = preflight_commit(ctx)
    if base and base != commit:
        earlier = _ask(ctx, base)
        if earlier.state != "none":
            return [Blocker(f"CI has not finished on {short}: nothing has reported on the "
                            f"release commit yet, though CI ran on {base[:12]}.",
                            "Run draft again when it is green.")], evidence
    evidence["note"] = (f"no CI has reported on the release commit {short}"
                        + (f" nor on {base[:12]}" if base and base != commit else "")
                        + ": this project is taken to have no CI")
    return [], evidence
