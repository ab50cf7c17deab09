"""The append-only audit journal: ``.release/<tag>/journal.jsonl``.

Each line is one JSON object with ``prev`` = sha256 of the previous line's bytes, so an edited,
removed or reordered entry breaks the chain at a line ``verify`` can name. The session records the
head hash and the count, which catches truncation and an edited last line too.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from services import secrets
from services.errors import ConsoleError, EnvironmentProblem
from services.session import iso, utc_now

GENESIS = "0" * 64


class JournalError(ConsoleError):
    """The journal is damaged or cannot be written."""


@dataclass(frozen=True)
class JournalProblem:
    line: int  # 1-based; 0 when the problem is about the file as a whole
    message: str


def line_hash(line: bytes) -> str:
    return hashlib.sha256(line.rstrip(b"\n")).hexdigest()


class Journal:
    """Appends entries and checks the chain. One file per release session."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _last_line(self) -> tuple[int, bytes | None]:
        if not self.path.exists():
            return 0, None
        count = 0
        last: bytes | None = None
        with self.path.open("rb") as handle:
            for raw in handle:
                if raw.strip():
                    count += 1
                    last = raw
        return count, last

    def tip(self) -> tuple[int, str]:
        """How many entries the file holds and the hash of its last one (its head)."""
        count, last = self._last_line()
        return count, line_hash(last) if last is not None else GENESIS

    def append(self, *, actor: str, step: str, action: str,
               inputs: dict[str, Any] | None = None, outputs: dict[str, Any] | None = None,
               now: datetime | None = None) -> tuple[str, int]:
        """Append one entry (fsynced); returns the new head hash and entry count."""
        count, last = self._last_line()
        entry = {
            "seq": count + 1,
            "time": iso(now or utc_now()),
            "actor": actor,
            "step": step,
            "action": action,
            "inputs": inputs or {},
            "outputs": outputs or {},
            "prev": line_hash(last) if last is not None else GENESIS,
        }
        secrets.check_keys(entry, str(self.path))
        line = secrets.scrub(json.dumps(entry, ensure_ascii=False, sort_keys=True)).encode("utf-8")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        except OSError as exc:
            raise EnvironmentProblem(f"Cannot write the journal {self.path}: {exc.strerror}.",
                                     remedy="Make the .release/ directory writable.") from None
        try:
            os.write(fd, line + b"\n")
            os.fsync(fd)
        finally:
            os.close(fd)
        return line_hash(line), count + 1

    def entries(self) -> Iterator[dict[str, Any]]:
        if not self.path.exists():
            return
        with self.path.open("rb") as handle:
            for number, raw in enumerate(handle, start=1):
                if not raw.strip():
                    continue
                try:
                    entry = json.loads(raw)
                except ValueError:
                    entry = None
                if not isinstance(entry, dict):
                    raise JournalError(f"{self.path} line {number} is not a journal entry.",
                                       remedy="Run `release-console journal verify`.")
                yield entry

    @staticmethod
    def whole_entries(data: bytes) -> tuple[int, list[str]]:
        """How many bytes from the start are whole, chained entries, and their hashes."""
        offset, hashes = 0, list[str]()
        for raw in data.splitlines(keepends=True):
            try:
                entry = json.loads(raw) if raw.endswith(b"\n") else None
            except ValueError:
                entry = None
            if not isinstance(entry, dict) or entry.get("seq") != len(hashes) + 1 or \
                    entry.get("prev") != (hashes[-1] if hashes else GENESIS):
                break
            offset += len(raw)
            hashes.append(line_hash(raw))
        return offset, hashes

    def verify(self, *, expected_head: str = "", expected_count: int = 0) -> list[JournalProblem]:
        """Walk the chain; an empty list means intact."""
        problems: list[JournalProblem] = []
        if not self.path.exists():
            if expected_count:
                problems.append(JournalProblem(0, f"{self.path} is missing but the session "
                                               f"records {expected_count} entries."))
            return problems
        prev_hash = GENESIS
        count = 0
        hashes: list[str] = []
        with self.path.open("rb") as handle:
            data = handle.read()
        if data and not data.endswith(b"\n"):
            problems.append(JournalProblem(data.count(b"\n") + 1,
                                           "the last entry is cut off (no line end)"))
        for number, raw in enumerate(data.splitlines(), start=1):
            if not raw.strip():
                problems.append(JournalProblem(number, "blank line inside the journal"))
                return problems
            try:
                entry = json.loads(raw)
            except ValueError:
                problems.append(JournalProblem(number, "not valid JSON (edited or cut off)"))
                return problems
            if not isinstance(entry, dict):
                problems.append(JournalProblem(number, "not a journal entry (edited)"))
                return problems
            count += 1
            if entry.get("prev") != prev_hash:
                problems.append(JournalProblem(
                    number, f"its 'prev' hash does not match line {number - 1}: line "
                    f"{number - 1} was edited, or entries around here were removed or reordered"))
                return problems
            if entry.get("seq") != count:
                problems.append(JournalProblem(number, f"sequence number {entry.get('seq')} "
                                               f"where {count} was expected"))
                return problems
            prev_hash = line_hash(raw)
            hashes.append(prev_hash)
        if expected_count:
            if count < expected_count:
                problems.append(JournalProblem(
                    count + 1, f"the journal ends after {count} entries but the session "
                    f"records {expected_count} (entries were removed from the end)"))
            elif hashes[expected_count - 1] != expected_head:
                problems.append(JournalProblem(
                    expected_count, "this entry differs from the one the session recorded "
                    "(it was edited)"))
        return problems
