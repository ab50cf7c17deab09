"""Step ``sign``: a detached signature for every artifact, made with the pinned key on the token.

Before signing, the artifacts are hashed again and compared with the checksums step, so what is
signed is what was checked (and smoke-tested). Each signature is verified with the pinned public key
before it is written beside its artifact. A passphrase is asked only when the backend needs one, and
only if something actually has to be signed (a resumed run keeps signatures that verify).
"""

from __future__ import annotations

import hashlib
import weakref
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from services import artifacts, checksums, smoke, workstation
from services.artifacts import REDO_SMOKE, for_session
from services.errors import ConsoleError
from services.evidence import ChecksumsEvidence, SignedArtifact, SignedList, SignEvidence
from services.signing import (
    PASSPHRASE_OPTION,
    Backend,
    make_backend,
    passphrase_source,
    signer_lines,
    terminal,
    trusted_comment,
)
from services.signing.batch import Signed, sign_files
from services.signing.set_aside import aside_target, earlier_release_signature, move_aside
from services.step_protocol import Blocker, Context, Evidence, Plan, Step, StepFailed
from services.step_status import StepStatus
from services.wording import counted

_BACKENDS: dict[int, tuple[weakref.ref[Context], Backend]] = {}


def backend_for(ctx: Context) -> Backend | None:
    """The policy's backend, one per context (None for ``backend = "none"``).

    The engine checks a step right before running it, and the screen loads its status, plan and
    key panel from one context: sharing the backend shares its readiness, so gpg's three
    subprocesses (``--card-status`` among them) run once per load or run, not three times. Every
    CLI command and TUI worker makes a fresh context, so nothing older than that is reused.
    """
    if ctx.policy.signing_backend == "none":
        return None
    key = id(ctx)
    cached = _BACKENDS.get(key)
    if cached is not None and cached[0]() is ctx:
        return cached[1]
    backend = make_backend(ctx.policy, ctx.root)
    _BACKENDS[key] = (weakref.ref(ctx, lambda _gone: _BACKENDS.pop(key, None)), backend)
    return backend


def combined_list(ctx: Context) -> Path | None:
    """The combined checksum list the sign step signs too (``[checksums] sign_combined``)."""
    session = ctx.require_session()
    name = ctx.policy.signed_combined_name(tag=session.tag, version=session.version)
    return artifacts.artifacts_dir(ctx.policy, ctx.root) / name if name else None


def _what(ctx: Context, found: list[artifacts.Artifact]) -> str:
    """"2 artifacts" or "2 artifacts and SHA256SUMS": what the step signs."""
    combined = combined_list(ctx)
    return counted(len(found), "artifact") + (f" and {combined.name}" if combined else "")


def signed_there(ctx: Context, backend: Backend, found: list[artifacts.Artifact]) -> str:
    """What the signing workstation does, for the online machine's plan (no key paths: they
    are the other machine's; a token only when the pinned key is on one)."""
    holder = "its token" if ctx.needs_token(STEP) else "its key"
    return (f"{holder} signs the {_what(ctx, found)} with {backend.name}, pinned "
            f"to {backend.pin_description()}, and verifies each signature at once. The "
            "signatures come back in the signed bundle, and its import places them beside the "
            "artifacts here.")


