"""``provenance-index.json``: the verification materials of a release in one document.

After bao-kms-provider's release policy: the source commit, the tag, every artifact with its size,
sha256, signature file and signer, the smoke sign-offs, and the journal head hash that ties the
index to the audit trail. Digests are computed afresh and must agree with the checksums step, so the
index cannot describe bytes other than those that were checked and signed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from services import artifacts, checksums
from services.atomic import write_bytes_atomic
from services.errors import ConsoleError
from services.evidence import ChecksumsEvidence, SignEvidence, TagEvidence
from services.session import Session
from services.session_lifecycle import release_commit
from services.signing import BACKENDS, Backend, Overrides, SigningError, make_backend
from services.step_protocol import Context

SCHEMA = 1
FILE_NAME = "provenance-index.json"  # the one spelling: the GitHub upload list imports it


class ProvenanceError(ConsoleError):
    """The index cannot be written truthfully (artifacts changed, release not far enough)."""


def _tag_object(ctx: Context, tag: str) -> str:
    if not ctx.repo.tag_exists(tag):
        return ""
    return ctx.repo.git("rev-parse", f"refs/tags/{tag}").strip()


def _verifier(ctx: Context, backend_name: str) -> Backend | None:
    """The backend that checks signatures against the policy's pin (None: nothing is signed)."""
    if backend_name not in BACKENDS:
        return None
    return make_backend(ctx.policy, ctx.root, Overrides(backend=backend_name), verifying=True)


def build(ctx: Context, session: Session) -> dict[str, Any]:
    listed = artifacts.for_session(ctx)
    problems = artifacts.blockers(listed, ctx.root)
    if problems:
        raise ProvenanceError(str(problems[0]))
    digests = checksums.hash_files([a.path for a in listed], ctx.progress)
    changed = checksums.changed_since_recorded(digests, checksums.recorded_digests(session))
    if changed:
        raise ProvenanceError(f"{', '.join(changed)} changed since its checksum was made; the "
                              "index was not written.",
                              remedy="Find out why. If it was rebuilt, test and sign it off "
                              f"again, then {artifacts.REDO_SMOKE} (or release a new version once "
                              "the tag is made).")
    sign_ev = session.evidence(SignEvidence) or SignEvidence()
    tag_ev = session.evidence(TagEvidence) or TagEvidence()
    signed = {i.get("artifact"): i for i in sign_ev.signatures}
    backend_name = str(sign_ev.backend or ctx.policy.signing_backend)
    verifier = _verifier(ctx, backend_name)
    entries = []
    for artifact, digest in zip(listed, digests, strict=True):
        entry: dict[str, Any] = {"name": artifact.name, "arch": artifact.arch,
                                 "size": digest.size, "sha256": digest.sha256}
        per_file = ctx.policy.checksum_file_for(artifact.name)
        if per_file and (artifact.path.parent / per_file).exists():
            entry["checksum_file"] = Path(per_file).name
        sig_path = verifier.signature_path(artifact.path) if verifier is not None else None
        if verifier is not None and sig_path is not None and sig_path.exists():
            entry["signature"] = _signature(verifier, artifact.path, sig_path,
                                            signed.get(artifact.name), ctx.root)
        entries.append(entry)
    combined = (session.evidence(ChecksumsEvidence) or ChecksumsEvidence()).combined
    return {
        "schema": SCHEMA,
        "project": ctx.policy.project_name or ctx.root.name,
        "repository": ctx.policy.project.repository,
        "version": session.version,
        "tag": session.tag,
        "tag_object": tag_ev.object or _tag_object(ctx, session.tag),
        "tag_signer": tag_ev.signer or "",
        "source_commit": tag_ev.commit or release_commit(session) or ctx.repo.head_sha(),
        "generated_at": ctx.now_iso(),
        "signing": {"backend": backend_name,
                    "pinned_key": sign_ev.pinned_key or "", "signer": sign_ev.signer or ""},
        "artifacts": entries,
        "checksums_combined": Path(str(combined)).name if combined else "",
        "smoke": session.data.get("smoke", {}),
        "journal": {"head": session.journal_head, "entries": session.journal_count},
    }


def _signature(verifier: Backend, artifact: Path, sig_path: Path,
               signed: Mapping[str, Any] | None, root: Path) -> dict[str, Any]:
    """The signature beside ``artifact``, verified now with the pin: a signer is named only when
    the signature proves it, so the index never vouches for a file that does not verify."""
    try:
        found = verifier.verify(artifact, sig_path)
    except SigningError as err:
        raise ProvenanceError(
            f"{artifacts.display_path(sig_path, root)} does not verify with the pinned key "
            f"({err.message.rstrip('.')}); the index was not written.",
            remedy="Restore the signature the sign step made (its sha256 is in the session "
            "evidence) or sign the artifact again, then run provenance again.") from None
    sig_sha = hashlib.sha256(sig_path.read_bytes()).hexdigest()
    return {
        "file": sig_path.name,
        "backend": verifier.name,
        "signer": found.signer,
        "pinned_key": verifier.pin_description(),
        "verified": True,
        "sha256": sig_sha,
        "verified_at_signing": signed is not None and signed.get("signature_sha256") == sig_sha,
    }


def default_path(ctx: Context) -> Path:
    return artifacts.artifacts_dir(ctx.policy, ctx.root) / FILE_NAME


def write(ctx: Context, output: Path | None = None) -> tuple[Path, dict[str, Any]]:
    """Write the index (atomically) and journal its digest."""
    session = ctx.require_session()
    index = build(ctx, session)
    target = output or default_path(ctx)
    data = (json.dumps(index, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    target.parent.mkdir(parents=True, exist_ok=True)
    write_bytes_atomic(target, data)
    ctx.record("provenance", "written", outputs={
        "path": artifacts.display_path(target, ctx.root),
        "sha256": hashlib.sha256(data).hexdigest(),
        "journal_head": index["journal"]["head"],
    })
    return target, index
