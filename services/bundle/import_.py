"""``release-console bundle import FILE``: verify a hand-off bundle, then resume the session.

Nothing in the bundle is used before all of it is verified, in a private folder under
``.release/``: disk space, safe extraction, every digest, the session and journal, that the
journal extends this side's, ``git bundle verify`` and the refs, the signed tag and the manifest
signature on the way back, and every artifact's sha256 against the build host's. Only
:func:`apply` then fetches into the repository, places files and resumes the session.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from services import artifacts
from services.atomic import write_bytes_atomic
from services.bundle import crossing, gitpart, identity, paths, tarstream
from services.bundle.artifact_check import check_artifacts
from services.bundle.manifest import (
    FRESH_COPY,
    TO_ONLINE,
    BundleError,
    BundleRefused,
    Manifest,
    fresh_copy,
    parse,
    short,
)
from services.bundle.workdir import Workdir
from services.errors import EnvironmentProblem, UsageError
from services.journal import Journal
from services.session import Session
from services.session_check import shape_problem
from services.step_protocol import Context


@dataclass
class Prepared:
    """A verified bundle, extracted into ``work``, not used yet."""

    source: Path
    manifest: Manifest
    sha256: str
    work: Path
    checks: list[str] = field(default_factory=list)
    resume: bool = False  # an earlier import of it stopped before the session record
    # The release's branch is not in this clone yet (a hotfix branch made on the other
    # workstation): using the bundle makes it at the release commit and checks it out.
    new_branch: bool = False
    # This clone is on another branch (the last hotfix's) over a clean tree, and the release's
    # is the default branch: using the bundle checks it out (the other branch stays as it is).
    switch_from: str = ""
    held: Workdir | None = None  # the folder's lock, so no later import sweeps it away

    @property
    def fingerprint(self) -> str:
        return short(self.sha256)

    def discard(self) -> None:
        if self.held is not None:
            self.held.release()
        else:
            shutil.rmtree(self.work, ignore_errors=True)

    def heading(self) -> str:
        """What was verified, from whom and when (the CLI's first line, the import screen's)."""
        m = self.manifest
        return (f"Verified {self.source.name} ({m.direction}, {m.tag}, made by {m.creator} at "
                f"{m.created})")

    def plan_summary(self) -> str:
        """What using the bundle will do, in one sentence (the CLI's question, the TUI's note)."""
        m = self.manifest
        return (f"Use the bundle: fetch {m.commit[:12]}"
                + (f" and tag {m.tag}" if m.tag_object else "")
                + (f", make the branch {m.branch} there and check it out" if self.new_branch
                   else "")
                + (f", check out {m.branch} ({self.switch_from} stays as it is)"
                   if self.switch_from else "")
                + ", place the files, resume the session.")

    def to_json(self) -> dict[str, Any]:
        return {"file": str(self.source), "sha256": self.sha256, "fingerprint": self.fingerprint,
                "direction": self.manifest.direction, "tag": self.manifest.tag,
                "version": self.manifest.version, "creator": self.manifest.creator,
                "created": self.manifest.created, "verified": self.checks}


def verify_bundle(ctx: Context, source: Path, *, artifacts_from: Path | None = None) -> Prepared:
    if source.is_dir():
        raise UsageError(f"{source} is a folder, not a bundle file.",
                         remedy=paths.folder_remedy(source))
    if not source.is_file():
        raise UsageError(f"The bundle {source} does not exist or is not a file.",
                         remedy="Check the path (is the USB stick mounted?).")
    if artifacts_from is not None and not artifacts_from.is_dir():
        what = "is a file, not a folder" if artifacts_from.exists() else "does not exist"
        raise UsageError(f"The artifacts folder {artifacts_from} {what}.",
                         remedy="Mount the USB stick or give --artifacts the folder that holds "
                         "the artifacts.")
    scan = tarstream.scan(source)
    manifest = parse(scan.manifest_raw)
    try:
        return _verify(ctx, source, artifacts_from, scan, manifest)
    except BundleRefused as refused:  # the manifest says which machine wrote it: name that one
        if refused.remedy == FRESH_COPY:
            refused.remedy, refused.tui = fresh_copy(manifest.direction)
        raise


def _verify(ctx: Context, source: Path, artifacts_from: Path | None, scan: tarstream.Scan,
            manifest: Manifest) -> Prepared:
    """What the headers and the manifest alone can refuse is refused before anything is made:
    a refusal leaves every file as it was, so the private folder (and ``.release/`` itself, on
    a clone that had none: :class:`Workdir`) exists only while the members are checked."""
    tarstream.check_against(scan, manifest)
    local = identity.check_identity(ctx, manifest)
    if local is not None and local.journal_pending:  # the bundle's session would replace it
        held = local.journal_pending[0]
        raise BundleRefused(
            f"This machine's session for {manifest.tag} holds a journal entry a stopped command "
            f"had not written ({held.get('step')} {held.get('action')!r}): importing would lose "
            "it, so nothing was imported.",
            remedy="Run `release-console journal repair` here (it writes the entry), then "
            "import the bundle again.")
    base = ctx.store.base
    tarstream.require_space(base if base.is_dir() else ctx.root,
                            manifest.total_size() + 1024 * 1024, f"importing {source.name}")
    workdir = Workdir(base)  # also removes what a killed import left behind
    try:
        prepared = _verify_members(ctx, source, workdir.path, artifacts_from, scan, manifest,
                                   local)
    except BaseException:
        workdir.release()
        raise
    prepared.held = workdir
    return prepared


def _verify_members(ctx: Context, source: Path, work: Path, artifacts_from: Path | None,
                    scan: tarstream.Scan, manifest: Manifest, local: Session | None) -> Prepared:
    checks = [f"{len(manifest.members)} members, every one listed in the manifest, none unsafe"]
    sha = tarstream.extract(source, scan, manifest, work / "members", ctx.progress)
    checks.append(f"every member's sha256 matches the manifest; bundle {short(sha)}")
    if manifest.direction == TO_ONLINE:
        from services.bundle.signature import verify_manifest

        checks.append(verify_manifest(ctx, scan.manifest_raw, scan.signature_name,
                                      scan.signature_raw, work))
    members = work / "members"
    _check_session(members, manifest)
    checks.append(f"session {manifest.tag} and journal of {manifest.journal_count} entries intact")
    local_journal = (ctx.store.directory(manifest.tag) / "journal.jsonl")
    resume = crossing.interrupted(local_journal, members / "journal.jsonl", sha,
                                  local.journal_head if local is not None else "")
    if resume:
        checks.append("an earlier import of this bundle stopped before it finished; this one "
                      "completes it")
    else:
        crossing.check_extends(local_journal, members / "journal.jsonl", sha, tag=manifest.tag,
                               offline=ctx.offline)
        checks.append("the journal extends this workstation's" if local is not None
                      else "no earlier session here for this release")
    if manifest.direction == TO_ONLINE and local is not None:
        ctx.session = local
    checks += gitpart.verify(ctx, manifest, members / "repo.bundle", work)
    new_branch, switch_from = _check_worktree(ctx, manifest)
    if new_branch:
        checks.append(f"branch {manifest.branch} is not in this clone: it will be made at the "
                      f"release commit {manifest.commit[:12]} and checked out")
    if switch_from:
        checks.append(f"this clone is on {switch_from}: {manifest.branch} will be checked out "
                      f"and brought to the release commit ({switch_from} stays as it is)")
    checks += check_artifacts(ctx, manifest, members, artifacts_from, local)
    return Prepared(source, manifest, sha, work, checks, resume, new_branch=new_branch,
                    switch_from=switch_from)


def _check_session(members: Path, manifest: Manifest) -> Session:
    raw = (members / "session.json").read_bytes()
    if crossing.sha256(raw) != manifest.session_sha256:
        raise BundleRefused("The bundle's session.json is not the one the manifest names; it was "
                            "refused.")
    try:
        data = json.loads(raw)
        # its own tag: one for another release is said below, by name
        problem = (shape_problem(data, str(data.get("tag", manifest.tag)))
                   if isinstance(data, dict) else "not a table")
        session = Session.from_json(data)
    except (ValueError, KeyError, TypeError):
        problem = "it does not parse"
    if problem:
        raise BundleRefused(f"The bundle's session.json is damaged ({problem}); it was refused.")
    if session.journal_pending:  # an export writes them first: only an editor leaves them
        raise BundleRefused("The bundle's session.json holds journal entries never written to its "
                            "journal, which no export leaves; it was refused.",
                            remedy="On the machine that made it, run `release-console journal "
                            "verify`, then export the hand-off again.")
    if session.tag != manifest.tag or session.version != manifest.version:
        raise BundleRefused(f"The bundle's session is for {session.tag}, its manifest for "
                            f"{manifest.tag}; it was refused.")
    problems = Journal(members / "journal.jsonl").verify(expected_head=manifest.journal_head,
                                                          expected_count=manifest.journal_count)
    if problems or session.journal_head != manifest.journal_head:
        where = f" (line {problems[0].line}: {problems[0].message})" if problems else ""
        raise BundleRefused(f"The bundle's journal does not verify{where}; it was refused.")
    from services.journal_audit import unexplained_finishes

    edited = unexplained_finishes(session, Journal(members / "journal.jsonl").entries())
    if edited:  # every step would stop here, where some of them cannot be redone
        raise BundleRefused(
            f"The bundle's session records {', '.join(edited)} as finished, but its journal "
            "does not: the session file was edited before the export; it was refused.",
            remedy="On the machine that made it, redo those steps (`release-console status` "
            "says how), then export the hand-off again.")
    return session


def _check_worktree(ctx: Context, manifest: Manifest) -> tuple[bool, str]:
    """Refuses a clone the bundle cannot be used in. Returns whether the release's branch is not
    here and using the bundle makes it, and the branch this clone is on when using it checks out
    the default branch instead (checking out over a clean tree loses nothing)."""
    repo = ctx.repo
    here = repo.branch()
    new_branch = here != manifest.branch and not repo.branch_exists(manifest.branch)
    # back from a hotfix: the default branch is the release's, and nothing on it is ambiguous
    switch = (here != manifest.branch and not new_branch
              and manifest.branch == ctx.policy.project.default_branch)
    if here != manifest.branch and not new_branch and not switch:
        remedy = f"`git checkout {manifest.branch}`, then import again."
        if manifest.branch != ctx.policy.project.default_branch:  # a hotfix branch made here once
            remedy = (f"`git checkout {manifest.branch}` if it holds this release, then import "
                      "again. If it is an earlier attempt's, set it aside (`git branch -m "
                      f"{manifest.branch} {manifest.branch}-abandoned`, nothing is deleted) and "
                      "import again: the import makes the branch anew.")
        raise BundleError(f"This clone is on {here}, the release on {manifest.branch}; "
                          "nothing was changed.", remedy=remedy)
    build = artifacts.display_path(artifacts.artifacts_dir(ctx.policy, ctx.root), ctx.root)
    dirty = [p for p in repo.dirty_paths()
             if p.strip('"').rstrip("/") not in {".release", build}
             and not p.strip('"').startswith((".release/", build.rstrip("/") + "/"))]
    if dirty:
        raise BundleError(f"This clone has uncommitted changes ({', '.join(dirty[:3])}); nothing "
                          "was changed.", remedy="Commit or stash them, then import again.")
    if (manifest.tag_object and repo.tag_exists(manifest.tag)
            and repo.git("rev-parse", f"refs/tags/{manifest.tag}").strip()
            != manifest.tag_object):
        raise BundleError(f"Tag {manifest.tag} already exists here and differs from the "
                          "bundle's; nothing was changed.")
    return new_branch, here if switch else ""


def apply(ctx: Context, prepared: Prepared) -> dict[str, Any]:
    """Use the verified bundle: place the files, fetch, then the journal and, last, the session.

    Each write is atomic and each is one a rerun accepts as done (an artifact equal to the build
    host's, a commit already fetched), so a failure or a kill anywhere leaves either the clone
    as it was or a state a plain rerun of ``bundle import`` finishes: the journal is replaced
    in one rename, and the session record, written last, is what makes the import count.
    """
    manifest, members = prepared.manifest, prepared.work / "members"
    store = ctx.store
    try:
        with store.run_lock(manifest.tag):
            session, journal_bytes, evidence = _new_records(ctx, prepared)
            _place_files(ctx, manifest, members)
            identity.close_handed_back(ctx, manifest)
            gitpart.apply(ctx, manifest, members / "repo.bundle", new_branch=prepared.new_branch,
                          switch=bool(prepared.switch_from))
            session_dir = store.directory(manifest.tag)
            if (members / "notes.md").exists():
                write_bytes_atomic(session_dir / "notes.md", (members / "notes.md").read_bytes())
            ctx.repo.exclude_release_dir()
            if journal_bytes is not None:
                write_bytes_atomic(session_dir / "journal.jsonl", journal_bytes)
            store.save(session, now=ctx.clock())
            ctx.session = session
        # The stick it came on is where the bundle going back is written by default.
        paths.remember(ctx, prepared.source.absolute())
    finally:
        prepared.discard()
    return evidence


def _new_records(ctx: Context, prepared: Prepared) -> tuple[Session, bytes | None, dict[str, Any]]:
    """The session and journal the import leaves, made in the private folder first: the bundle's
    journal plus the export and import entries (or, finishing an interrupted import, the journal
    already here, unchanged)."""
    manifest, members = prepared.manifest, prepared.work / "members"
    session = Session.from_json(json.loads((members / "session.json").read_bytes()))
    if prepared.resume:
        local = (ctx.store.directory(manifest.tag) / "journal.jsonl").read_bytes()
        crossing.mark_exported(session, manifest, prepared.sha256)
        session.journal_head, session.journal_count = crossing.journal_head(local)
        last = json.loads([line for line in local.splitlines() if line.strip()][-1])
        return session, None, dict(last.get("outputs") or {})
    path = prepared.work / "journal.jsonl"
    shutil.copyfile(members / "journal.jsonl", path)
    journal = Journal(path)
    crossing.record_export(session, journal, manifest, prepared.sha256)
    evidence = {"bundle_sha256": prepared.sha256, "fingerprint": prepared.fingerprint,
                "direction": manifest.direction, "file": prepared.source.name,
                "verified": prepared.checks}
    head, count = journal.append(actor=ctx.actor, step=crossing.step_for(manifest.direction),
                                 action=crossing.IMPORTED,
                                 inputs={"direction": manifest.direction}, outputs=evidence,
                                 now=ctx.clock())
    session.journal_head, session.journal_count = head, count
    return session, path.read_bytes(), evidence


def _place_files(ctx: Context, manifest: Manifest, members: Path) -> None:
    """Artifacts and signature files into the build folder, each in one rename (a copy to a
    temporary name first when the folder is on another file system)."""
    directory = artifacts.artifacts_dir(ctx.policy, ctx.root)
    shown = artifacts.display_path(directory, ctx.root)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        why = "it is a file" if directory.is_file() else exc.strerror
        raise EnvironmentProblem(f"Cannot create the artifacts folder {shown} ({why}); "
                                 "nothing was changed.",
                                 remedy="Move aside what is in the way, then import "
                                 "again.") from None
    times = {a["name"]: a.get("mtime_ns") for a in manifest.artifacts}
    files = members / "files"
    for path in sorted((members / "artifacts").glob("*")) + (
            sorted(files.glob("*")) if files.is_dir() else []):
        os.chmod(path, 0o644)
        mtime = times.get(path.name) if path.parent.name == "artifacts" else None
        if isinstance(mtime, int):
            os.utime(path, ns=(mtime, mtime))
        _place(path, directory / path.name, shown)
    for name, mtime in times.items():  # artifacts that were already here (the build host)
        if isinstance(mtime, int) and (directory / name).exists():
            os.utime(directory / name, ns=(mtime, mtime))


def _place(source: Path, target: Path, shown: str) -> None:
    try:
        try:
            os.replace(source, target)
            return
        except OSError as exc:
            if exc.errno != errno.EXDEV:
                raise
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        os.close(fd)
        try:
            shutil.copy2(source, tmp)
            with open(tmp, "rb") as handle:
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise EnvironmentProblem(f"Cannot place {target.name} in {shown} ({exc.strerror}); the "
                                 "files already placed match the bundle, so importing again "
                                 "finishes.", remedy="Free space or fix the folder, then "
                                 "import again.") from None
