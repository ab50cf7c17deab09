"""The release summary says where the release's own files are kept.

Walked as a new captain at 80x24: the summary gave the journal's entry count and head, but not
where the journal, the session or the published notes were; nothing on any screen said
``.release/``.
"""

from __future__ import annotations

import json
from pathlib import Path

from console.app import ReleaseConsoleApp
from console.wiring import Options
from tests.conftest import run_cli
from tests.test_summary_last_finished import (
    palette_summary,
    v130_finished_with_its_reopen_commit_local,
)
from tests.tui_helpers import text_of


async def test_the_summary_names_the_folder_the_record_is_kept_in(tmp_path: Path) -> None:
    project, _ = v130_finished_with_its_reopen_commit_local(tmp_path)
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(80, 24)) as pilot:
        await palette_summary(pilot)
        lines = text_of(app.screen, "#summary").splitlines()
    said = [line for line in lines if "Record:" in line]
    assert said == ["  Record: .release/v1.3.0/ (release notes, session, journal)"], lines
    kept = project / ".release" / "v1.3.0"
    assert (kept / "session.json").is_file() and (kept / "journal.jsonl").is_file()
    # the command line's summary says it too, and its JSON
    assert "Record: .release/v1.3.0/" in run_cli("status", cwd=project).stdout
    last = json.loads(run_cli("status", "--json", cwd=project).stdout)["last"]
    assert last["record"] == ".release/v1.3.0/"
