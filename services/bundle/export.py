"""``release-console bundle export``: write the hand-off bundle for the other workstation.

Online, after the artifacts step: commit, session, journal, notes and the artifacts go to the
signing workstation. Offline, after the tag: the signed tag, signatures, checksum files, smoke
sign-offs (in the session) and the provenance index come back, and the manifest is signed with
the pinned key so the online side knows where the bundle came from. The file is written beside
its final name and renamed when complete; the export is journaled with the bundle's sha256.
"""

from __future__ import annotations

import glob
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from services import artifacts, workstation
from services.bundle import crossing, gitpart, paths
from services.bundle.manifest import MANIFEST, TO_OFFLINE, TO_ONLINE, Manifest, short
from services.bundle.stale import taken
from services.bundle.tarstream import TarWriter, require_space
from services.errors import BlockedError, EnvironmentProblem, UsageError
from services.evidence import ChecksumsEvidence, HandoffOutEvidence, SignEvidence
from services.session_lifecycle import release_commit
from services.step_protocol import Context
from services.steps.handoff_common import OUTPUT_ANSWER


@dataclass
class Item:
    """One thing that goes into the bundle, for the plan and the screen."""

    name: str
    size: int
    source: Path | None = None


@dataclass
class Exported:
    path: Path
    sha256: str
    size: int
    manifest: Manifest
    adopted: bool = False  # written whole by an export killed before it was journaled

    @property
    def wrote(self) -> str:
        """What the export did, in words (the CLI and the hand-off screen say it)."""
        if self.adopted:
            return (f"{self.path} was written whole by an export that stopped before recording "
                    "it; it is recorded now, as it is")
        return f"Wrote {self.path}"

    @property
    def fingerprint(self) -> str:
        return short(self.sha256)

    def to_json(self) -> dict[str, Any]:
        return {"path": str(self.path), "sha256": self.sha256, "fingerprint": self.fingerprint,
                "size": self.size, "adopted": self.adopted,
                "direction": self.manifest.direction,
                "tag": self.manifest.tag, "members": [m.name for m in self.manifest.members]}


def direction_here(ctx: Context) -> str:
    return TO_ONLINE if ctx.offline else TO_OFFLINE


def without_by_default(direction: str) -> bool:
    """Whether a bundle of ``direction`` leaves the artifacts out unless asked for them: the way
    back does. The online machine built them and still has them; its import hashes its own
    against the digests it sent (``services.bundle.import_``), so carrying gigabytes of ISOs
    back proves nothing more. The way out carries them: the signing workstation has none."""
    return direction == TO_ONLINE


def returned_files(ctx: Context) -> list[Path]:
    """Signatures, checksum files and the provenance index beside the artifacts (return trip)."""
    from services import provenance

    session = ctx.require_session()
    directory = artifacts.artifacts_dir(ctx.policy, ctx.root)
    found: dict[str, Path] = {}
    sums = session.evidence(ChecksumsEvidence, done=True)
    signed = session.evidence(SignEvidence, done=True)
    wanted = [ctx.root / str(item.get("path")) for item in (sums.files if sums else ())]
    wanted += [ctx.root / path for path in (signed.signature_paths() if signed else ())]
    wanted.append(provenance.index_path(ctx.policy, ctx.root))
    for path in wanted:
        if path.is_file() and path.parent.resolve() == directory.resolve():
            found.setdefault(path.name, path)
    return list(found.values())


