"""Journals that cross the air gap, and the one record of an export both sides write.

The journal that comes back must extend the one that left. To keep one chain on both machines,
the export is journaled from facts the receiver also has: the step, the manifest's creator and
UTC time, and the bundle's sha256. The sender appends that entry after writing the bundle, the
receiver appends the identical entry before its own import entry, so the two journals stay one
chain and a later comparison is a plain prefix test.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from services.blocker import Blocker
from services.bundle.manifest import TO_OFFLINE, BundleRefused, Manifest, short
from services.evidence import HandoffBackEvidence, HandoffOutEvidence
from services.journal import Journal, line_hash
from services.session import Session
from services.step_status import StepStatus

EXPORTED = "bundle-exported"
IMPORTED = "bundle-imported"


def step_for(direction: str) -> str:
    return "handoff-out" if direction == TO_OFFLINE else "handoff-back"


def export_evidence(manifest: Manifest, bundle_sha256: str) -> dict[str, Any]:
    kind = HandoffOutEvidence if manifest.direction == TO_OFFLINE else HandoffBackEvidence
    return kind(needed=True, direction=manifest.direction, bundle_sha256=bundle_sha256,
                fingerprint=short(bundle_sha256), commit=manifest.commit,
                tag_object=manifest.tag_object,
                artifacts=tuple(manifest.artifacts), members=len(manifest.members),
                artifacts_included=manifest.artifacts_included).to_json()


def parse_time(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise BundleRefused(f"The bundle's creation time {text!r} is not a UTC time; it was "
                            "refused.") from None


def record_export(session: Session, journal: Journal, manifest: Manifest,
                  bundle_sha256: str) -> None:
    """Mark the hand-off step done and journal the export: identical on both machines."""
    head, count = journal.append(
        actor=manifest.creator, step=step_for(manifest.direction), action=EXPORTED,
        inputs={"direction": manifest.direction},
        outputs=export_evidence(manifest, bundle_sha256), now=parse_time(manifest.created))
    mark_exported(session, manifest, bundle_sha256)
    session.journal_head, session.journal_count = head, count


def export_journaled(raw: bytes, manifest: Manifest, bundle_sha256: str) -> bool:
    """Whether the journal ``raw`` is the one in the bundle plus this very export's entry, and
    nothing else: :func:`record_export` appends the entry and the session is saved after it, so
    a kill in between leaves exactly this (the session still as the bundle carries it)."""
    found = [line for line in raw.splitlines() if line.strip()]
    if len(found) != manifest.journal_count + 1 or (
            manifest.journal_count and line_hash(found[-2]) != manifest.journal_head):
        return False
    try:
        entry = json.loads(found[-1])
    except ValueError:
        return False
    outputs = entry.get("outputs") if isinstance(entry, dict) else None
    return entry.get("action") == EXPORTED and isinstance(outputs, dict) and \
        outputs.get("bundle_sha256") == bundle_sha256


def mark_exported(session: Session, manifest: Manifest, bundle_sha256: str) -> None:
    """The hand-off step's record, as the export entry describes it."""
    record = session.step(step_for(manifest.direction))
    record.status, record.reason, record.pid = StepStatus.DONE, "", 0
    record.evidence = export_evidence(manifest, bundle_sha256)
    record.started_at = record.finished_at = manifest.created


def interrupted(local: Path, incoming: Path, bundle_sha256: str, recorded_head: str) -> bool:
    """Whether an earlier import of this very bundle wrote the journal here and stopped before
    the session record (killed, disk full): the journal is the bundle's plus that import's
    export and import entries, and the session here does not name its head. A rerun then
    finishes that import instead of refusing the bundle as a replay."""
    mine, theirs = lines(local), lines(incoming)
    if len(mine) != len(theirs) + 2 or mine[:len(theirs)] != theirs:
        return False
    if line_hash(mine[-1]) == recorded_head:
        return False
    try:
        tail = [json.loads(raw) for raw in mine[-2:]]
    except ValueError:
        return False
    return [e.get("action") for e in tail] == [EXPORTED, IMPORTED] and all(
        (e.get("outputs") or {}).get("bundle_sha256") == bundle_sha256 for e in tail)


def lines(path: Path) -> list[bytes]:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return []
    return [line for line in data.splitlines() if line.strip()]


