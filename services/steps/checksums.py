"""Step ``checksums``: sha256 of every artifact, written as ``sha256sum -c`` files.

One ``<artifact>.sha256`` per artifact (the PAI way) and, when the policy names one, a combined list
(``SHA256SUMS``, ``checksums.txt``). The digests are compared with the smoke sign-offs, so the
checksums published are those of the bytes that were tested.
"""

from __future__ import annotations

from pathlib import Path

from services import artifacts, checksums
from services.runbook import Blocker, Context, Evidence, Plan, Step, StepFailed
from services.steps.artifacts import listed


def combined_path(ctx: Context) -> Path | None:
    if not ctx.policy.checksum_combined:
        return None
    session = ctx.require_session()
    name = ctx.policy.checksum_combined.format(tag=session.tag, version=session.version)
    return artifacts.artifacts_dir(ctx.policy, ctx.root) / name


def outputs(ctx: Context, found: list[artifacts.Artifact]) -> list[Path]:
    paths = []
    if ctx.policy.checksum_per_file:
        paths += [checksums.per_file_path(ctx.policy.checksum_per_file, a.path) for a in found]
    combined = combined_path(ctx)
    if combined is not None and found:
        paths.append(combined)
    return paths


def smoke_mismatches(ctx: Context, digests: list[checksums.Digest]) -> list[str]:
    """Artifacts whose digest differs from the one their smoke sign-off recorded."""
    session = ctx.require_session()
    recorded: dict[str, str] = {}
    for entry in session.data.get("smoke", {}).values():
        for name, info in entry.get("files", {}).items():
            recorded[name] = info.get("sha256", "")
    return [d.path.name for d in digests
            if d.path.name in recorded and recorded[d.path.name] != d.sha256]


class Checksums(Step):
    id = "checksums"
    title = "Checksums"
    description = ("sha256 of every artifact, streamed and in parallel with progress; "
                   "sha256sum-compatible .sha256 files (and a combined list if the policy names one).")

    def check(self, ctx: Context) -> list[Blocker]:
        return artifacts.blockers(listed(ctx), ctx.root)

    def plan(self, ctx: Context) -> Plan:
        found = listed(ctx)
        plan = Plan(summary=f"Hash {len(found)} artifact(s) with sha256 and write the checksum "
                    "files.")
        for path in outputs(ctx, found):
            verb = "replace" if path.exists() else "create"
            plan.notes.append(f"{verb} {artifacts.display_path(path, ctx.root)}")
        if found:
            plan.commands.append("(equivalent) sha256sum " + " ".join(a.name for a in found))
        return plan

    def run(self, ctx: Context) -> Evidence:
        found = listed(ctx)
        problems = artifacts.blockers(found, ctx.root)
        if problems:
            raise StepFailed(str(problems[0]))
        digests = checksums.hash_files([a.path for a in found], ctx.progress)
        changed = smoke_mismatches(ctx, digests)
        if changed:
            raise StepFailed(f"{', '.join(changed)} changed since the smoke test; its sign-off is "
                             "void and no checksum was written.",
                             remedy="Test the new build and sign off again.")
        written: dict[Path, Path] = {}
        if ctx.policy.checksum_per_file:
            for digest in digests:
                written[digest.path] = checksums.write_per_file(digest, ctx.policy.checksum_per_file)
        combined = combined_path(ctx)
        evidence: Evidence = {"artifacts": [
            {"arch": a.arch, "name": a.name, "size": d.size, "sha256": d.sha256,
             "checksum_file": artifacts.display_path(written[d.path], ctx.root)
             if d.path in written else ""}
            for a, d in zip(found, digests, strict=True)]}
        if combined is not None and digests:
            checksums.write_combined(digests, combined)
            evidence["combined"] = artifacts.display_path(combined, ctx.root)
        return evidence


STEP = Checksums()
