"""A session file of the wrong shape is reported in a captain's words and never rewritten."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_cli


def damage(data: dict[str, Any], change: Callable[[dict[str, Any]], None]) -> bytes:
    change(data)
    return json.dumps(data, indent=2).encode("utf-8")


def set_key(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    return lambda data: data.__setitem__(key, value)


def set_step(field: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        data["steps"]["preflight"] = {"status": "done", field: value}
    return change


CASES = [
    ("steps-list", set_key("steps", []), "the steps are a list, not a table of steps by name"),
    ("version-number", set_key("version", 1.3), "the version is a number (1.3), not text"),
    ("tag-elsewhere", set_key("tag", "v9.9.9"),
     "it is for the tag 'v9.9.9' but is kept in the directory of v0.2.0"),
    ("evidence-list", set_step("evidence", ["commit", "abc"]),
     "step 'preflight': its evidence is a list, not a table of named values"),
    ("evidence-text", set_step("evidence", "abc"),
     "step 'preflight': its evidence is text, not a table of named values"),
    ("step-not-table", set_key("steps", {"preflight": "done"}),
     "step 'preflight': its record is text, not a table"),
    ("unknown-status", set_step("status", "finished"),
     "step 'preflight': the status 'finished' is not one of"),
    ("journal-count-text", set_key("journal", {"head": "", "count": "3"}),
     "the journal record (head and count) is not a table"),
    ("journal-pending-text", set_key("journal", {"head": "", "count": 1, "pending": "x"}),
     "the journal entries waiting to be written (pending) are not a list of tables"),
    ("state-unknown", set_key("state", "paused"), "the state 'paused' is not one of"),
]


@pytest.fixture
def started(repo_path: Path) -> Path:
    result = run_cli("start", "0.2.0", cwd=repo_path)
    assert result.returncode == 0, result.stderr
    return repo_path / ".release" / "v0.2.0" / "session.json"


@pytest.mark.parametrize(("change", "words"), [(c, w) for _, c, w in CASES],
                         ids=[name for name, _, _ in CASES])
def test_wrong_shape_is_reported_and_left_byte_identical(
        repo_path: Path, started: Path, change: Callable[[dict[str, Any]], None],
        words: str) -> None:
    raw = damage(json.loads(started.read_text()), change)
    started.write_bytes(raw)
    for args in (("status",), ("next", "--yes")):
        result = run_cli(*args, cwd=repo_path)
        assert result.returncode != 0, args
        assert "is damaged: " + words in result.stderr, (args, result.stderr)
        assert "it was left as it is" in result.stderr
        assert "Traceback" not in result.stderr and "KeyError" not in result.stderr
        assert started.read_bytes() == raw, args
