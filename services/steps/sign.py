"""Step ``sign``: a detached signature for every artifact, made with the pinned key on the token.

Before signing, the artifacts are hashed again and compared with the checksums step, so what is
signed is what was checked (and smoke-tested). Each signature is verified with the pinned public key
before it is written beside its artifact. A passphrase is asked only when the backend needs one, and
only if something actually has to be signed (a resumed run keeps signatures that verify).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from services import artifacts, checksums, secrets, smoke
from services.errors import ConsoleError
from services.runbook import Blocker, Context, Evidence, Plan, Step, StepFailed
from services.signing import Backend, make_backend, read_passphrase_file, signer_lines
from services.signing.batch import sign_files
from services.steps.artifacts import listed
from services.steps.checksums import REDO_SMOKE, changed_since, written_file_blockers

PASSPHRASE_OPTION = "--passphrase-file PATH or RELEASE_CONSOLE_PASSPHRASE"
PASSPHRASE_ENV = "RELEASE_CONSOLE_PASSPHRASE"


def backend_for(ctx: Context) -> Backend | None:
    if ctx.policy.signing_backend == "none":
        return None
    return make_backend(ctx.policy, ctx.root)


def passphrase_source(ctx: Context, prompt: str) -> str:
    """The passphrase: a file named in answers, the environment, or the prompter (never stored)."""
    file_name = ctx.answers.get("passphrase_file")
    if file_name:
        return read_passphrase_file(Path(str(file_name)))
    value = os.environ.get(PASSPHRASE_ENV)
    if value is None:
        value = ctx.prompter.secret(prompt, option=PASSPHRASE_OPTION)
    secrets.register(value)
    return value


@contextlib.contextmanager
def terminal(ctx: Context, needed: bool) -> Iterator[None]:
    """Hand the real terminal to pinentry or a touch prompt when the prompter can (TUI suspend)."""
    hand_over = getattr(ctx.prompter, "terminal", None)
    if needed and callable(hand_over):
        with hand_over():
            yield
    else:
        yield


def trusted_comment(ctx: Context, path: Path) -> str:
    session = ctx.require_session()
    return f"timestamp:{int(ctx.clock().timestamp())}\tfile:{path.name}\ttag:{session.tag}"


def checked_digests(ctx: Context) -> dict[str, str]:
    session = ctx.require_session()
    evidence = session.steps.get("checksums")
    items = evidence.evidence.get("artifacts", []) if evidence else []
    return {str(i.get("name")): str(i.get("sha256")) for i in items if isinstance(i, dict)}


class Sign(Step):
    id = "sign"
    title = "Sign with the hardware token"
    description = ("Detached signatures for every artifact with the key on the hardware token, "
                   "each verified at once against the pinned public key.")
    needs_token = True

    def check(self, ctx: Context) -> list[Blocker]:
        found = listed(ctx)
        blockers = artifacts.blockers(found, ctx.root) + smoke.failed_blockers(ctx)
        backend = backend_for(ctx)
        if backend is not None and found:
            try:
                blockers += backend.prepare().blockers
            except ConsoleError as err:
                blockers.append(Blocker(err.message, err.remedy))
        return blockers

    def plan(self, ctx: Context) -> Plan:
        found = listed(ctx)
        backend = backend_for(ctx)
        if backend is None:
            return Plan(summary="The policy says signing.backend = \"none\"; nothing is signed.")
        plan = Plan(summary=f"Sign {len(found)} artifact(s) with {backend.name}, pinned to "
                    f"{backend.pin_description()}, and verify each signature at once.")
        for a in found:
            sig = backend.signature_path(a.path)
            verb = "keep if it verifies" if sig.exists() else "create"
            plan.notes.append(f"{verb} {artifacts.display_path(sig, ctx.root)}")
        ready = backend.prepare()
        plan.notes[:0] = signer_lines(backend, ready)
        if ready.needs_passphrase:
            plan.notes.append(f"{ready.prompt} is asked (or {PASSPHRASE_OPTION}); never stored.")
        if ready.notice:
            plan.notes.append(ready.notice)
        return plan

    def run(self, ctx: Context) -> Evidence:
        found = listed(ctx)
        problems = artifacts.blockers(found, ctx.root) + smoke.failed_blockers(ctx)
        if problems:
            raise StepFailed(str(problems[0]))
        backend = backend_for(ctx)
        if backend is None:
            return {"backend": "none", "signatures": []}
        digests = checksums.hash_files([a.path for a in found], ctx.progress)
        expected = checked_digests(ctx)
        changed = [d.path.name for d in digests
                   if d.path.name in expected and expected[d.path.name] != d.sha256]
        if changed:
            raise StepFailed(f"{', '.join(changed)} changed since its checksum was made; nothing "
                             "was signed.", remedy="Find out why; if it was rebuilt, test and "
                             f"sign it off again, then {REDO_SMOKE}.")
        ready = backend.prepare()
        prompt = ready.prompt or f"Passphrase for the {backend.name} key"
        with terminal(ctx, ready.needs_terminal):
            signed = sign_files(
                backend, [a.path for a in found],
                passphrase=lambda: passphrase_source(ctx, prompt),
                comment=lambda p: trusted_comment(ctx, p),
                existing="replace" if ctx.answers.get("force") else "reuse",
                progress=ctx.progress)
        sums = {d.path: d for d in digests}
        return {
            "backend": backend.name,
            "pinned_key": backend.pin_description(),
            "signer": ready.signer,
            **({"device": ready.details} if ready.details else {}),
            "signatures": [_entry(ctx, s.artifact, s.signature, s.signer, s.reused, sums)
                           for s in signed],
        }

    def revalidate(self, ctx: Context) -> list[Blocker]:
        record = ctx.require_session().steps.get(self.id)
        signatures = list(record.evidence.get("signatures", [])) if record else []
        changed = changed_since(ctx, [{**item, "name": item.get("artifact")}
                                      for item in signatures], "it was signed")
        replaced = written_file_blockers(ctx, [
            {"path": item.get("signature"), "sha256": item.get("signature_sha256")}
            for item in signatures], "the sign step")
        return changed + [Blocker(b.reason, "Restore the signature the sign step made (its "
                                  "sha256 is in the step's evidence) or, while no tag is made, "
                                  'sign again: `release-console redo sign --reason "..."`.')
                          for b in replaced]


def _entry(ctx: Context, artifact: Path, signature: Path, signer: str, reused: bool,
           sums: dict[Path, checksums.Digest]) -> dict[str, Any]:
    digest = sums.get(artifact)
    return {
        "artifact": artifact.name,
        "sha256": digest.sha256 if digest else "",
        "size": digest.size if digest else 0,
        "mtime_ns": digest.mtime_ns if digest else 0,
        "signature": artifacts.display_path(signature, ctx.root),
        "signature_sha256": hashlib.sha256(signature.read_bytes()).hexdigest(),
        "signer": signer,
        "reused": reused,
    }


STEP = Sign()