def import_stopped(journal: Path, session: Session) -> Blocker | None:
    """An import killed between its journal and its session (the journal is written first):
    the journal here goes on past what the session records, with an import entry. Until the same
    bundle is imported again, the release would only seem to wait for the other workstation."""
    for raw in reversed(lines(journal)[session.journal_count:]):
        try:
            entry = json.loads(raw)
        except ValueError:
            continue
        if not isinstance(entry, dict) or entry.get("action") != IMPORTED:
            continue
        outputs = entry.get("outputs")
        if not isinstance(outputs, dict):
            continue
        name = str(outputs.get("file") or "FILE")
        return Blocker(
            f"An import of {name} (fingerprint {outputs.get('fingerprint', '?')}) was "
            "interrupted here: its journal is written, the session does not record it yet.",
            f"Run `release-console bundle import {name}` again with the same bundle; it finishes "
            "the import.", "Press i and import the same bundle again; it finishes the import.")
    return None


def holds_for_signing(journal: Path) -> bool:
    """The last crossing this journal records is the import of the online machine's hand-off
    bundle: the clone it is in is the signing workstation for this release, whatever the
    command line says (one started without --offline spoke as the online machine there)."""
    for raw in reversed(lines(journal)):
        try:
            entry = json.loads(raw)
        except ValueError:
            continue
        if isinstance(entry, dict) and entry.get("action") in {EXPORTED, IMPORTED}:
            return entry.get("action") == IMPORTED and entry.get("step") == step_for(TO_OFFLINE)
    return False


def bundles_seen(path: Path) -> dict[str, set[str]]:
    """Digests of every bundle this journal records, each with what was done with it (exported,
    imported): the other workstation's exports arrive here in its journal."""
    seen: dict[str, set[str]] = {}
    for raw in lines(path):
        try:
            entry = json.loads(raw)
        except ValueError:
            continue
        if isinstance(entry, dict) and entry.get("action") in {EXPORTED, IMPORTED}:
            digest = (entry.get("outputs") or {}).get("bundle_sha256")
            if isinstance(digest, str):
                seen.setdefault(digest, set()).add(str(entry.get("action")))
    return seen


def _replayed(bundle_sha256: str, actions: set[str]) -> BundleRefused:
    """A bundle this journal knows. Its direction was checked first, so it is one this machine
    receives: imported, it is in use here; only exported, the other workstation wrote a newer
    one after it (its hand-off step redone) and that one was imported. A fresh copy of either
    would be refused the same way, so neither says to carry one."""
    if IMPORTED in actions:
        return BundleRefused(
            f"This bundle ({short(bundle_sha256)}) was imported here already; a bundle is used "
            "once, so it was refused and nothing changed.",
            remedy="Nothing more to do with it: the release goes on here from that import "
            "(`release-console status` or the checklist shows the next step). For a newer "
            "bundle, import the file the other workstation wrote last and compare its "
            "fingerprint.")
    return BundleRefused(
        f"This bundle ({short(bundle_sha256)}) was replaced: the other workstation wrote a newer "
        "one after it, and that one is in use here; it was refused and nothing changed.",
        remedy="Nothing to do with it but take it off the USB stick: the release goes on here "
        "from the newer bundle (`release-console status` or the checklist shows the next step).")


def _entry(raw: bytes) -> dict[str, Any] | None:
    """One journal line read for a refusal's words, None when it is no JSON object: the
    messages name what they can of it, never crash on it."""
    try:
        entry = json.loads(raw)
    except ValueError:
        return None
    return entry if isinstance(entry, dict) else None


def _describe(raw: bytes) -> str:
    entry = _entry(raw)
    if entry is None:
        return "an unreadable entry"
    return (f"{entry.get('step')} {entry.get('action')} by {entry.get('actor')} at "
            f"{entry.get('time')}")


def _differences(a: bytes, b: bytes) -> list[str]:
    """What differs between two entries that read alike (same step, action, actor and time):
    ``outputs.bundle_sha256: d197… here, 5a3c… in the bundle``."""
    mine, theirs = _entry(a), _entry(b)
    if mine is None or theirs is None:
        return []
    found = []
    for part in ("inputs", "outputs"):
        here, there = mine.get(part) or {}, theirs.get(part) or {}
        if not isinstance(here, dict) or not isinstance(there, dict):
            continue
        for key in sorted(set(here) | set(there)):
            if here.get(key) != there.get(key):
                found.append(f"{part}.{key}: {_value(here.get(key))} here, "
                             f"{_value(there.get(key))} in the bundle")
    return found


