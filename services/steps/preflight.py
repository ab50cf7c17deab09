"""Step ``preflight``: everything that must hold before a release commit is made.

Clean tree, right branch, tag free, version a valid step up, the policy's manual checklist ticked,
version references updated, vulnerability waivers unexpired, and CI green on the commit (deferred on
the offline workstation, with the reason recorded).
"""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

from services import checklist, versions
from services.blocker import as_blocker, dirty_tree_blockers
from services.errors import ConsoleError
from services.evidence import PreflightEvidence
from services.step_protocol import Blocker, Context, Evidence, Plan, Step
from services.steps.preflight_ci import ci_gate
from services.wording import mid_sentence


def expected_branch(ctx: Context) -> str:
    session = ctx.require_session()
    if session.kind == "hotfix":
        return f"hotfix/{session.tag}"
    return ctx.policy.project.default_branch


def waiver_blockers(ctx: Context) -> list[Blocker]:
    """SecAI: waivers carry mandatory expiry dates; an expired one re-fails the release."""
    if not ctx.policy.waivers:
        return []
    path = ctx.path(ctx.policy.waivers)
    if not path.exists():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        return [Blocker(f"The waivers file {ctx.policy.waivers} is not valid JSON.",
                        "Fix it; expired or unreadable waivers block a release.")]
    entries = data.get("waivers", data) if isinstance(data, dict) else data
    if not isinstance(entries, list):
        return [Blocker(f"The waivers file {ctx.policy.waivers} has no list of waivers.",
                        'Expected [{"id": "...", "expires": "YYYY-MM-DD"}, ...].')]
    today = ctx.clock().date()
    result = []
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        ident = str(entry.get("id") or entry.get("cve") or "a waiver")
        expires = str(entry.get("expires") or entry.get("expiry") or "")
        try:
            expiry = date.fromisoformat(expires[:10])
        except ValueError:
            result.append(Blocker(f"Waiver {ident} in {ctx.policy.waivers} has no valid expiry date.",
                                  "Every waiver needs an expiry (YYYY-MM-DD)."))
            continue
        if expiry < today:
            result.append(Blocker(f"Waiver {ident} in {ctx.policy.waivers} expired on {expiry}.",
                                  "Fix the finding or renew the waiver after review."))
    return result


def reference_blockers(ctx: Context, tags: list[str] | None = None) -> list[Blocker]:
    """The version references must still be found (the new version, or the last release's that
    the changelog step will replace); a pattern that no longer matches is said here, early.
    ``tags``: the repository's, when the caller has just read them (None: read here)."""
    from services.steps.changelog import ref_updates  # the very plan the changelog step makes

    try:
        ref_updates(ctx, tags=tags)
    except ConsoleError as err:
        return [Blocker(err.message, err.remedy)]
    return []


PINS = {"minisign": ("public key", "public_key"), "ssh": ("allowed-signers file", "allowed_signers")}


def pin_blockers(ctx: Context) -> list[Blocker]:
    """The pinned public half that every signature is checked against must be in the checkout
    (the secret half never is): missing, it is said here, not at the sign step after the
    artifacts are built, smoke-tested and hashed."""
    policy = ctx.policy
    if policy.signing_backend not in PINS:
        return []
    what, key = PINS[policy.signing_backend]
    value = policy.signing_public_key if key == "public_key" else policy.signing_allowed_signers
    if not value:
        return []
    path = Path(os.path.expanduser(value))
    if (path if path.is_absolute() else ctx.root / path).is_file():
        return []
    return [Blocker(f"The pinned {what} {value} ([signing] {key} in {policy.where}) does not "
                    "exist; the sign step checks every signature against it.",
                    "Commit the project's public key there (its public half only: the secret "
                    f"key is never committed), or fix [signing] {key}.")]


class Preflight(Step):
    id = "preflight"

    def check(self, ctx: Context) -> list[Blocker]:
        session = ctx.require_session()
        repo = ctx.repo
        blockers = dirty_tree_blockers(repo.dirty_paths(), "Commit or stash them; releases are cut "
                                       "from a clean tree.")
        want, branch = expected_branch(ctx), repo.branch()
        if branch != want:
            blockers.append(Blocker(f"You are on branch {branch}, not {want}.",
                                    f"Switch with `git switch {want}`."))
        if repo.tag_exists(session.tag):
            blockers.append(Blocker(f"Tag {session.tag} already exists.",
                                    "A released tag is never reused; start the next version."))
        tags = None  # read once here for the version and the references (status runs this check)
        try:
            version = versions.parse_version(session.version)
            if session.kind != "hotfix":
                tags = repo.tags()
                versions.require_greater(version, [t for t in tags if t != session.tag],
                                         ctx.policy.tag_format)
        except ConsoleError as err:
            blockers.append(as_blocker(err))
        blockers += checklist.blockers(ctx.policy, ctx.require_session(), "preflight")
        blockers += reference_blockers(ctx, tags)
        blockers += waiver_blockers(ctx)
        blockers += pin_blockers(ctx)
        return blockers

    def plan(self, ctx: Context) -> Plan:
        plan = Plan(summary="Record the pre-flight checks and ask CI about the release commit.")
        plan.notes += later_blockers(ctx)
        if ctx.offline:
            plan.notes.append("Offline: the CI check is deferred to the online machine.")
        elif ctx.policy.project.repository:
            plan.api_calls.append(
                f"GET /repos/{ctx.policy.project.repository}/commits/{{sha}}/status and check-runs")
        return plan

    def run(self, ctx: Context) -> Evidence:
        commit = ctx.repo.head_sha()
        return PreflightEvidence(
            commit=commit,
            branch=ctx.repo.branch(),
            checklist=tuple(checklist.ticked(ctx.require_session(), "preflight")),
            offline=ctx.offline,
            ci=ci_gate(ctx, commit),
            warnings=tuple(later_blockers(ctx)) or None,
        ).to_json()


def later_blockers(ctx: Context) -> list[str]:
    """What will stop a later step and is cheap to fix now: no tag key pinned (not a blocker, as
    the default policy pins none either; pinned after the release commit, it blocks the tag)."""
    from services.tagging import unpinned

    missing = unpinned(ctx.policy)
    return [] if missing is None else [f"The tag step will be blocked: "
                                       f"{mid_sentence(missing.reason)} "
                                       f"{missing.remedy}".rstrip()]


STEP = Preflight()
