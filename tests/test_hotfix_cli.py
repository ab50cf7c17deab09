"""The hotfix walk-through from the command line, on the demo world (issue #11 acceptance)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from console.sandbox.server import SandboxServer
from tests.conftest import git
from tests.hotfix_helpers import (
    FEATURE_SUBJECT,
    FIX_SUBJECT,
    build_isos,
    cli,
    finish_with_next,
    fix_and_feature,
    is_ancestor,
    release_1_3_0,
    smoke_sign,
)
from tests.test_walkthrough import CANARY, api_get, demo  # noqa: F401 - demo is a fixture

Demo = tuple[Path, SandboxServer, dict[str, str]]


def test_hotfix_from_the_tag_through_publish_and_merge_back(demo: Demo) -> None:  # noqa: F811
    project, server, env = demo
    release_1_3_0(project, env)
    fix, feature = fix_and_feature(project)

    out = cli(project, env, "hotfix", "1.3.1", "--yes", "--pick", fix[:10], "--severity", "critical")
    assert "hotfix/v1.3.1" in out and re.search(r"critical: (23 h \d+|24 h 0) min left", out)
    assert git(project, "branch", "--show-current").strip() == "hotfix/v1.3.1"
    picked = git(project, "log", "--format=%B", "v1.3.0..HEAD")
    assert f"(cherry picked from commit {fix})" in picked
    assert feature not in picked and FEATURE_SUBJECT not in picked
    changelog = (project / "CHANGELOG.md").read_text()
    assert f"## [Unreleased]\n\n### Fixed\n\n- {FIX_SUBJECT}\n\n## [1.3.0]" in changelog
    assert git(project, "status", "--porcelain") == ""

    build_isos(project, "v1.3.1")
    cli(project, env, "checklist", "tick", "preflight", "all")
    smoke_sign(project, env)
    ran = finish_with_next(project, env, old="v1.3.0", new="v1.3.1")
    assert ran[0] == "preflight" and ran[-1] == "merge-back"
    assert ran.index("publish") < ran.index("merge-back")

    release = api_get(server, env, "/repos/example-org/pai/releases/tags/v1.3.1")
    assert release["draft"] is False
    origin = project.parent / "origin.git"
    # The default branch on the remote holds the hotfix tag; the feature never went into it.
    assert is_ancestor(origin, "v1.3.1", "main") and is_ancestor(origin, feature, "main")
    assert not is_ancestor(origin, feature, "v1.3.1")
    assert not is_ancestor(origin, fix, "v1.3.1")  # picked as a new commit, not merged in
    # main's CHANGELOG: its own [Unreleased] entries first, then the hotfix section, then 1.3.0.
    merged = git(origin, "show", "main:CHANGELOG.md")
    unreleased = merged.index("## [Unreleased]")
    assert merged.index(f"- {FEATURE_SUBJECT}.") > unreleased
    assert merged.index("## [1.3.1]") > merged.index(f"- {FEATURE_SUBJECT}.")
    assert merged.index(f"- {FIX_SUBJECT}", merged.index("## [1.3.1]")) < merged.index("## [1.3.0]")
    assert "[1.3.1]: https://github.com/example-org/pai/compare/v1.3.0...v1.3.1" in merged
    assert "<<<<<<<" not in merged and merged.count("## [Unreleased]") == 1
    # The session is completed, says so, and the clock was met; a new release can start.
    assert "the last session: v1.3.1 released" in cli(project, env, "status")
    session = json.loads((project / ".release" / "v1.3.1" / "session.json").read_text())
    assert session["state"] == "completed"
    journal = [json.loads(line) for line in
               (project / ".release" / "v1.3.1" / "journal.jsonl").read_text().splitlines()]
    done = [e for e in journal if e["step"] == "session" and e["action"] == "completed"]
    assert done and done[0]["outputs"]["security"]["met"] is True
    assert "chain intact" in cli(project, env, "journal", "verify", "--tag", "v1.3.1")
    for path in (project / ".release").rglob("*"):
        if path.is_file():
            assert CANARY.encode() not in path.read_bytes(), path


def test_a_hotfix_started_with_nothing_picked_does_not_claim_its_branch(
        demo: Demo) -> None:  # noqa: F811
    """Walked: `hotfix 1.3.1` with no --pick said "Started hotfix v1.3.1 from v1.3.0 on branch
    hotfix/v1.3.1." while no such branch was made (the branch step makes it with the picks)."""
    project, _server, env = demo
    out = " ".join(cli(project, env, "hotfix", "1.2.1").split())
    assert ("Started hotfix v1.2.1 from v1.2.0; its branch hotfix/v1.2.1 is made when the "
            "fixes are picked.") in out
    assert "on branch" not in out
    assert git(project, "branch", "--list", "hotfix/*").strip() == ""
    assert git(project, "branch", "--show-current").strip() == "main"
    again = " ".join(cli(project, env, "hotfix", "1.2.1").split())
    assert "Resuming hotfix v1.2.1 from v1.2.0; its branch hotfix/v1.2.1 is made" in again
