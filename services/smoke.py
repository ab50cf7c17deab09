"""Hardware smoke sign-offs: a named tester ran the policy's checks on real hardware, per architecture.

A sign-off is only worth something for the exact bytes that were tested, so it records the sha256 of
each artifact of that architecture. When an artifact changes afterwards the sign-off is *void*: the
release would ship something nobody booted. Any failed check blocks the release.

Sign-offs live in the session (``session.data["smoke"][arch]``) and every one is journaled.
The functions take the policy, the work tree's root and the session (not the whole step context);
recording goes through the ``record`` they are given (``Context.record``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from services import artifacts as artifacts_mod
from services import checksums
from services.errors import ConsoleError
from services.policy import Policy
from services.progress import ProgressSink, no_progress
from services.recorder import RecordAction
from services.session import Session
from services.step_protocol import Blocker
from services.wording import listed, mid_sentence

if TYPE_CHECKING:
    from services.repo import Repository

RESULTS = ("pass", "fail")


class SmokeError(ConsoleError):
    """A sign-off cannot be recorded as given (unknown check, missing tester, ...)."""


@dataclass(frozen=True)
class Mark:
    """One tick as the tester gave it: ``check`` may be ``all`` for every check not otherwise given."""

    result: str
    check: str
    note: str = ""


@dataclass(frozen=True)
class ArchStatus:
    arch: str
    state: str  # ok, missing, failed, void
    detail: str
    signoff: dict[str, Any] | None
    not_reused: str = ""  # missing on a promotion: why the candidate's sign-off was not reused


@dataclass(frozen=True)
class ArchBlocker(Blocker):
    """A blocker about one architecture's sign-off that says, as data, which architecture and
    in what state: the smoke screen groups the open ones from these fields. It matched the
    sentence of :data:`MISSING` back against its own output, so a reworded sentence would have
    silently stopped the grouping."""

    arch: str = ""
    state: str = ""  # as ArchStatus.state: missing, failed or void
    not_reused: str = ""  # as ArchStatus.not_reused: a missing one with more to say

    @property
    def open_only(self) -> str:
        """The architecture when all this says is that it has no sign-off yet, else ''."""
        return self.arch if self.state == "missing" and not self.not_reused else ""


def _canonical(policy_checks: Sequence[str], given: str) -> str:
    for check in policy_checks:
        if check.casefold() == given.strip().casefold():
            return check
    raise SmokeError(f"{given!r} is not one of the policy's smoke checks.",
                     remedy=f"The checks are: {', '.join(policy_checks)} (or 'all').")


def resolve_marks(policy_checks: Sequence[str], marks: Iterable[Mark]) -> dict[str, dict[str, str]]:
    """Every policy check with its result and note; each check must be given exactly once."""
    results: dict[str, dict[str, str]] = {}
    everything: Mark | None = None
    for mark in marks:
        if mark.result not in RESULTS:
            raise SmokeError(f"A smoke result must be pass or fail, not {mark.result!r}.")
        if mark.check.strip().casefold() == "all":
            everything = mark
            continue
        name = _canonical(policy_checks, mark.check)
        _require_note(mark, name)
        if name in results:
            raise SmokeError(f"The check {name!r} was given twice; give each check once.")
        results[name] = {"result": mark.result, "note": mark.note.strip()}
    if everything is not None:
        _require_note(everything, "all")
    for check in policy_checks:
        if check not in results:
            if everything is None:
                raise SmokeError(f"No result for the smoke check {check!r}.",
                                 remedy="Give it with --pass or --fail (or --pass all).")
            results[check] = {"result": everything.result, "note": everything.note.strip()}
    return {check: results[check] for check in policy_checks}


def _require_note(mark: Mark, name: str) -> None:
    """A failure without a word about what happened helps nobody fix it (the TUI asks too)."""
    if mark.result == "fail" and not mark.note.strip():
        raise SmokeError(f"The failed check {name!r} needs a note saying what happened.",
                         remedy=f'Follow --fail {name if " " not in name else repr(name)} with '
                         '--note "what went wrong".')


def arch_artifacts(policy: Policy, root: Path, session: Session,
                   arch: str) -> list[artifacts_mod.Artifact]:
    return artifacts_mod.for_arch(artifacts_mod.for_release(policy, root, session), arch)


def sign_off(policy: Policy, repo: Repository, session: Session, record: RecordAction, *,
             arch: str, hardware: str, marks: Iterable[Mark], now: str, tester: str = "",
             progress: ProgressSink = no_progress) -> dict[str, Any]:
    """Hash the architecture's artifacts and record the sign-off (replacing an earlier one).

    ``tester`` defaults to the repository's git identity; ``now`` is the sign-off's time.
    """
    arches = policy.architectures()
    if arch not in arches:
        raise SmokeError(f"{arch!r} is not an architecture of this release.",
                         remedy=f"The policy lists: {', '.join(arches) or 'none'}.")
    if not hardware.strip():
        raise SmokeError("The sign-off needs the hardware it was tested on.",
                         remedy='Pass --hardware "ThinkPad X1 Gen 11, USB 3 stick".',
                         tui='Type it in the Hardware field (e.g. "ThinkPad X1 Gen 11, USB 3 '
                             'stick").')
    tester = tester.strip() or repo.identity().name
    if not tester or tester == "unknown":
        raise SmokeError("The sign-off needs the tester's name.", remedy="Pass --tester NAME.",
                         tui="Type it in the Tester field.")
    checks = resolve_marks(policy.smoke_checks, marks)
    found = arch_artifacts(policy, repo.root, session, arch)
    problems = artifacts_mod.blockers(found, repo.root)
    if problems:
        raise SmokeError(f"Cannot sign off {arch}: {mid_sentence(problems[0].reason)}",
                         remedy="A sign-off records the digest of what was tested; build it first.")
    digests = checksums.hash_files([a.path for a in found], progress)
    files = {}
    for artifact, digest in zip(found, digests, strict=True):
        files[artifact.name] = {"sha256": digest.sha256, "size": digest.size,
                                "mtime_ns": digest.mtime_ns}
    entry: dict[str, Any] = {
        "arch": arch, "tester": tester, "hardware": hardware.strip(), "checks": checks,
        "time": now, "files": files,
    }
    if found:
        entry["artifact"] = found[0].name
        entry["sha256"] = files[found[0].name]["sha256"]

    def store(session: Session) -> None:
        session.data.setdefault("smoke", {})[arch] = entry

    failed = [c for c, r in checks.items() if r["result"] == "fail"]
    record("smoke", "signed off", inputs={
        "arch": arch, "tester": tester, "hardware": entry["hardware"], "checks": checks,
    }, outputs={"files": {n: f["sha256"] for n, f in files.items()}, "failed": failed},
        update=store, session_first=True)  # a kill loses neither (services/recorder.py)
    return entry


def signoffs(session: Session) -> dict[str, dict[str, Any]]:
    return dict(session.data.get("smoke", {}))


def last_signed_off(sessions: list[Session]) -> Session | None:
    """The finished release whose sign-offs were recorded last: what ``smoke show`` shows once no
    release is in progress (after the release, "who tested it on what" is still asked)."""
    finished = [s for s in sessions if s.state == "completed" and signoffs(s)]
    return max(finished, key=lambda s: max(str(e.get("time", "")) for e in signoffs(s).values()),
               default=None)


def signed_digests(session: Session) -> dict[str, str]:
    """``{artifact name: sha256}`` of every recorded sign-off: the bytes that were tested."""
    return {name: str(info.get("sha256", ""))
            for entry in signoffs(session).values()
            for name, info in entry.get("files", {}).items()}


def failed_checks(entry: dict[str, Any]) -> list[str]:
    """The checks a sign-off records as not passed, with their notes."""
    return [f"{c}" + (f" ({r['note']})" if r.get("note") else "")
            for c, r in entry.get("checks", {}).items() if r.get("result") != "pass"]


def statuses(policy: Policy, root: Path, session: Session, *, rehash: bool = False,
             observed: dict[str, checksums.Digest] | None = None,
             progress: ProgressSink = no_progress, files: bool = True) -> list[ArchStatus]:
    """Each architecture's sign-off state; ``rehash`` re-reads every file instead of trusting an
    unchanged size and modification time (the step's run does; status views do not). ``files``
    False shows the sign-offs as recorded: a finished release's build may be long gone.

    ``observed`` (when given) holds digests already computed, by artifact name (the step hashes
    every architecture's files at once, in parallel), and collects those computed here.
    """
    recorded = signoffs(session)
    from services.evidence import ReuseSignoffsEvidence

    reuse = session.evidence(ReuseSignoffsEvidence, done=True)  # a promotion's
    result = []
    for arch in policy.architectures():
        entry = recorded.get(arch)
        if entry is None:
            why = reuse.not_reused.get(arch) if reuse else None
            # walked: a promotion whose stable arm64 image differed said only "No smoke
            # sign-off for arm64 yet", though the candidate had one
            result.append(ArchStatus(arch, "missing", MISSING.format(a=arch) if not why else
                                     f"No smoke sign-off for {arch} yet; the candidate's was "
                                     f"not reused: {why}.", None, not_reused=why or ""))
            continue
        failed = failed_checks(entry)
        if failed:
            result.append(ArchStatus(arch, "failed", f"{arch} failed the smoke check "
                                     f"{'; '.join(failed)} (tester {entry.get('tester')}).", entry))
            continue
        changed = _changed_files(arch_artifacts(policy, root, session, arch), entry,
                                 rehash=rehash, observed=observed,
                                 progress=progress) if files else ""
        if changed:
            result.append(ArchStatus(arch, "void", f"The {arch} sign-off is void: {changed} "
                                     "changed since it was tested.", entry))
            continue
        reused = f", reused from {entry['reused_from']}" if entry.get("reused_from") else ""
        result.append(ArchStatus(arch, "ok", f"{arch} signed off by {entry.get('tester')} on "
                                 f"{entry.get('hardware')} at {entry.get('time')}{reused}.",
                                 entry))
    return result


def _changed_files(current: list[artifacts_mod.Artifact], entry: dict[str, Any], *,
                   rehash: bool, observed: dict[str, checksums.Digest] | None,
                   progress: ProgressSink) -> str:
    recorded: dict[str, dict[str, Any]] = entry.get("files", {})
    names = {a.name for a in current}
    if set(recorded) != names:
        return ", ".join(sorted(names ^ set(recorded))) or "the artifact list"
    to_hash: list[Path] = []
    for artifact in current:
        if not artifact.ok:
            return f"{artifact.name} ({artifact.problem})"
        if rehash or artifacts_mod.stat_changed(artifact.path, recorded[artifact.name]):
            to_hash.append(artifact.path)
    known = observed if observed is not None else {}
    fresh = checksums.hash_files([p for p in to_hash if p.name not in known], progress)
    known.update({d.path.name: d for d in fresh})
    changed = []
    for digest in (known[p.name] for p in to_hash):
        old_sha = recorded[digest.path.name]["sha256"]
        if digest.sha256 != old_sha:
            changed.append(f"{digest.path.name} (sha256 was {old_sha[:12]}…, now "
                           f"{digest.sha256[:12]}…)")
    return "; ".join(changed)


def redo_remedy(what: str) -> str:
    return f"{what}; then {artifacts_mod.REDO_SMOKE}."


def failed_blockers(policy: Policy, session: Session) -> list[Blocker]:
    """Recorded sign-offs that failed: no hashing, so cheap enough for every status view."""
    result = []
    for arch, entry in sorted(signoffs(session).items()):
        failed = failed_checks(entry)
        if failed and arch in policy.architectures():
            result.append(Blocker(
                f"The {arch} smoke sign-off recorded at {entry.get('time')} by "
                f"{entry.get('tester')} failed: {'; '.join(failed)}.",
                "Fix the problem, rebuild, test again and record a new sign-off "
                f"(`release-console smoke sign --arch {arch} ...`)."))
    return result


def artifact_blockers(policy: Policy, root: Path, session: Session,
                      found: list[artifacts_mod.Artifact]) -> list[Blocker]:
    """What stops hashing and signing ``found``: a missing, empty or unreadable artifact, or a
    failed sign-off (cheap: file status and the session)."""
    return (artifacts_mod.blockers(
        found, root, build=artifacts_mod.release_build(policy, session))
            + failed_blockers(policy, session))


def revalidate(policy: Policy, root: Path, session: Session,
               checked: list[dict[str, Any]]) -> list[Blocker]:
    """Why a done smoke step no longer holds, from recorded data and file sizes/times only.

    ``checked`` is what the step verified (name, arch, sha256, size, mtime_ns per artifact). A
    sign-off recorded since then that failed, a sign-off now naming other bytes, or an artifact
    whose size or modification time moved, each makes the step stale. Nothing is re-hashed here:
    the redone step does that, and a file that was only touched passes it again unchanged.
    """
    blockers = [Blocker(b.reason, redo_remedy(b.remedy.rstrip(".")))
                for b in failed_blockers(policy, session)]
    by_name = {str(item.get("name")): item for item in checked}
    recorded = signoffs(session)
    tested = set(policy.architectures())  # other architectures are never smoke-tested
    for artifact in (a for a in artifacts_mod.for_release(policy, root, session) if a.arch in tested):
        shown = artifacts_mod.display_path(artifact.path, root)
        item = by_name.get(artifact.name)
        if item is None:
            blockers.append(Blocker(f"{shown} was not among the artifacts the smoke step checked.",
                                    redo_remedy("Sign it off on hardware")))
            continue
        if not artifact.ok:
            blockers.append(Blocker(f"{shown} is {artifact.problem} since the smoke step "
                                    "checked it.", redo_remedy("Rebuild it, test it and sign it "
                                                               "off again")))
            continue
        if artifacts_mod.stat_changed(artifact.path, item):
            blockers.append(Blocker(
                f"{shown} changed since the smoke step checked it (its size or modification "
                f"time differs), so the {artifact.arch} sign-off is void if its bytes changed.",
                redo_remedy("If it was rebuilt, test it and sign it off again "
                            f"(`release-console smoke sign --arch {artifact.arch} ...`)")))
            continue
        entry = recorded.get(artifact.arch, {})
        signed = entry.get("files", {}).get(artifact.name, {}).get("sha256")
        if signed != item.get("sha256"):
            blockers.append(Blocker(
                f"The {artifact.arch} sign-off recorded at {entry.get('time')} is for other "
                f"bytes of {artifact.name} than the smoke step checked.",
                redo_remedy("Check which build was tested")))
    return blockers


MISSING = "No smoke sign-off for {a} yet."
TUI_REMEDIES = {
    "missing": "Test it on real hardware, then record the {a} sign-off in the form below.",
    "failed": "Fix the problem, rebuild, test again and record a new {a} sign-off below.",
    "void": "Test the new build and record the {a} sign-off again in the form below.",
}
REMEDIES = {
    "missing": "Test it on real hardware, then `release-console smoke sign --arch {a} ...`.",
    "failed": "Fix the problem, rebuild, test again and record a new sign-off.",
    "void": "Test the new build and sign off again: `release-console smoke sign --arch {a} ...`.",
}


def grouped_for_screen(found: Sequence[Blocker]) -> list[Blocker]:
    """The smoke screen's blockers: the architectures with no sign-off yet (nothing more to say,
    :attr:`ArchBlocker.open_only`) in one blocker naming them all, in the place of the first, its
    remedy in one row at 80 columns. A bullet and a two-row remedy each pushed the form under
    the title off an 80x24 screen at three architectures; a failed or void sign-off, or a
    candidate's not reused, keeps its own. Read from the blockers' fields, never their words."""
    missing = [a for a in map(_open_only, found) if a]
    if not missing:
        return list(found)
    many = len(missing) > 1
    named = listed(missing)
    one = Blocker(f"No smoke sign-off yet for {named}." if many else MISSING.format(a=named),
                  REMEDIES["missing"].format(a="ARCH" if many else named),
                  f"Test {'each' if many else 'it'} on real hardware, then record its sign-off "
                  "in the form below.")
    grouped = [bool(_open_only(b)) for b in found]
    result = [b for b, mine in zip(found, grouped, strict=True) if not mine]
    result.insert(grouped.index(True), one)
    return result


def _open_only(blocker: Blocker) -> str:
    return blocker.open_only if isinstance(blocker, ArchBlocker) else ""


def blockers_from(found: Iterable[ArchStatus]) -> list[Blocker]:
    return [ArchBlocker(s.detail, REMEDIES[s.state].format(a=s.arch),
                        TUI_REMEDIES[s.state].format(a=s.arch), arch=s.arch, state=s.state,
                        not_reused=s.not_reused) for s in found if s.state != "ok"]


def plan_notes(found: Iterable[ArchStatus]) -> list[str]:
    """The smoke step's plan notes: each architecture's state in a line. ``run smoke --dry-run``
    prints those its ``blocked:`` lines do not say; the smoke screen leaves out these (and only
    these), since it shows every state above its form already, as a blocker or in its panel."""
    return [s.detail for s in found]


def blockers(policy: Policy, root: Path, session: Session, *, rehash: bool = False,
             progress: ProgressSink = no_progress) -> list[Blocker]:
    return blockers_from(statuses(policy, root, session, rehash=rehash, progress=progress))
