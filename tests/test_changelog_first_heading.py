"""A first release's heading: Keep a Changelog's own form when the file says it follows it.

With no version heading to copy, ``changelog move`` (and the runbook's changelog step) used to write
PAI's ``## [0.1.0] — DATE`` even in a file whose preamble links keepachangelog.com, whose readers
and tools expect ``## [0.1.0] - DATE``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from services import engine
from services.session_lifecycle import ReleaseRequest, start_release
from services.step_protocol import Context
from tests.conftest import commit_file, git, run_cli

ENTRIES = "## [Unreleased]\n\n### Added\n\n- The first thing.\n"
BY_LINK = ("# Changelog\n\nAll notable changes to this project are documented in this file.\n\n"
           "The format is based on [Keep a Changelog](https://keepachangelog.com/en/1.1.0/),\n"
           "and this project adheres to [Semantic Versioning](https://semver.org/spec/v2.0.0.html)."
           "\n\n" + ENTRIES)
BY_NAME = "# Changelog\n\nThis file follows keep a changelog.\n\n" + ENTRIES
SILENT = "# Changelog\n\nAll notable changes to this project are documented here.\n\n" + ENTRIES
# the name in an entry is not the file saying what it follows
IN_AN_ENTRY = "# Changelog\n\n" + ENTRIES + "- Import from Keep a Changelog files.\n"


@pytest.mark.parametrize(("text", "heading"), [
    (BY_LINK, "## [0.1.0] - 2026-11-26"),
    (BY_NAME, "## [0.1.0] - 2026-11-26"),
    (SILENT, "## [0.1.0] — 2026-11-26"),
    (IN_AN_ENTRY, "## [0.1.0] — 2026-11-26"),
], ids=["keepachangelog-link", "keep-a-changelog-name", "says-nothing", "name-in-an-entry"])
def test_move_on_a_first_release_writes_the_format_the_file_names(
        tmp_path: Path, text: str, heading: str) -> None:
    target = tmp_path / "CHANGELOG.md"
    target.write_text(text)
    result = run_cli("changelog", "move", "0.1.0", "--date", "2026-11-26", "--file", str(target),
                     cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert target.read_text() == text.replace("## [Unreleased]", heading)


def test_the_changelog_step_of_a_first_release_writes_keep_a_changelogs_heading(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    git(repo_path, "tag", "-d", "v0.1.0")
    commit_file(repo_path, "CHANGELOG.md", BY_LINK, "Add changelog")
    ctx = make_ctx()
    start_release(ctx, ReleaseRequest(version="1.0.0"))
    for step_id in ("preflight", "changelog"):
        engine.run_step(ctx, engine.find_step(ctx, step_id))
    committed = git(repo_path, "show", "HEAD:CHANGELOG.md")
    headings = [line for line in committed.splitlines() if line.startswith("## [1.0.0]")]
    assert len(headings) == 1 and headings[0].startswith("## [1.0.0] - "), committed