def contents(ctx: Context, *, without_artifacts: bool = False) -> list[Item]:
    """What the bundle would hold (git bundle size aside), for the plan and the screen."""
    session = ctx.require_session()
    directory = ctx.store.directory(session.tag)
    items = [Item("session.json", _size(directory / "session.json")),
             Item("journal.jsonl", _size(directory / "journal.jsonl"))]
    if (directory / "notes.md").is_file():
        items.append(Item("notes.md", _size(directory / "notes.md")))
    if not without_artifacts:
        items += [Item(f"artifacts/{a.name}", a.size or 0, a.path)
                  for a in artifacts.for_session(ctx)]
    if direction_here(ctx) == TO_ONLINE:
        items += [Item(f"files/{p.name}", _size(p), p) for p in returned_files(ctx)]
    return items


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def check_ready(ctx: Context) -> None:
    """The hand-off step is this side's next step, HEAD is the release commit (a promotion's is
    the candidate's commit, which the branch may have moved past since)."""
    from services import engine
    from services.steps import registry

    session = ctx.require_session()
    if not workstation.air_gapped(ctx.policy):
        raise UsageError(f"{ctx.policy.where} signs on this workstation ([signing] workstation = "
                         '"this"), so there is nothing to carry across.',
                         remedy='Set [signing] workstation = "air-gapped" to sign offline.')
    step = registry()[crossing.step_for(direction_here(ctx))]
    problem = ctx.journal_problem()  # a cut journal or an edited session is not carried across
    if problem:
        raise BlockedError(f"'{step.title}' cannot run: {problem}", remedy=ctx.journal_remedy())
    ctx.answers.setdefault(OUTPUT_ANSWER, "")
    if session.done(step.id):
        written_already(ctx, step.id, ctx.title(step))
    blockers = engine.blockers_for(ctx, step, busy=False)
    if blockers:
        engine.refuse(step, session, blockers, ctx.title(step))  # as a step run says it
    commit = release_commit(session)
    head = ctx.repo.head_sha()
    at_release = head == commit or (session.kind == "promote" and bool(commit)
                                    and ctx.repo.is_ancestor(commit, head))
    if not commit or not at_release or ctx.repo.branch() != session.branch:
        raise BlockedError(f"HEAD must be the release commit {commit[:12] or '(none recorded)'} "
                           f"on {session.branch} to export; it is {ctx.repo.head_sha()[:12]} on "
                           f"{ctx.repo.branch()}.", remedy=f"Check out {session.branch} at the "
                           "release commit.")


def written_already(ctx: Context, step_id: str, title: str) -> None:
    """A second export of a hand-off already written: which bundle to carry instead. (Walked: it
    said to reopen the step with `redo`, which, the bundle away, is refused without
    --bundle-lost; and a second bundle of one hand-off is refused over there.)"""
    record = ctx.require_session().steps[step_id]
    written = paths.written_bundle(ctx, step_id)
    where = f"{written.name} in {written.parent}, " if written is not None else ""
    fingerprint = short(str(record.evidence.get("bundle_sha256", "")))
    bound = workstation.bound_for(direction_here(ctx))
    raise BlockedError(f"'{title}' cannot run again: its bundle is written already ({where}"
                       f"fingerprint {fingerprint}); nothing was written.",
                       remedy=f"Carry that bundle to {bound}: a second one of this hand-off "
                       "would be refused there. Only if it was lost or damaged before it was "
                       f"imported there: `release-console redo {step_id} --reason \"...\" "
                       "--bundle-lost`, then export again.")


def writable_output(ctx: Context, output: Path | None) -> Path:
    default = paths.default_output(ctx, direction_here(ctx)).absolute()
    target = Path(os.path.normpath((output or default).absolute()))
    if target.is_dir():  # a folder (the USB stick's mount point): the bundle's own name in it
        target = target / paths.file_name(ctx, direction_here(ctx))
    if not target.exists() and not target.suffix:
        # Walked at 80x24: "/media/usb/" typed with the stick not mounted wrote the bundle as a
        # *file* named /media/usb (the slash goes with the path), where the stick mounts later.
        raise EnvironmentProblem(f"There is no folder {target} (is the USB stick mounted?); no "
                                 "bundle was written.", remedy="Mount the USB stick, or name "
                                 "the bundle file itself (ending in .tar).")
    if target.parent == default.parent:  # the console's own outbox (also when the TUI names it)
        target.parent.mkdir(parents=True, exist_ok=True)
    if not target.parent.is_dir():
        raise EnvironmentProblem(f"The folder {target.parent} does not exist; no bundle was "
                                 "written.", remedy="Mount the USB stick or pick another --output.")
    try:  # os.access says yes to root even on a read-only stick: try it for real
        with tempfile.TemporaryFile(dir=target.parent):
            pass
    except OSError as exc:
        raise EnvironmentProblem(f"The folder {target.parent} is not writable ({exc.strerror}); "
                                 "no bundle was written.", remedy="Mount the USB stick "
                                 "read-write or pick another --output.") from None
    return target


