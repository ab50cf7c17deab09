"""``--json``: every command that reports prints one JSON document on stdout, also on refusal.

Run against the demo project and its loopback GitHub, as a script would: parse stdout, read
``ok``/``exit_code``/``error``, and never find a sentence outside the document.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from console.demo import build_sandbox, start_github
from tests.conftest import run_cli


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[tuple[Path, dict[str, str]]]:
    project = build_sandbox(tmp_path / "demo")
    server, token = start_github(tmp_path / "demo", project)
    try:
        yield project, {"GITHUB_API_URL": server.api_url, "GITHUB_TOKEN": token}
    finally:
        server.stop()


def document(project: Path, env: dict[str, str], *args: str) -> tuple[int, dict[str, Any]]:
    result = run_cli(*args, "--json", cwd=project, env=env)
    return result.returncode, json.loads(result.stdout)  # one document, nothing else


def test_every_reporting_command_speaks_json(demo: tuple[Path, dict[str, str]]) -> None:
    project, env = demo
    assert run_cli("start", "--bump", "minor", cwd=project, env=env).returncode == 0

    code, status = document(project, env, "status")
    assert code == 0 and status["session"]["tag"] == "v1.3.0" and status["next"] == "preflight"

    code, shown = document(project, env, "checklist", "show")
    assert code == 0 and shown["ok"] and any("Docs in docs/" in x for x in shown["output"])

    code, refused = document(project, env, "run", "preflight")  # the item is not ticked
    assert code == 1 and refused["ok"] is False and refused["exit_code"] == 1
    assert "cannot run yet: checklist item not ticked" in refused["error"]["message"]

    assert run_cli("checklist", "tick", "preflight", "all", cwd=project, env=env).returncode == 0
    code, plan = document(project, env, "next", "--dry-run")
    assert code == 0 and plan["command"] == "next" and plan["arguments"]["dry_run"] is True
    assert plan["output"] and plan["error"] is None
    code, ran = document(project, env, "run", "preflight")
    assert code == 0 and ran["ok"] and ran["error"] is None
    code, planned = document(project, env, "run", "changelog", "--dry-run")
    assert code == 0 and any("CHANGELOG.md" in line for line in planned["output"])

    code, verified = document(project, env, "journal", "verify")
    assert code == 0 and any("chain intact" in line for line in verified["output"])

    for args in (("draft",), ("publish",), ("review",)):
        code, doc = document(project, env, *args)
        assert code != 0, args  # not yet: an early step is not done; said in the document
        assert isinstance(doc, dict)

    code, yank = document(project, env, "yank", "1.2.0", "--reason", "bad image",
                          "--replacement", "1.3.0")
    assert code != 0 and yank["ok"] is False and yank["error"]["message"]


def test_commands_with_their_own_document_are_refused_in_the_envelope(
        demo: tuple[Path, dict[str, str]]) -> None:
    """``hotfix``, ``promote`` and ``bundle`` print their own document when they succeed and the
    envelope when refused: a script parses exactly one document either way."""
    project, env = demo
    code, listed = document(project, env, "hotfix", "1.2.1", "--list")
    assert code == 0 and listed["base_tag"] == "v1.2.0" and listed["commits"]

    for args in (("promote", "v9.9.9-rc.1"), ("hotfix", "1.2.5", "--pick", "HEAD"),
                 ("bundle", "import", str(project / "no-such-bundle.tar"), "--yes")):
        code, refused = document(project, env, *args)
        assert code != 0 and refused["ok"] is False, args
        assert refused["command"] == args[0] and refused["error"]["message"], args
