"""``provenance-index.json``: the verification materials of a release in one document.

After bao-kms-provider's release policy: the source commit, the tag, every artifact with its size,
sha256, signature file and signer, the smoke sign-offs, and the journal head hash that ties the
index to the audit trail. Digests are computed afresh and must agree with the checksums step, so the
index cannot describe bytes other than those that were checked and signed.

The functions take the policy, the repository and the session (its typed evidence), not the whole
step context; :func:`write` records through the ``record`` it is given (``Context.record``).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from services import artifacts, checksums
from services.atomic import write_bytes_atomic
from services.errors import ConsoleError, EnvironmentProblem
from services.evidence import ChecksumsEvidence, SignedList, SignEvidence, TagEvidence
from services.policy import Policy
from services.progress import ProgressSink, no_progress
from services.recorder import RecordAction
from services.session import Session
from services.session_lifecycle import release_commit
from services.signing import BACKENDS, Backend, Overrides, SigningError, make_backend

if TYPE_CHECKING:
    from services.repo import Repository

SCHEMA = 1
FILE_NAME = "provenance-index.json"  # the one spelling: the GitHub upload list imports it


class ProvenanceError(ConsoleError):
    """The index cannot be written truthfully (artifacts changed, release not far enough)."""


def _tag_object(repo: Repository, tag: str) -> str:
    if not repo.tag_exists(tag):
        return ""
    return repo.git("rev-parse", f"refs/tags/{tag}").strip()


def _verifier(policy: Policy, root: Path, backend_name: str) -> Backend | None:
    """The backend that checks signatures against the policy's pin (None: nothing is signed)."""
    if backend_name not in BACKENDS:
        return None
    return make_backend(policy, root, Overrides(backend=backend_name), verifying=True)


def build(policy: Policy, repo: Repository, session: Session, *, now: str,
          progress: ProgressSink = no_progress) -> dict[str, Any]:
    """The index of ``session``'s release as of ``now`` (every artifact hashed again)."""
    root = repo.root
    listed = artifacts.for_release(policy, root, session)
    problems = artifacts.blockers(listed, root,
                                  build=artifacts.release_build(policy, session))
    if problems:
        raise ProvenanceError(str(problems[0]))
    digests = checksums.hash_files([a.path for a in listed], progress)
    changed = checksums.changed_since_recorded(digests, checksums.recorded_digests(session))
    if changed:
        raise ProvenanceError(f"{', '.join(changed)} changed since its checksum was made; the "
                              "index was not written.",
                              remedy="Find out why. If it was rebuilt, test and sign it off "
                              f"again, then {artifacts.REDO_SMOKE} (or release a new version once "
                              "the tag is made).")
    sign_ev = session.evidence(SignEvidence) or SignEvidence()
    tag_ev = session.evidence(TagEvidence) or TagEvidence()
    signed = {i.artifact: i.signature_sha256 for i in sign_ev.signatures}
    backend_name = str(sign_ev.backend or policy.signing_backend)
    verifier = _verifier(policy, root, backend_name)
    entries = []
    for artifact, digest in zip(listed, digests, strict=True):
        entry: dict[str, Any] = {"name": artifact.name, "arch": artifact.arch,
                                 "size": digest.size, "sha256": digest.sha256}
        per_file = policy.checksum_file_for(artifact.name)
        if per_file and (artifact.path.parent / per_file).exists():
            entry["checksum_file"] = Path(per_file).name
        sig_path = verifier.signature_path(artifact.path) if verifier is not None else None
        if verifier is not None and sig_path is not None and sig_path.exists():
            entry["signature"] = _signature(verifier, artifact.path, sig_path,
                                            signed.get(artifact.name), root)
        entries.append(entry)
    combined = (session.evidence(ChecksumsEvidence) or ChecksumsEvidence()).combined
    combined_signature = _combined_signature(policy, root, verifier, combined, sign_ev)
    return {
        "schema": SCHEMA,
        "project": policy.project_name or root.name,
        "repository": policy.project.repository,
        "version": session.version,
        "tag": session.tag,
        "tag_object": tag_ev.object or _tag_object(repo, session.tag),
        "tag_signer": tag_ev.signer or "",
        "source_commit": tag_ev.commit or release_commit(session) or repo.head_sha(),
        "generated_at": now,
        "signing": {"backend": backend_name,
                    "pinned_key": sign_ev.pinned_key or "", "signer": sign_ev.signer or ""},
        "artifacts": entries,
        "checksums_combined": Path(str(combined)).name if combined else "",
        **({"checksums_combined_signature": combined_signature} if combined_signature else {}),
        "smoke": session.data.get("smoke", {}),
        "journal": {"head": session.journal_head, "entries": session.journal_count},
    }