class Sign(Step):
    id = "sign"

    def check(self, ctx: Context) -> list[Blocker]:
        found = for_session(ctx)
        blockers = smoke.artifact_blockers(ctx.policy, ctx.root, ctx.require_session(), found)
        backend = backend_for(ctx)
        if backend is not None and found:
            try:  # fresh: the token may have been plugged in since the last look
                blockers += backend.readiness(fresh=True).blockers
            except ConsoleError as err:
                blockers.append(Blocker(err.message, err.remedy))
        return blockers

    def plan(self, ctx: Context) -> Plan:
        found = for_session(ctx)
        backend = backend_for(ctx)
        if backend is None:
            return Plan(summary="The policy says signing.backend = \"none\"; nothing is signed.")
        if workstation.done_on_signing_workstation(ctx, self):  # its key paths are not here
            return workstation.signing_workstation_plan(ctx, signed_there(ctx, backend, found))
        plan = Plan(summary=f"Sign {_what(ctx, found)} with {backend.name}, pinned to "
                    f"{backend.pin_description()}, and verify each signature at once.")
        combined = combined_list(ctx)
        paths = [a.path for a in found] + ([combined] if combined and found else [])
        earlier = _earlier_signatures(ctx, backend, paths)
        for path in paths:
            sig = backend.signature_path(path)
            verb = "keep if it verifies" if sig.exists() else "create"
            if path in earlier:
                verb = (f"move aside to {artifacts.display_path(_set_aside_dir(ctx), ctx.root)}/ "
                        f"(it signs another {'list' if path == combined else 'file'}: an earlier "
                        "release's) and create")
            plan.notes.append(f"{verb} {artifacts.display_path(sig, ctx.root)}")
        ready = backend.readiness()
        plan.notes[:0] = signer_lines(backend, ready)
        if ready.needs_passphrase:
            plan.notes.append(f"{ready.prompt} is asked (or {PASSPHRASE_OPTION}); never stored.")
        if ready.notice:
            plan.notes.append(ready.notice)
        return plan

    def run(self, ctx: Context) -> Evidence:
        found = for_session(ctx)
        problems = smoke.artifact_blockers(ctx.policy, ctx.root, ctx.require_session(), found)
        if problems:  # cheap; the token's readiness is what the engine's check just found
            raise StepFailed(str(problems[0]))
        backend = backend_for(ctx)
        if backend is None:
            return SignEvidence(backend="none").to_json()
        session = ctx.require_session()
        digests = checksums.hash_files([a.path for a in found], ctx.progress)
        changed = checksums.changed_since_recorded(digests, checksums.recorded_digests(session))
        if changed:
            raise StepFailed(f"{', '.join(changed)} changed since its checksum was made; nothing "
                             "was signed.", remedy="Find out why; if it was rebuilt, test and "
                             f"sign it off again, then {REDO_SMOKE}.")
        ready = backend.readiness()
        prompt = ready.prompt or f"Passphrase for the {backend.name} key"
        combined = _checked_list(ctx) if found else None
        paths = [a.path for a in found] + ([combined.path] if combined else [])
        moved = _set_aside_earlier(ctx, backend, paths)
        with terminal(ctx.prompter, ready.needs_terminal):
            signed = sign_files(
                backend, paths,
                passphrase=lambda: passphrase_source(ctx, prompt),
                comment=lambda p: trusted_comment(p, timestamp=int(ctx.clock().timestamp()),
                                                  tag=session.tag),
                existing="replace" if ctx.answers.get("force") else "reuse",
                progress=ctx.progress, scratch_in=ctx.store.directory(session.tag))
        sums = {d.path: d for d in digests}
        list_entry = None
        if combined is not None:
            made = signed.pop()  # the list was signed last
            data = made.signature.read_bytes()
            list_entry = SignedList(
                list=artifacts.display_path(made.artifact, ctx.root), sha256=combined.sha256,
                size=combined.size, signature=artifacts.display_path(made.signature, ctx.root),
                signature_sha256=hashlib.sha256(data).hexdigest(), signer=made.signer,
                reused=made.reused, signature_size=len(data),
                set_aside=moved.get(made.artifact))
        return SignEvidence(
            backend=backend.name,
            pinned_key=backend.pin_description(),
            signer=ready.signer,
            device=ready.details or None,
            signatures=tuple(_entry(ctx, s, sums.get(s.artifact), moved.get(s.artifact))
                             for s in signed),
            combined=list_entry,
        ).to_json()

    def revalidate(self, ctx: Context) -> list[Blocker]:
        recorded = ctx.require_session().evidence(SignEvidence) or SignEvidence()
        signatures = [s for s in recorded.signatures if isinstance(s, SignedArtifact)]
        changed = artifacts.changed_since(
            ctx.policy, ctx.root, [{"name": s.artifact, "size": s.size, "mtime_ns": s.mtime_ns}
                                   for s in signatures if s.mtime_ns is not None],
            "it was signed")
        written = [(item.signature, item.signature_sha256) for item in signatures]
        if recorded.combined:
            written.append((recorded.combined.signature, recorded.combined.signature_sha256))
        replaced = artifacts.written_file_blockers(ctx.root, [
            {"path": path, "sha256": sha} for path, sha in written], "the sign step")
        return changed + [
            Blocker(b.reason, "Restore the signature the sign step made (its sha256 is in the "
                    "step's evidence) or, while no tag is made, sign again: "
                    '`release-console redo sign --reason "..."`.')
            for b in replaced] + _list_blockers(ctx, recorded)


