"""`journal verify` also checks that the journal explains the session: a step marked finished by
hand in session.json is named, though the hash chain itself is intact."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli


def test_a_step_marked_done_by_hand_is_named_by_journal_verify(repo_path: Path) -> None:
    assert run_cli("start", "0.2.0", cwd=repo_path).returncode == 0
    assert run_cli("journal", "verify", cwd=repo_path).returncode == 0
    path = repo_path / ".release" / "v0.2.0" / "session.json"
    session = json.loads(path.read_text())
    session["steps"]["publish"] = {**session["steps"].get("publish", {}), "status": "done"}
    path.write_text(json.dumps(session))
    before = path.read_bytes()

    said = run_cli("journal", "verify", cwd=repo_path)
    assert said.returncode == 1
    assert "records publish as finished, but no journal entry finished it" in said.stderr
    assert "the session file was edited" in said.stderr and "Traceback" not in said.stderr
    assert path.read_bytes() == before