def _value(value: object) -> str:
    text = "(none)" if value is None else str(value)
    return text if len(text) <= 24 else text[:12] + "…"


def _diverged(number: int, a: bytes, b: bytes) -> BundleRefused:
    """The journals part at entry ``number``: say how, in terms the captain can act on."""
    remedy = ("Compare `release-console journal show` here with the bundle's journal "
              "(`tar -xOf FILE journal.jsonl`) and decide which side's work stands.")
    here, there = _describe(a), _describe(b)
    if here != there:
        return BundleRefused(f"The journals diverge at entry {number}: here it is {here}, in the "
                             f"bundle it is {there}. Both sides acted after the hand-off, so the "
                             "bundle was refused.", remedy=remedy)
    differs = _differences(a, b)
    if any(d.startswith("outputs.bundle_sha256:") for d in differs):
        return BundleRefused(
            f"The journals diverge at entry {number} ({here}): the other workstation imported "
            f"another bundle than the one exported here ({differs[0]}), so this one was "
            "refused.",
            remedy="Compare the fingerprint the other workstation showed at import with the one "
            "shown here at export: a bundle changed on the way is never used. The work done "
            "there on the other bundle cannot come back here.")
    detail = "; ".join(differs[:2]) or "their recorded details differ"
    return BundleRefused(f"The journals diverge at entry {number} ({here}): {detail}. The bundle "
                         "was refused.", remedy=remedy)


def _another_start(a: bytes, b: bytes, tag: str, offline: bool) -> BundleRefused:
    """The journals differ from their first entry, the session's start: the bundle is of
    another start of the release (the online machine abandoned it and started again, or
    another clone), not a release both sides went on with after one hand-off."""
    reason = (f"This bundle is of another start of {tag} than the one here (its session was "
              f"started {_by_at(b)}, the one here {_by_at(a)}); it was refused and nothing "
              "changed.")
    abandon = f"`release-console abandon {tag} --reason \"...\"`"
    if offline:
        return BundleRefused(reason, remedy=f"If the online machine abandoned the {tag} here and "
                             f"started it again, abandon it here too ({abandon}) and import this "
                             "bundle again (it then says what to set aside); otherwise it belongs "
                             "to another clone: take it off the stick.")
    return BundleRefused(reason, remedy="Import the signed bundle made from this machine's own "
                         f"hand-off bundle; if the signing workstation signed an earlier start of "
                         f"{tag}, abandon that there ({abandon}), import this machine's hand-off "
                         "bundle there and sign it.")


def _by_at(raw: bytes) -> str:
    entry = _entry(raw)
    return "(unreadable)" if entry is None else f"by {entry.get('actor')} at {entry.get('time')}"


def check_extends(local: Path, incoming: Path, bundle_sha256: str, *, tag: str = "",
                  offline: bool = False) -> None:
    """The incoming journal must extend the local one; replays and older bundles are refused,
    and so is a bundle of another start of the release ``tag`` (``offline``: this machine is
    the signing workstation, which says what to do)."""
    seen = bundles_seen(local)
    if bundle_sha256 in seen:
        raise _replayed(bundle_sha256, seen[bundle_sha256])
    mine, theirs = lines(local), lines(incoming)
    for number, (a, b) in enumerate(zip(mine, theirs, strict=False), start=1):
        if line_hash(a) != line_hash(b):
            if number == 1 and tag:
                raise _another_start(a, b, tag, offline)
            raise _diverged(number, a, b)
    if len(theirs) < len(mine):
        raise BundleRefused(f"The bundle is older than this session: its journal ends at entry "
                            f"{len(theirs)} and this one has {len(mine)}; it was refused.",
                            remedy="Export a fresh bundle on the other workstation.")


def journal_head(raw: bytes) -> tuple[str, int]:
    found = [line for line in raw.splitlines() if line.strip()]
    return (line_hash(found[-1]) if found else "", len(found))


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
