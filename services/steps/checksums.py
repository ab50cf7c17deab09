"""Step ``checksums``: sha256 of every artifact, written as ``sha256sum -c`` files.

One ``<artifact>.sha256`` per artifact (the PAI way; ``[checksums] per_file`` names it, ``""`` for
none) and, when the policy names one, a combined list (``SHA256SUMS``, ``checksums.txt``). The
digests are compared with the smoke sign-offs, so the checksums published are those of the bytes
that were tested.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from services import artifacts, checksums, smoke, workstation
from services.artifacts import REDO_SMOKE, for_session
from services.evidence import ChecksumsEvidence
from services.step_protocol import Blocker, Context, Evidence, Plan, Step, StepFailed
from services.wording import counted


def combined_path(ctx: Context) -> Path | None:
    session = ctx.require_session()
    name = ctx.policy.combined_checksum_name(tag=session.tag, version=session.version)
    return artifacts.artifacts_dir(ctx.policy, ctx.root) / name if name else None


def per_file_names(ctx: Context, found: list[artifacts.Artifact]) -> dict[Path, str]:
    """``{artifact path: its checksum file's name}``; empty when the policy says ``per_file = ""``."""
    names = {}
    for artifact in found:
        name = ctx.policy.checksum_file_for(artifact.name)
        if name:
            names[artifact.path] = name
    return names


def outputs(ctx: Context, found: list[artifacts.Artifact]) -> list[Path]:
    paths = [path.parent / name for path, name in per_file_names(ctx, found).items()]
    combined = combined_path(ctx)
    if combined is not None and found:
        paths.append(combined)
    return paths


class Checksums(Step):
    id = "checksums"

    def check(self, ctx: Context) -> list[Blocker]:
        return smoke.artifact_blockers(ctx.policy, ctx.root, ctx.require_session(),
                                       for_session(ctx))

    def plan(self, ctx: Context) -> Plan:
        found = for_session(ctx)
        if workstation.done_on_signing_workstation(ctx, self):  # its files are written there
            return workstation.signing_workstation_plan(ctx, (
                f"it hashes the {counted(len(found), 'artifact')} with sha256 and writes the "
                "checksum files. They come back in the signed bundle, and its import places "
                "them beside the artifacts here."), also=())
        plan = Plan(summary=f"Hash {counted(len(found), 'artifact')} with sha256 and write the checksum "
                    "files.")
        for path in outputs(ctx, found):
            verb = "replace" if path.exists() else "create"
            plan.notes.append(f"{verb} {artifacts.display_path(path, ctx.root)}")
        if found:
            plan.commands.append("(equivalent) sha256sum " + " ".join(a.name for a in found))
        return plan

    def run(self, ctx: Context) -> Evidence:
        found = for_session(ctx)
        problems = smoke.artifact_blockers(ctx.policy, ctx.root, ctx.require_session(), found)
        if problems:  # cheap (stat and the session), and a build may have run since the check
            raise StepFailed(str(problems[0]))
        digests = checksums.hash_files([a.path for a in found], ctx.progress)
        changed = checksums.changed_since_recorded(
            digests, smoke.signed_digests(ctx.require_session()))
        if changed:
            raise StepFailed(f"{', '.join(changed)} changed since the smoke test; its sign-off is "
                             "void and no checksum was written.",
                             remedy="Test the new build and sign it off again "
                             "(`release-console smoke sign --arch ARCH ...`), then "
                             f"{REDO_SMOKE}.")
        names = per_file_names(ctx, found)
        written = {d.path: checksums.write_per_file(d, names[d.path])
                   for d in digests if d.path in names}
        combined = combined_path(ctx)
        entries = tuple(
            {"arch": a.arch, "name": a.name, "size": d.size, "sha256": d.sha256,
             "mtime_ns": d.mtime_ns,
             "checksum_file": artifacts.display_path(written[d.path], ctx.root)
             if d.path in written else ""}
            for a, d in zip(found, digests, strict=True))
        shown_combined = None
        if combined is not None and digests:
            checksums.write_combined(digests, combined)
            shown_combined = artifacts.display_path(combined, ctx.root)
        files = [*written.values(), *([combined] if shown_combined and combined else [])]
        return ChecksumsEvidence(
            artifacts=entries, combined=shown_combined,
            files=tuple({"path": artifacts.display_path(f, ctx.root),
                         "sha256": hashlib.sha256(f.read_bytes()).hexdigest()} for f in files),
        ).to_json()

    def revalidate(self, ctx: Context) -> list[Blocker]:
        evidence = ctx.require_session().evidence(ChecksumsEvidence) or ChecksumsEvidence()
        written = artifacts.written_file_blockers(ctx.root, evidence.files, "the checksums step")
        return (artifacts.changed_since(ctx.policy, ctx.root, evidence.artifacts,
                                        "its checksum was made")
                + [Blocker(b.reason, 'Write them again: `release-console redo checksums '
                           '--reason "..."`.') for b in written])


STEP = Checksums()
