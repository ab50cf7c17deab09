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
from tests.conftest import git, run_cli


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[tuple[Path, dict[str, str]]]:
    project = build_sandbox(tmp_path / "demo", built="1.3.0")
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


def test_skip_redo_and_abandon_speak_json(demo: tuple[Path, dict[str, str]]) -> None:
    """A script abandoning a release needs what stays behind and the command that drops it, not
    sentences to scrape; skip and redo answer in the envelope like every reporting command."""
    project, env = demo
    assert run_cli("start", "--bump", "minor", cwd=project, env=env).returncode == 0
    assert run_cli("checklist", "tick", "all", cwd=project, env=env).returncode == 0
    for step in ("preflight", "changelog"):
        assert run_cli("run", step, "--yes", cwd=project, env=env).returncode == 0, step

    code, skipped = document(project, env, "skip", "notes", "--reason", "not ours")
    assert code != 0 and skipped["command"] == "skip" and skipped["ok"] is False
    assert skipped["error"]["message"]
    code, redone = document(project, env, "redo", "preflight", "--reason", "docs changed")
    assert code == 0 and redone["ok"] and redone["output"]

    code, abandoned = document(project, env, "abandon", "v1.3.0", "--reason", "wrong version")
    assert code == 0 and abandoned["tag"] == "v1.3.0" and abandoned["record"] == ".release/v1.3.0/"
    left = abandoned["left_behind"]
    # the changelog commit, though `redo preflight` reopened the step that recorded it
    assert left["release_commits"] == [git(project, "rev-parse", "HEAD").strip()]
    assert git(project, "log", "-1", "--format=%s") == "Release v1.3.0: changelog\n"
    assert left["drop"] == "git reset --keep " + left["release_commits"][0][:12] + "^"
    assert left["branch"] == "main" and left["captain_commits"] == [] and left["bundle"] is None
    code, again = document(project, env, "abandon", "v1.3.0", "--reason", "twice")
    assert code != 0 and again["ok"] is False and "v1.3.0" in again["error"]["message"]
