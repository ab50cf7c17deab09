"""Signing and verifying many files with one backend, failing closed.

Signatures are made in a private temporary directory and each is verified with the pinned key
before any of them is written beside its artifact; so a wrong key, a wrong passphrase or a signature
that does not verify leaves the artifacts' directory exactly as it was. An existing signature is
never replaced silently.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from services import checksum_check, checksums, tools
from services.atomic import write_bytes_atomic
from services.progress import ProgressEvent
from services.signing import Backend, PinMismatch, SignatureInvalid, SigningError
from services.signing.lists import ListRules
from services.step_protocol import Context, ProgressCallback
from services.wording import counted

EXISTING = ("refuse", "reuse", "replace")


@dataclass(frozen=True)
class Signed:
    artifact: Path
    signature: Path
    signer: str
    reused: bool = False  # a valid signature was already there (a resumed run)
    detail: str = ""


def _readable(path: Path) -> None:
    if path.is_dir():  # it said "does not exist or is not a file" of a folder that is there
        raise SigningError(f"{path} is a folder, not a file; nothing was signed.",
                           remedy=f"Name the files in it (`{path}/*`).")
    if not path.is_file():
        raise SigningError(f"{path} does not exist or is not a file; nothing was signed.")
    if not os.access(path, os.R_OK):
        raise SigningError(f"Cannot read {path} (permission denied); nothing was signed.",
                           remedy="Fix its permissions and try again.")


Passphrase = str | None | Callable[[], str | None]


SCRATCH_PREFIX = "release-console-sign-"


def remove_scratch(directory: Path) -> list[str]:
    """Remove signing scratch directories a killed run left in ``directory``; their names."""
    removed = []
    for child in sorted(directory.glob(f"{SCRATCH_PREFIX}*")) if directory.is_dir() else []:
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
            removed.append(child.name)
    return removed


def remove_leftovers(ctx: Context) -> None:
    """Scratch directories a killed run left in the session directory, removed and journalled
    before a step runs: the engine holds the run lock, so no other run is using them."""
    removed = remove_scratch(ctx.store.directory(ctx.require_session().tag))
    if removed:
        ctx.record("session", "leftovers removed", outputs={"directories": removed})


def sign_files(backend: Backend, files: Sequence[Path], *, passphrase: Passphrase = None,
               comment: Callable[[Path], str] = lambda p: f"file:{p.name}",
               existing: str = "refuse", progress: ProgressCallback | None = None,
               scratch_in: Path | None = None) -> list[Signed]:
    """Sign ``files``; ``existing`` says what to do with a signature already present.

    New signatures are made in a scratch directory (under ``scratch_in``, the session's
    directory for a release, so a killed run leaves nothing in the system temp dir and the next
    run removes it: :func:`remove_scratch`) and verified there before they go beside the
    artifacts.

    ``refuse``: stop before signing anything. ``reuse``: keep it if it verifies with the pin
    (a resumed run), refuse if it does not. ``replace``: the user passed ``--force``.
    ``passphrase`` may be a function: it is called only if something must really be signed with a
    key that needs one, so a resumed run with every signature in place asks nothing.
    """
    if existing not in EXISTING:
        raise ValueError(existing)
    tools.require(backend.tool)
    ready = backend.readiness()
    if ready.blockers:
        first = ready.blockers[0]
        kind = PinMismatch if ready.pin_mismatch else SigningError
        raise kind(first.reason, remedy=first.remedy)
    for path in files:
        _readable(path)
    results: dict[Path, Signed] = {}
    present = [p for p in files if backend.signature_path(p).exists()]
    if present and existing == "refuse":
        names = ", ".join(backend.signature_path(p).name for p in present)
        raise SigningError(f"{names} already exist{'s' if len(present) == 1 else ''}; a signature "
                           "is never overwritten silently, and nothing was signed.",
                           remedy="Pass --force to replace it.")
    if existing == "reuse":
        for path in present:
            sig = backend.signature_path(path)
            try:
                found = backend.verify(path, sig)
            except SignatureInvalid as err:
                raise SigningError(f"{sig} already exists and does not verify ({err.message}); "
                                   "it was left alone and nothing was signed.",
                                   remedy="Move it aside (keep it: it may be evidence) and run "
                                   "again, or run again with --force to replace it.") from None
            results[path] = Signed(path, sig, found.signer, reused=True, detail=found.detail)
    to_sign = [p for p in files if p not in results]
    if to_sign:
        secret = None
        if ready.needs_passphrase:
            secret = passphrase() if callable(passphrase) else passphrase
            if secret is None:
                raise SigningError(f"{ready.prompt or 'A passphrase'} is needed; nothing was "
                                   "signed.")
        backend.unlock(secret)
        results.update(_sign_verified(backend, to_sign, secret, comment, progress, scratch_in))
    return [results[p] for p in files]


def _sign_verified(backend: Backend, files: list[Path], passphrase: str | None,
                   comment: Callable[[Path], str], progress: ProgressCallback | None,
                   scratch_in: Path | None = None) -> dict[Path, Signed]:
    if scratch_in is not None:
        scratch_in.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX, dir=scratch_in))
    try:
        made = []
        for index, path in enumerate(files):
            if progress is not None:
                progress(ProgressEvent("sign", path.name, index, len(files), unit="files"))
            out = scratch / f"{index}{backend.suffix}"
            backend.sign_to(path, out, passphrase=passphrase, comment=comment(path))
            try:
                found = backend.verify(path, out)
            except SignatureInvalid as err:
                raise SigningError(
                    f"The new signature of {path.name} does not verify with the pinned key "
                    f"({err.message}); nothing was written beside the artifacts.",
                    remedy=f"Check that the token holds the key pinned as {backend.pin_description()}."
                ) from None
            made.append((path, out, found))
        if progress is not None:
            progress(ProgressEvent("sign", "", len(files), len(files), unit="files"))
        signed = {}
        for path, out, found in made:
            target = backend.signature_path(path)
            write_bytes_atomic(target, out.read_bytes())
            signed[path] = Signed(path, target, found.signer, detail=found.detail)
        return signed
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


@dataclass(frozen=True)
class ListSignature:
    """What ``release-console verify`` found for a combined checksum list's own signature."""

    path: Path  # the list (SHA256SUMS)
    status: str  # OK, FAILED, MISSING; NOT SIGNED when its absence is accepted (detail: why)
    detail: str
    signer: str = ""

    @property
    def ok(self) -> bool:
        return self.status in ("OK", "NOT SIGNED")