def _adopt(ctx: Context, target: Path) -> Exported | None:
    """The bundle at ``target`` is this very export, written whole by a run killed before it
    was journaled: its manifest names the session and journal as they are now. It is journaled
    as it is, so the bundle on the stick is the one both journals name; writing a second one
    would leave two on the stick, and the one carried across might not be the one journaled."""
    from services.bundle import tarstream
    from services.bundle.manifest import parse
    from services.checksums import hash_file
    from services.errors import ConsoleError

    session = ctx.require_session()
    directory = ctx.store.directory(session.tag)
    try:
        found = tarstream.scan(target)
        manifest = parse(found.manifest_raw)
        tarstream.check_against(found, manifest)
    except ConsoleError:
        return None
    journal_raw = (directory / "journal.jsonl").read_bytes()
    head, count = crossing.journal_head(journal_raw)
    now = (session.tag, direction_here(ctx),
           crossing.sha256((directory / "session.json").read_bytes()))
    if (manifest.tag, manifest.direction, manifest.session_sha256) != now:
        return None
    sha = hash_file(target).sha256
    if (manifest.journal_head, manifest.journal_count) == (head, count):
        return _record(ctx, target, sha, target.stat().st_size, manifest, adopted=True)
    # Killed after journaling the export and before the session said so: its entry is there.
    if crossing.export_journaled(journal_raw, manifest, sha):
        return _record(ctx, target, sha, target.stat().st_size, manifest, adopted=True,
                       journaled=True)
    return None


def _record(ctx: Context, target: Path, sha: str, size: int, manifest: Manifest, *,
            adopted: bool = False, journaled: bool = False) -> Exported:
    """Journal the export and mark the step done; ``journaled``: its entry is the journal's
    last already (checked again under the lock), so only the session is written."""
    from services.recorder import Recorder

    recorder = Recorder(ctx.store, manifest.tag, actor=ctx.actor, clock=ctx.clock)
    with recorder.locked() as fresh:
        if not journaled:
            crossing.record_export(fresh, recorder.journal, manifest, sha)
        else:
            raw = recorder.journal.path.read_bytes()
            if not crossing.export_journaled(raw, manifest, sha):
                raise BlockedError(f"The journal of {manifest.tag} changed while the export was "
                                   "being recorded; nothing was recorded.",
                                   remedy="Run `release-console bundle export` again.")
            crossing.mark_exported(fresh, manifest, sha)
            fresh.journal_head, fresh.journal_count = crossing.journal_head(raw)
    ctx.session = ctx.store.load(manifest.tag)
    paths.remember(ctx, target)
    paths.remember_written(ctx, target, sha)
    return Exported(target, sha, size, manifest, adopted)


SCRATCH = "export-"  # the scratch folder's prefix in .release/<tag>/


def export_bundle(ctx: Context, output: Path | None = None, *,
                  without_artifacts: bool | None = None) -> Exported:
    """Write this side's bundle; ``without_artifacts`` None: as :func:`without_by_default`."""
    session = ctx.require_session()
    if without_artifacts is None:
        without_artifacts = without_by_default(direction_here(ctx))
    with ctx.store.run_lock(session.tag):
        # Re-read under the lock: what another terminal recorded (or left waiting, killed)
        # since this command read the session at its start is seen, as a step run sees it.
        ctx.session = session = ctx.store.load(session.tag)
        directory = ctx.store.directory(session.tag)
        # a killed export's scratch folder (its git bundle and check clone): the run lock is
        # held, so no export is using one; each run made its own and none was ever removed
        for stale in directory.glob(f"{SCRATCH}*"):
            if stale.is_dir() and not stale.is_symlink():
                shutil.rmtree(stale, ignore_errors=True)
        check_ready(ctx)
        if session.journal_pending:  # written here first: the other machine would write it too
            ctx.session = ctx.recorder(session).settle_now()
        target = writable_output(ctx, output)
        if target.exists():
            adopted = _adopt(ctx, target)
            if adopted is None:
                raise taken(ctx, target, direction_here(ctx))
            return adopted
        work = Path(tempfile.mkdtemp(prefix=SCRATCH, dir=directory))
        try:
            return _export(ctx, target, work, without_artifacts)
        finally:
            shutil.rmtree(work, ignore_errors=True)


