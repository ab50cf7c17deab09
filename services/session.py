"""The durable release session: ``.release/<tag>/session.json``.

State is keyed by step id (never list position), written atomically, and carries a schema number so a
newer console's file is refused instead of misread. A file we cannot parse is reported and left
untouched: the captain may need it to reconstruct what happened.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote, unquote

from services import secrets
from services.atomic import write_bytes_atomic
from services.errors import BlockedError, ConsoleError, EnvironmentProblem
from services.session_check import shape_problem
from services.step_status import STORED, StepStatus

if TYPE_CHECKING:
    from services.evidence import StepEvidence

E = TypeVar("E", bound="StepEvidence")

SCHEMA = 1
RELEASE_DIR = ".release"


class SessionError(ConsoleError):
    """A session file is missing, unreadable, or from a newer console."""


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


@dataclass
class StepRecord:
    """What happened to one step: stored status plus evidence and times."""

    status: StepStatus = StepStatus.PENDING
    evidence: dict[str, Any] = field(default_factory=dict)
    started_at: str = ""
    finished_at: str = ""
    reason: str = ""  # why skipped, or why failed
    pid: int = 0  # process that marked it running, for the record; the run lock decides

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"status": self.status}
        for key in ("evidence", "started_at", "finished_at", "reason", "pid"):
            value = getattr(self, key)
            if value:
                data[key] = value
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StepRecord:
        status = data.get("status", StepStatus.PENDING)
        if not isinstance(status, str) or status not in STORED:
            raise ValueError(f"unknown status {status!r}")
        return cls(
            status=StepStatus(status),
            evidence=dict(data.get("evidence") or {}),
            started_at=str(data.get("started_at", "")),
            finished_at=str(data.get("finished_at", "")),
            reason=str(data.get("reason", "")),
            pid=int(data.get("pid", 0)),
        )


@dataclass
class Session:
    """One release in progress (or finished), as stored on disk."""

    version: str
    tag: str
    channel: str = "stable"
    kind: str = "release"
    state: str = "active"  # active, completed, abandoned
    created_at: str = ""
    updated_at: str = ""
    previous_tag: str = ""
    base_commit: str = ""
    branch: str = ""
    steps: dict[str, StepRecord] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)  # step inputs, e.g. smoke sign-offs
    journal_head: str = ""
    journal_count: int = 0
    # Entries saved here before they are appended (services/recorder.py): a kill in between
    # leaves them for the next record, or `journal repair`, to write.
    journal_pending: list[dict[str, Any]] = field(default_factory=list)

    def step(self, step_id: str) -> StepRecord:
        return self.steps.setdefault(step_id, StepRecord())

    def done(self, step_id: str) -> bool:
        """Whether ``step_id`` is recorded as done (asking adds no record, unlike ``step``)."""
        record = self.steps.get(step_id)
        return record is not None and record.status == StepStatus.DONE

    def evidence(self, kind: type[E], *, done: bool = False) -> E | None:
        """The typed evidence ``kind.STEP`` recorded (``session.evidence(ChangelogEvidence)``),
        or None when it recorded none (not run yet, reopened); with ``done``, only while that
        step is done."""
        record = self.steps.get(kind.STEP)
        if record is None or not record.evidence:
            return None
        if done and record.status != StepStatus.DONE:
            return None
        return kind.from_json(record.evidence)

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "version": self.version,
            "tag": self.tag,
            "channel": self.channel,
            "kind": self.kind,
            "state": self.state,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "previous_tag": self.previous_tag,
            "base_commit": self.base_commit,
            "branch": self.branch,
            "steps": {sid: rec.to_json() for sid, rec in self.steps.items()},
            "data": self.data,
            "journal": {"head": self.journal_head, "count": self.journal_count} | (
                {"pending": self.journal_pending} if self.journal_pending else {}),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Session:
        journal = data.get("journal") or {}
        return cls(
            version=str(data["version"]),
            tag=str(data["tag"]),
            channel=str(data.get("channel", "stable")),
            kind=str(data.get("kind", "release")),
            state=str(data.get("state", "active")),
            created_at=str(data.get("created_at", "")),
            updated_at=str(data.get("updated_at", "")),
            previous_tag=str(data.get("previous_tag", "")),
            base_commit=str(data.get("base_commit", "")),
            branch=str(data.get("branch", "")),
            steps={sid: StepRecord.from_json(rec) for sid, rec in (data.get("steps") or {}).items()},
            data=dict(data.get("data") or {}),
            journal_head=str(journal.get("head", "")),
            journal_count=int(journal.get("count", 0)),
            journal_pending=list(journal.get("pending") or []),
        )


def record_directory(tag: str) -> str:
    """Where a release's session, journal and notes are kept, relative to the checkout, as a
    captain reads it (``.release/v1.3.0/``)."""
    return f"{RELEASE_DIR}/{quote(tag, safe='')}/"


class SessionStore:
    """Finds, reads and writes sessions under ``<repo>/.release/``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.base = root / RELEASE_DIR
        # Damaged session files :meth:`active` passed over because another session is the one
        # in progress; `status` names them.
        self.passed_over: dict[str, SessionError] = {}

    def directory(self, tag: str) -> Path:
        """``.release/<tag>/``, the tag quoted so "release/1.2" stays one directory level and
        nothing in a tag can point outside ``.release/``."""
        return self.root / record_directory(tag)

    def path(self, tag: str) -> Path:
        return self.directory(tag) / "session.json"

    def exists(self, tag: str) -> bool:
        return self.path(tag).exists()

    def load(self, tag: str) -> Session:
        path = self.path(tag)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:  # a --tag typed wrong: the sessions there are, not "start one"
            known = ", ".join(self.tags())
            raise SessionError(f"No release session for {tag} ({path} does not exist).",
                               remedy=f"The sessions here: {known}." if known else
                               "There is none here yet; start one with `release-console start "
                               "VERSION`.") from None
        except OSError as exc:
            raise SessionError(f"Cannot read {path}: {exc.strerror}.") from None
        try:
            data = json.loads(raw.decode("utf-8"))
            if not isinstance(data, dict):
                raise ValueError("not an object")
        except (ValueError, UnicodeDecodeError):
            raise SessionError(
                f"The session file {path} is damaged (not valid JSON); it was left as it is.",
                remedy="Inspect it, restore it from a bundle or backup, or move it aside "
                f"and start again (`release-console journal show --tag {tag}` tells what was "
                "done).",
            ) from None
        schema = data.get("schema")
        if not isinstance(schema, int):
            raise SessionError(f"The session file {path} has no schema number; it was left as it is.")
        if schema > SCHEMA:
            raise SessionError(
                f"The session file {path} was written by a newer Release Console "
                f"(schema {schema}; this one reads up to {SCHEMA}).",
                remedy="Upgrade release-console to continue this release.",
            )
        problem = shape_problem(data, tag)
        if problem:
            raise SessionError(
                f"The session file {path} is damaged: {problem}; it was left as it is.",
                remedy="Restore it from a bundle or backup, or move it aside and start again "
                f"(`release-console journal show --tag {tag}` tells what was done).")
        try:
            return Session.from_json(data)
        except (KeyError, ValueError, TypeError, AttributeError) as exc:
            raise SessionError(
                f"The session file {path} is damaged ({exc}); it was left as it is."
            ) from None

    def save(self, session: Session, *, now: datetime | None = None) -> None:
        session.updated_at = iso(now or utc_now())
        payload = session.to_json()
        secrets.check_keys(payload, str(self.path(session.tag)))
        text = secrets.scrub(json.dumps(payload, indent=2, ensure_ascii=False, sort_keys=False))
        directory = self.directory(session.tag)
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            if self.base.exists() and not self.base.is_dir():
                raise EnvironmentProblem(
                    f"{self.base} is a file, so the release session cannot be kept there.",
                    remedy="Move that file aside; the console keeps its state in .release/.",
                ) from None
            raise EnvironmentProblem(
                f"Cannot create {directory}: {exc.strerror}.",
                remedy="Make the repository's .release/ directory writable.",
            ) from None
        write_bytes_atomic(self.path(session.tag), (text + "\n").encode("utf-8"))

    @contextlib.contextmanager
    def run_lock(self, tag: str) -> Iterator[None]:
        """Held while a step of this release runs; a second runner is refused, not queued."""
        directory = self.directory(tag)
        directory.mkdir(parents=True, exist_ok=True)
        with open(directory / ".run.lock", "a+") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise BlockedError(
                    f"Another Release Console is running a step of {tag} right now.",
                    remedy="Wait for it to finish (`release-console status` shows which step), "
                    "then try again.",
                ) from None
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def run_in_progress(self, tag: str) -> bool:
        """Whether some process holds the run lock of this release right now."""
        path = self.directory(tag) / ".run.lock"
        if not path.exists():
            return False
        with open(path, "a+") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(handle, fcntl.LOCK_UN)
            return False

    def sessions(self) -> list[Session]:
        """Every session here, each loaded once (damaged files raise, as :meth:`load` does, but
        those :meth:`active` passed over, which `status` names)."""
        return [self.load(tag) for tag in self.tags() if tag not in self.passed_over]

    def tags(self) -> Iterator[str]:
        if not self.base.is_dir():
            return
        for child in sorted(self.base.iterdir()):
            if (child / "session.json").exists():
                yield unquote(child.name)

    def set_aside(self, tag: str) -> Path:
        """Move an abandoned session's whole record (session, journal, notes) to
        ``.release/abandoned/<tag>-<n>/`` in one rename: the version can start again, and the
        record of the attempt is kept as it was."""
        parent = self.base / "abandoned"
        parent.mkdir(parents=True, exist_ok=True)
        n = 1
        while (parent / f"{quote(tag, safe='')}-{n}").exists():
            n += 1
        target = parent / f"{quote(tag, safe='')}-{n}"
        os.rename(self.directory(tag), target)
        return target

    def interrupted_imports(self) -> list[str]:
        """Tags whose journal is here without a session: a bundle import writes the journal and
        then, last, the session (a start writes the session first), so only a killed import
        leaves this; importing the same bundle again finishes it."""
        if not self.base.is_dir():
            return []
        return [unquote(child.name) for child in sorted(self.base.iterdir())
                if (child / "journal.jsonl").exists() and not (child / "session.json").exists()
                and not (child / ".held").exists()]  # an import's own scratch folder

    def active(self) -> Session | None:
        """The one session in progress, if any. A damaged file is raised unless another session
        is the one in progress: only one can be (``start`` refuses a second), so a damaged old
        release's file no longer stops the current one (it stopped `status` and `next`); it is
        kept in :attr:`passed_over` for `status` to name. With none in progress the damaged one
        may be it, and is raised."""
        damaged: dict[str, SessionError] = {}
        active = None
        for tag in self.tags():  # all of them: the damaged ones after it are named too
            try:
                session = self.load(tag)
            except SessionError as err:
                damaged[tag] = err
                continue
            if session.state == "active":
                active = session
        if active is None and damaged:
            raise next(iter(damaged.values()))
        self.passed_over = damaged
        return active