@dataclass(frozen=True)
class FileReport:
    """What ``release-console verify`` found for one artifact (or one combined list)."""

    artifact: Path
    checksum: str  # OK, FAILED, MISSING, NO CHECKSUM, UNREADABLE; LIST for a combined list
    checksum_detail: str
    signature: str  # OK, FAILED, MISSING
    signature_detail: str
    signer: str = ""
    listed_by: ListSignature | None = None  # the signed list that vouches for the digest

    @property
    def ok(self) -> bool:
        signed = self.signature == "OK" or (self.checksum == "LIST"
                                            and self.signature == "NOT SIGNED")
        return (self.checksum in ("OK", "LIST") and signed
                and (self.listed_by is None or self.listed_by.ok))


def _signature_of(backend: Backend, path: Path) -> tuple[str, str, str]:
    """(status, detail, signer) of the signature beside ``path``, checked with the pin."""
    sig = backend.signature_path(path)
    if not path.exists():
        return "MISSING", "the file does not exist", ""
    if not sig.exists():
        return "MISSING", f"{sig.name} does not exist", ""
    try:
        found = backend.verify(path, sig)
    except SigningError as err:
        return "FAILED", err.message, ""
    return "OK", found.detail, found.signer


def verify_files(backend: Backend, files: Sequence[Path], *,
                 checksum_name: checksums.NameFor | None = None,
                 progress: ProgressCallback | None = None,
                 lists: ListRules | None = None) -> list[FileReport]:
    """Check each file's sha256 (its per-file checksum, ``FILE.sha256`` or a combined list beside
    it; see :func:`services.checksum_check.find_expected`) and its signature.

    A FILE that is a combined checksum list (named as ``lists``' pattern or
    :data:`~services.checksums.COMBINED_NAMES`, and parsing as one) has no checksum of its own:
    its signature is what vouches for it. An artifact whose digest came from a combined list gets
    that list's signature checked too when one is beside it (a bad one fails the artifact: the
    digest it was checked against is not vouched for); the policy's lists beside an artifact
    (:meth:`ListRules.beside`) are checked whatever its digest came from, and when the policy signs
    them their signature must be there unless ``lists.unsigned`` gives a reason it need not. When
    the digest came from them (a fixed name like install.sh, named by several releases' lists),
    only the lists giving the file's own digest vouch: one verifying is enough, one whose
    signature does not verify fails it, and a digest in none of them fails it.
    """
    rules = lists or ListRules()
    tools.require(backend.tool)
    lists_given = {p for p in files if (p.name in checksums.COMBINED_NAMES or rules.is_list(p))
                   and checksums.read_list(p) is not None}
    artifacts = [p for p in files if p not in lists_given]
    sums = dict(zip(artifacts, checksum_check.check(artifacts, checksum_name, progress,
                                               as_artifacts=True, lists_for=rules.beside),
                    strict=True))
    seen: dict[Path, ListSignature] = {}

    def list_signature(path: Path, *, required: bool) -> ListSignature | None:
        if path not in seen:
            status, detail, signer = _signature_of(backend, path)
            if status == "MISSING" and rules.signed:
                reason = rules.unsigned(path)
                status, detail = ("NOT SIGNED", reason) if reason else (status, detail + (
                    "; the policy signs its combined list ([checksums] sign_combined). If these "
                    "files are from a release made before that, run verify again with "
                    "--unsigned-list"))
            seen[path] = ListSignature(path, status, detail, signer)
        found = seen[path]
        return found if required or found.status != "MISSING" else None

    reports = []
    for path in files:
        if path in lists_given:
            listed = counted(len(checksums.read_list(path) or []), "file")
            list_signature(path, required=True)  # an older release's: as beside its files
            own = seen[path]
            reports.append(FileReport(path, "LIST", f"a checksum list of {listed}; its signature "
                                      "vouches for it", own.status, own.detail, own.signer))
            continue
        summed = sums[path]
        listed_by = None
        source = summed.source
        policy_lists = rules.beside(path)
        if source in policy_lists:  # the digest is a policy list's: the lists giving it vouch
            given = checksum_check.listed_digest(source, path) if summed.ok else None
            vouching = [p for p in policy_lists
                        if given is not None and checksum_check.listed_digest(p, path) == given]
            found = [c for c in (list_signature(p, required=rules.signed)
                                 for p in vouching or [source]) if c is not None]
            # a signature there that does not verify fails it (never outvoted by another list);
            # else the first that verifies, else the first missing one the policy requires
            listed_by = next((c for c in found if c.status == "FAILED"),
                             next((c for c in found if c.ok), found[0] if found else None))
        elif policy_lists:
            checked = [list_signature(p, required=rules.signed) for p in policy_lists]
            bad = [c for c in checked if c is not None and not c.ok]
            listed_by = bad[0] if bad else next((c for c in checked if c is not None), None)
        elif source is not None and (source.name in checksums.COMBINED_NAMES
                                     or rules.is_list(source)):
            listed_by = list_signature(source, required=False)
        status, detail, signer = _signature_of(backend, path)
        reports.append(FileReport(path, summed.status, summed.detail, status, detail, signer,
                                  listed_by))
    return reports