def _set_aside_dir(ctx: Context) -> Path:
    return ctx.store.directory(ctx.require_session().tag) / "set-aside"


def _earlier_signatures(ctx: Context, backend: Backend, paths: list[Path]) -> dict[Path, Path]:
    """``{file: its signature}`` for the signatures an earlier release left beside ``paths`` (a
    fixed name in a build folder kept between releases): they do not verify the file, predate
    this release and are not among the signatures it recorded (journal and evidence). One whose
    record cannot be read is not moved: the refusal then names it."""
    session = ctx.require_session()
    try:
        started = datetime.fromisoformat(session.created_at)
        ours = _signatures_recorded(ctx)
    except (ValueError, ConsoleError):
        return {}
    found = {path: earlier_release_signature(backend, path, started=started, ours=ours)
             for path in paths}
    return {path: sig for path, sig in found.items() if sig is not None}


def _signatures_recorded(ctx: Context) -> set[str]:
    """The sha256 of every signature this release's sign step recorded, in any run (the journal
    keeps the evidence of runs a redo reopened)."""
    outputs = [entry.get("outputs") for entry in ctx.journal.entries()
               if entry.get("step") == "sign"]
    current = ctx.require_session().steps.get("sign")
    outputs.append(current.evidence if current is not None else None)
    return {sha for out in outputs for sha in _recorded_in(out)}


def _recorded_in(outputs: object) -> set[str]:
    """The signatures' sha256 one sign entry recorded, read as :class:`SignEvidence`. Not every
    "sign" entry is the step's evidence (``release-console sign`` journals the signature paths as
    strings, a set-aside its move, an older console other shapes): whatever is not a signature
    record is passed over, never a crash."""
    if not isinstance(outputs, dict):
        return set()
    recorded = SignEvidence.from_json(outputs)
    made = recorded.signatures if isinstance(recorded.signatures, tuple) else ()
    return {str(item.signature_sha256) for item in (*made, recorded.combined)
            if isinstance(item, SignedArtifact | SignedList) and item.signature_sha256}


def _set_aside_earlier(ctx: Context, backend: Backend, paths: list[Path]) -> dict[Path, str]:
    """Move the signatures an earlier release left beside ``paths`` into the session's
    ``set-aside/`` folder (never deleted), journalled as they go, so this release's files are
    signed: ``{file: where its old signature went}``. Without this the run stopped on "... already
    exists and does not verify" from the second release on."""
    moved = {}
    for path, sig in _earlier_signatures(ctx, backend, paths).items():
        target = aside_target(sig, _set_aside_dir(ctx))
        shown = artifacts.display_path(target, ctx.root)
        # journalled before the move (review): a kill between leaves an entry for a move not
        # made, and the next run sets the same signature aside again; never a silent move
        ctx.record("sign", "set aside", outputs={
            "signature": artifacts.display_path(sig, ctx.root), "moved_to": shown,
            "why": "it does not verify the file and was written before this release"})
        move_aside(sig, target)
        moved[path] = shown
    return moved


@dataclass(frozen=True)
class _ListRead:
    """The combined list as read once before signing: what is recorded is what was checked."""

    path: Path
    sha256: str
    size: int


