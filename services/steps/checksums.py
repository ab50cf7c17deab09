"""Step ``checksums``: sha256 of every artifact, written as ``sha256sum -c`` files.

One ``<artifact>.sha256`` per artifact (the PAI way) and, when the policy names one, a combined list
(``SHA256SUMS``, ``checksums.txt``). The digests are compared with the smoke sign-offs, so the
checksums published are those of the bytes that were tested.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from services import artifacts, checksums, smoke
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


REDO_SMOKE = '`release-console redo smoke --reason "..."`'


def changed_since(ctx: Context, recorded: list[dict[str, Any]], what: str) -> list[Blocker]:
    """Artifacts whose size or modification time moved since a step recorded them (no hashing)."""
    result = []
    directory = artifacts.artifacts_dir(ctx.policy, ctx.root)
    for item in recorded:
        if "mtime_ns" not in item:
            continue  # recorded before sizes and times were kept
        path = directory / str(item.get("name"))
        shown = artifacts.display_path(path, ctx.root)
        try:
            info = os.stat(path)
        except OSError:
            result.append(Blocker(f"{shown} is gone since {what}.",
                                  f"Rebuild it and start again from the smoke test: {REDO_SMOKE}."))
            continue
        if (info.st_size, info.st_mtime_ns) != (item.get("size"), item.get("mtime_ns")):
            result.append(Blocker(
                f"{shown} changed since {what} (its size or modification time differs).",
                f"If it was rebuilt, test and sign it off again; then {REDO_SMOKE}."))
    return result


def written_file_blockers(ctx: Context, files: list[dict[str, Any]], what: str) -> list[Blocker]:
    """Small files a step wrote (checksum lists, signatures) that are gone or were edited since."""
    result = []
    for item in files:
        path = ctx.root / str(item.get("path"))
        try:
            data = path.read_bytes()
        except OSError:
            result.append(Blocker(f"{item.get('path')}, written by {what}, is gone."))
            continue
        if hashlib.sha256(data).hexdigest() != item.get("sha256"):
            result.append(Blocker(f"{item.get('path')} was changed after {what} wrote it."))
    return result


class Checksums(Step):
    id = "checksums"
    title = "Checksums"
    description = ("sha256 of every artifact, streamed and in parallel with progress; "
                   "sha256sum-compatible .sha256 files (and a combined list if the policy names one).")

    def check(self, ctx: Context) -> list[Blocker]:
        return artifacts.blockers(listed(ctx), ctx.root) + smoke.failed_blockers(ctx)

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
        problems = artifacts.blockers(found, ctx.root) + smoke.failed_blockers(ctx)
        if problems:
            raise StepFailed(str(problems[0]))
        digests = checksums.hash_files([a.path for a in found], ctx.progress)
        changed = smoke_mismatches(ctx, digests)
        if changed:
            raise StepFailed(f"{', '.join(changed)} changed since the smoke test; its sign-off is "
                             "void and no checksum was written.",
                             remedy="Test the new build and sign it off again "
                             "(`release-console smoke sign --arch ARCH ...`), then "
                             f"{REDO_SMOKE}.")
        written: dict[Path, Path] = {}
        if ctx.policy.checksum_per_file:
            for digest in digests:
                written[digest.path] = checksums.write_per_file(digest, ctx.policy.checksum_per_file)
        combined = combined_path(ctx)
        evidence: Evidence = {"artifacts": [
            {"arch": a.arch, "name": a.name, "size": d.size, "sha256": d.sha256,
             "mtime_ns": d.mtime_ns,
             "checksum_file": artifacts.display_path(written[d.path], ctx.root)
             if d.path in written else ""}
            for a, d in zip(found, digests, strict=True)]}
        if combined is not None and digests:
            checksums.write_combined(digests, combined)
            evidence["combined"] = artifacts.display_path(combined, ctx.root)
        files = [*written.values(), *([combined] if "combined" in evidence and combined else [])]
        evidence["files"] = [{"path": artifacts.display_path(f, ctx.root),
                              "sha256": hashlib.sha256(f.read_bytes()).hexdigest()} for f in files]
        return evidence

    def revalidate(self, ctx: Context) -> list[Blocker]:
        record = ctx.require_session().steps.get(self.id)
        evidence = record.evidence if record else {}
        return (changed_since(ctx, list(evidence.get("artifacts", [])), "its checksum was made")
                + [Blocker(b.reason, "Write them again: "
                           '`release-console redo checksums --reason "..."`.')
                   for b in written_file_blockers(ctx, list(evidence.get("files", [])),
                                                  "the checksums step")])


STEP = Checksums()
