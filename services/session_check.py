"""The shape of a session file, checked before anything reads it.

A hand-edited or half-restored ``session.json`` that parses as JSON but has the wrong shape (a
list of steps, a number for the version, another release's tag, evidence that is not a table) must
be reported, in words a release captain understands, and never "repaired" by a save: the file may
be the only record of what was done. :func:`shape_problem` names the first thing wrong.
"""

from __future__ import annotations

from typing import Any

STATUSES = ("pending", "running", "done", "skipped", "failed")
# handed-off: the signing workstation's part of a release, closed there when the next one came in
STATES = ("active", "completed", "abandoned", "handed-off")
TEXT_FIELDS = ("channel", "kind", "created_at", "updated_at", "previous_tag", "base_commit",
               "branch")
STEP_TEXT_FIELDS = ("started_at", "finished_at", "reason")


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    if value is None:
        return "empty (null)"
    return "text"


def shape_problem(data: dict[str, Any], tag: str) -> str:
    """What is wrong with a parsed session for ``tag`` (its directory's tag); "" when sound."""
    version = data.get("version")
    if not isinstance(version, str) or not version:
        return f"the version is {_kind(version)}, not text such as \"1.4.0\""
    if not isinstance(data.get("tag"), str):
        return f"the tag is {_kind(data.get('tag'))}, not text such as \"v1.4.0\""
    if data["tag"] != tag:
        return (f"it is for the tag {data['tag'][:60]!r} but is kept in the directory of {tag}; "
                "it was copied or renamed")
    for key in TEXT_FIELDS:
        if key in data and not isinstance(data[key], str):
            return f"the {key.replace('_', ' ')} is {_kind(data[key])}, not text"
    if data.get("state", "active") not in STATES:
        return f"the state {str(data.get('state'))[:30]!r} is not one of {', '.join(STATES)}"
    steps = data.get("steps", {})
    if not isinstance(steps, dict):
        return f"the steps are {_kind(steps)}, not a table of steps by name"
    for step_id, record in steps.items():
        problem = _step_problem(record)
        if problem:
            return f"step {step_id[:40]!r}: {problem}"
    if not isinstance(data.get("data", {}), dict):
        return f"the recorded answers (\"data\") are {_kind(data.get('data'))}, not a table"
    journal = data.get("journal", {})
    if not isinstance(journal, dict) or not isinstance(journal.get("head", ""), str) or \
            not _count(journal.get("count", 0)):
        return "the journal record (head and count) is not a table with a text head and a count"
    pending = journal.get("pending", [])
    if not isinstance(pending, list) or not all(isinstance(e, dict) for e in pending):
        return "the journal entries waiting to be written (pending) are not a list of tables"
    return ""


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _step_problem(record: Any) -> str:
    if not isinstance(record, dict):
        return f"its record is {_kind(record)}, not a table"
    status = record.get("status", "pending")
    if status not in STATUSES:
        return f"the status {str(status)[:30]!r} is not one of {', '.join(STATUSES)}"
    if "evidence" in record and not isinstance(record["evidence"], dict):
        return f"its evidence is {_kind(record['evidence'])}, not a table of named values"
    for key in STEP_TEXT_FIELDS:
        if key in record and not isinstance(record[key], str):
            return f"its {key.replace('_', ' ')} is {_kind(record[key])}, not text"
    if "pid" in record and not _count(record["pid"]):
        return f"its process id is {_kind(record['pid'])}, not a number"
    return ""