def _checked_list(ctx: Context) -> _ListRead | None:
    """The combined list to sign, read once (its sha256 and size go on to the evidence), refused
    unless it is the list the checksums step wrote (what is signed is what was checked); None when
    the policy does not ask for it."""
    combined = combined_list(ctx)
    if combined is None:
        return None
    shown = artifacts.display_path(combined, ctx.root)
    redo = 'Write it again: `release-console redo checksums --reason "..."`.'
    try:
        data = combined.read_bytes()
    except OSError:
        raise StepFailed(f"{shown}, the combined checksum list [checksums] sign_combined asks to "
                         "sign, is missing; nothing was signed.", remedy=redo) from None
    sha = hashlib.sha256(data).hexdigest()
    if _recorded_list_sha(ctx, combined) != sha:
        raise StepFailed(f"{shown} is not the list the checksums step wrote; nothing was signed.",
                         remedy=redo)
    return _ListRead(combined, sha, len(data))


def _recorded_list_sha(ctx: Context, combined: Path) -> str | None:
    """The sha256 the checksums step recorded for ``combined`` (None: it did not write it)."""
    recorded = ctx.require_session().evidence(ChecksumsEvidence) or ChecksumsEvidence()
    written = {str(f.get("path")): str(f.get("sha256")) for f in recorded.files}
    return written.get(artifacts.display_path(combined, ctx.root))


def _written_by_checksums(ctx: Context, combined: Path) -> bool:
    """Whether ``combined`` is the list the checksums step wrote (what the sign step accepts)."""
    try:
        sha = hashlib.sha256(combined.read_bytes()).hexdigest()
    except OSError:
        return False
    return _recorded_list_sha(ctx, combined) == sha


def _list_blockers(ctx: Context, recorded: SignEvidence) -> list[Blocker]:
    """The combined list as signed (its signature is checked with the artifacts'): an edited
    list, or a policy that asks for the list's signature the done step did not make."""
    entry = recorded.combined
    if entry is None:
        wanted = combined_list(ctx)
        if wanted is None or not recorded.signatures:
            return []
        tag = ctx.require_session().steps.get("tag")
        if tag is not None and tag.status == StepStatus.DONE:  # redo is refused: a tag stays
            remedy = (f"The tag is made, so this release cannot sign {wanted.name} in the sign "
                      "step any more: set sign_combined = false in release.toml until this "
                      "release is out; the next release signs it.")
        elif _written_by_checksums(ctx, wanted):
            remedy = 'While no tag is made, sign again: `release-console redo sign --reason "..."`.'
        else:  # signing would refuse a list the checksums step did not write: write it first
            remedy = ("While no tag is made, write the list and sign it: "
                      '`release-console redo checksums --reason "..."`.')
        return [Blocker(f"The policy signs {wanted.name} ([checksums] sign_combined), but the "
                        "sign step did not sign it.", remedy)]
    shown = entry.list
    try:
        now = hashlib.sha256((ctx.root / shown).read_bytes()).hexdigest()
    except OSError:
        now = ""
    if now == entry.sha256:
        return []
    return [Blocker(f"{shown} {'changed' if now else 'is gone'} since it was signed.",
                    "Restore the list that was signed (its sha256 is in the sign step's "
                    "evidence) or, while no tag is made, write and sign it again: "
                    '`release-console redo checksums --reason "..."`.')]


def _entry(ctx: Context, made: Signed, digest: checksums.Digest | None,
           set_aside: str | None) -> SignedArtifact:
    """One artifact's evidence entry: what was signed (as the step hashed it) and the signature."""
    return SignedArtifact(
        artifact=made.artifact.name,
        sha256=digest.sha256 if digest else "",
        size=digest.size if digest else 0,
        mtime_ns=digest.mtime_ns if digest else 0,
        signature=artifacts.display_path(made.signature, ctx.root),
        signature_sha256=hashlib.sha256(made.signature.read_bytes()).hexdigest(),
        signer=made.signer, reused=made.reused, set_aside=set_aside)


STEP = Sign()