def _combined_signature(policy: Policy, root: Path, verifier: Backend | None,
                        combined: str | None, sign_ev: SignEvidence) -> dict[str, Any] | None:
    """The combined list's signature ([checksums] sign_combined), verified now with the pin;
    refused when the policy asks for it and it is not there (the index would promise less)."""
    if not combined or verifier is None or not policy.checksum_sign_combined:
        # a signature beside a list this policy does not sign is not the release's (another
        # release's, left in a shared build folder): neither vouched for nor refused
        return None
    listed = root / combined
    sig_path = verifier.signature_path(listed)
    if not sig_path.exists():
        raise ProvenanceError(
            f"{artifacts.display_path(sig_path, root)}, the signature of the combined "
            "checksum list the policy signs, is missing; the index was not written.",
            remedy="Restore the signature the sign step made or, while no tag is made, sign "
            'the list again: `release-console redo sign --reason "..."`; then run '
            "provenance again.")
    signed = sign_ev.combined
    return _signature(verifier, listed, sig_path, signed.signature_sha256 if signed else None,
                      root, remedy=_list_remedy(listed, sig_path, signed))


ARTIFACT_REMEDY = ("Restore the signature the sign step made (its sha256 is in the session "
                   "evidence) or sign the artifact again, then run provenance again.")


def _list_remedy(listed: Path, sig_path: Path, signed: SignedList | None) -> str:
    """What to do when the combined list's signature does not verify: the list changed since it
    was signed (write and sign it again from the checksums step), or its signature did."""
    try:
        changed = signed is None or hashlib.sha256(listed.read_bytes()).hexdigest() != signed.sha256
    except OSError:
        changed = True
    if changed:
        return (f"{listed.name} changed since it was signed: restore the list that was signed "
                "(its sha256 is in the sign step's evidence) or, while no tag is made, write and "
                'sign it again: `release-console redo checksums --reason "..."`; then run '
                "provenance again.")
    return (f"Restore {sig_path.name} as the sign step made it (its sha256 is in the sign step's "
            "evidence) or, while no tag is made, move it aside and sign the list again: "
            '`release-console redo sign --reason "..."`; then run provenance again.')


def _signature(verifier: Backend, artifact: Path, sig_path: Path,
               signed_sha256: str | None, root: Path, *,
               remedy: str = ARTIFACT_REMEDY) -> dict[str, Any]:
    """The signature beside ``artifact``, verified now with the pin: a signer is named only when
    the signature proves it, so the index never vouches for a file that does not verify.
    ``remedy`` is for an artifact's signature unless told (the combined list's is signed by
    redoing the checksums step, which writes the list)."""
    try:
        found = verifier.verify(artifact, sig_path)
    except SigningError as err:
        raise ProvenanceError(
            f"{artifacts.display_path(sig_path, root)} does not verify with the pinned key "
            f"({err.message.rstrip('.')}); the index was not written.",
            remedy=remedy) from None
    sig_sha = hashlib.sha256(sig_path.read_bytes()).hexdigest()
    return {
        "file": sig_path.name,
        "backend": verifier.name,
        "signer": found.signer,
        "pinned_key": verifier.pin_description(),
        "verified": True,
        "sha256": sig_sha,
        "verified_at_signing": signed_sha256 == sig_sha,
    }


def index_path(policy: Policy, root: Path) -> Path:
    """Where the index is written by default: beside the artifacts, so it is uploaded with them."""
    return artifacts.artifacts_dir(policy, root) / FILE_NAME


def output_target(output: Path) -> Path:
    """Where ``--output`` writes: ``FILE_NAME`` in it when it is a folder, else the file named,
    in a folder that must be there (checked before anything is read). A typo's folders were
    made, ``/nonexistent`` among them when run as root; ``bundle export`` refuses the same."""
    if output.is_dir():
        return output / FILE_NAME
    folder = output.parent
    if not folder.is_dir():
        what = "is a file, not a folder" if folder.exists() else "does not exist"
        raise EnvironmentProblem(f"The folder {folder} {what}; the provenance index was not "
                                 "written.", remedy="Create it first or pick another --output.")
    return output


def write(policy: Policy, repo: Repository, session: Session, record: RecordAction, *,
          now: str, output: Path | None = None,
          progress: ProgressSink = no_progress) -> tuple[Path, dict[str, Any]]:
    """Write the index (atomically) and journal its digest."""
    target = output_target(output) if output is not None else index_path(policy, repo.root)
    index = build(policy, repo, session, now=now, progress=progress)
    data = (json.dumps(index, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    if output is None:  # the artifacts directory, the console's own: made when missing
        target.parent.mkdir(parents=True, exist_ok=True)
    write_bytes_atomic(target, data)
    record("provenance", "written", outputs={
        "path": artifacts.display_path(target, repo.root),
        "sha256": hashlib.sha256(data).hexdigest(),
        "journal_head": index["journal"]["head"],
    })
    return target, index