def _export(ctx: Context, target: Path, work: Path, without_artifacts: bool) -> Exported:
    session = ctx.require_session()
    direction = direction_here(ctx)
    found = artifacts.for_session(ctx)
    problems = artifacts.blockers(found, ctx.root,
                                  build=artifacts.release_build(ctx.policy, session))
    if problems:
        raise BlockedError(str(problems[0]))
    refs = {f"refs/heads/{session.branch}": release_commit(session)}
    tag_object = ""
    if direction == TO_ONLINE:
        tag_object = ctx.repo.git("rev-parse", f"refs/tags/{session.tag}").strip()
        refs[f"refs/tags/{session.tag}"] = tag_object
    gitpart.create(ctx.repo, work, refs, session.previous_tag)
    items = contents(ctx, without_artifacts=without_artifacts)
    require_space(target.parent, sum(i.size for i in items) + _size(work / "repo.bundle")
                  + 1024 * 1024, "the bundle")
    directory = ctx.store.directory(session.tag)
    # Read as one state under the session's lock, with nothing waiting: a record killed in
    # another terminal while this export ran (a sign-off, a tick: they take no run lock) left
    # its entry waiting, which the bundle would carry for both machines to journal.
    with ctx.recorder(session).settled():
        session_raw = (directory / "session.json").read_bytes()
        journal_raw = (directory / "journal.jsonl").read_bytes()
    head, count = crossing.journal_head(journal_raw)
    created = ctx.now_iso()
    # What a killed export of this bundle left on the stick (the run lock is held: none of these
    # is being written now); the bundle itself only ever appears whole, by rename.
    for stale in target.parent.glob(f".{glob.escape(target.name)}.*.partial"):
        stale.unlink(missing_ok=True)
    try:
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - renamed into place when complete
            dir=target.parent, prefix=f".{target.name}.", suffix=".partial", delete=False)
    except OSError as exc:
        raise EnvironmentProblem(f"The folder {target.parent} is not writable ({exc.strerror}); "
                                 "no bundle was written.", remedy="Mount the USB stick "
                                 "read-write or pick another --output.") from None
    partial = Path(handle.name)
    try:
        with handle:
            writer = TarWriter(handle, mtime=int(crossing.parse_time(created).timestamp()),
                               progress=ctx.progress)
            writer.add_bytes("session.json", session_raw)
            writer.add_bytes("journal.jsonl", journal_raw)
            if (directory / "notes.md").is_file():
                writer.add_bytes("notes.md", (directory / "notes.md").read_bytes())
            writer.add_file("repo.bundle", work / "repo.bundle")
            digests = _artifacts(ctx, writer, found, include=not without_artifacts)
            if direction == TO_ONLINE:
                _check_build_digests(ctx, digests)
                for path in returned_files(ctx):
                    writer.add_file(f"files/{path.name}", path)
            manifest = Manifest(
                project=ctx.policy.project_name, repository=ctx.policy.project.repository,
                tag=session.tag, version=session.version, direction=direction,
                creator=ctx.actor, created=created,
                session_sha256=crossing.sha256(session_raw), journal_head=head,
                journal_count=count, commit=release_commit(session), branch=session.branch,
                previous_tag=session.previous_tag, tag_object=tag_object, artifacts=digests,
                artifacts_included=not without_artifacts, members=list(writer.members))
            if direction == TO_ONLINE:
                from services.bundle.signature import sign_manifest

                signature_name, signature = sign_manifest(ctx, manifest, work)
                writer.add_bytes(MANIFEST, manifest.to_bytes(), listed=False)
                writer.add_bytes(signature_name, signature, listed=False)
            else:
                writer.add_bytes(MANIFEST, manifest.to_bytes(), listed=False)
            writer.close()
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return _record(ctx, target, writer.digest.hexdigest(), writer.written, manifest)


def _artifacts(ctx: Context, writer: TarWriter, found: list[artifacts.Artifact], *,
               include: bool) -> list[dict[str, Any]]:
    from services import checksums

    result = []
    for artifact in found:
        if include:
            sha = writer.add_file(f"artifacts/{artifact.name}", artifact.path).sha256
        else:
            sha = checksums.hash_file(artifact.path).sha256
        info = artifact.path.stat()
        result.append({"name": artifact.name, "arch": artifact.arch, "size": info.st_size,
                       "sha256": sha, "mtime_ns": info.st_mtime_ns})
    return result


def _check_build_digests(ctx: Context, digests: list[dict[str, Any]]) -> None:
    """On the way back, the artifacts must still be the ones the build host sent."""
    evidence = ctx.require_session().evidence(HandoffOutEvidence, done=True)
    sent = {name: str(a.get("sha256")) for name, a in
            (evidence.digests() if evidence else {}).items()}
    for item in digests:
        if sent.get(item["name"]) != item["sha256"]:
            raise BlockedError(f"{item['name']} is not the file the build host sent (its sha256 "
                               "differs); no bundle was written.",
                               remedy="Restore the artifact from the outbound bundle.")
    for item in digests:
        item["sha256"] = sent[item["name"]]
