"""MIGRATION.md: finding the transition's section, the MAJOR rule, and inserting the template."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from services import engine, migration, versions
from services.session_lifecycle import ReleaseRequest, start_release
from services.step_protocol import Context
from tests.conftest import commit_file, git, run_cli

GUIDE = (
    "# Migration guide\n\nUpgrade notes, newest first.\n\n"
    "## v1.2.0 → v1.3.0\n\n### Steps\n\n1. Re-run `pai-setup --persistence`.\n\n"
    "## v1.1.0 → v1.2.0\n\nNo migration required.\n"
)


def check(text: str, old: str, new: str) -> migration.MigrationCheck:
    doc = migration.from_bytes(text.encode(), "MIGRATION.md")
    return migration.check(doc, versions.parse_version(old), versions.parse_version(new),
                           old_tag=f"v{old}", new_tag=f"v{new}")


def test_section_found_by_either_version_but_not_the_previous_transition() -> None:
    ok = check(GUIDE, "1.2.0", "1.3.0")
    assert (ok.ok, ok.status, ok.line) == (True, "steps", 5)
    assert check(GUIDE, "1.1.0", "1.2.0").status == "no-migration"
    # "v1.2.0 → v1.3.0" names 1.3.0, but as the *new* version of an older transition
    missing = check(GUIDE, "1.3.0", "1.4.0")
    assert not missing.ok and missing.status == "missing"
    assert "MIGRATION.md has no section for v1.3.0 -> v1.4.0" in missing.message
    upgrading = check("# M\n\n## Upgrading from 1.3.0\n\nRun the tool.\n", "1.3.0", "1.4.0")
    assert upgrading.ok
    short = check("# M\n\n## Upgrading to 2.0\n\n- Rebuild the index.\n", "1.9.0", "2.0.0")
    assert short.ok and short.major


def test_a_heading_naming_only_the_old_version_is_not_this_transition(tmp_path: Path) -> None:
    """'## 2.0.0' is the section of the upgrade *to* 2.0.0; it must not pass 2.0.0 -> 3.0.0."""
    for heading in ("## 2.0.0", "## Upgrading to 2.0.0", "## v2.0.0"):
        text = f"# M\n\n{heading}\n\n1. Rename foo.\n"
        result = check(text, "2.0.0", "3.0.0")
        assert (result.ok, result.status) == (False, "missing"), heading
        doc = migration.from_bytes(text.encode(), "M.md")
        old, new = versions.parse_version("2.0.0"), versions.parse_version("3.0.0")
        assert migration.section_text(doc, old, new) == ""  # the editor gets the template
        added = migration.add_template(doc, old, new, old_tag="v2.0.0", new_tag="v3.0.0")
        assert added.text().startswith(text)  # the 2.0.0 section is left as it was
    assert check("# M\n\n## Upgrading to 3.0.0\n\n1. Rename bar.\n", "2.0.0", "3.0.0").ok
    assert check("# M\n\n## Upgrading from 2.0.0\n\n1. Rename bar.\n", "2.0.0", "3.0.0").ok
    assert check("# M\n\n## 2.0.0 to 3.0.0\n\n1. Rename bar.\n", "2.0.0", "3.0.0").ok
    path = tmp_path / "MIGRATION.md"
    path.write_text("# M\n\n## Upgrading to 2.0.0\n\n1. Rename foo.\n")
    cli = run_cli("migration", "check", "2.0.0", "3.0.0", "--file", str(path), cwd=tmp_path)
    assert cli.returncode == 1 and f"{path} has no section for v2.0.0 -> v3.0.0" in cli.stderr


@pytest.mark.parametrize(("old", "new"), [("1.5.0", "1.4.0"), ("1.4.0", "1.4.0"),
                                          ("v2.0.0", "2.0.0-rc.1")])
def test_a_transition_that_does_not_go_up_is_refused(tmp_path: Path, old: str, new: str) -> None:
    path = tmp_path / "MIGRATION.md"
    path.write_text(GUIDE)
    for action in ("check", "add"):
        result = run_cli("migration", action, old, new, "--file", str(path), cwd=tmp_path)
        assert result.returncode == 1, result.stdout
        assert f"{new} is not newer than {old}" in result.stderr
        assert str(path) in result.stderr and "Traceback" not in result.stderr
    assert path.read_text() == GUIDE


def test_a_line_saying_no_migration_is_required() -> None:
    text = GUIDE + "\n## Patch releases\n\n- v1.3.1: no migration is needed.\n"
    result = check(text, "1.3.0", "1.3.1")
    assert result.ok and result.status == "no-migration"


def test_major_bump_needs_real_steps() -> None:
    text = "# M\n\n## v1.9.0 -> v2.0.0\n\nNo migration required.\n"
    result = check(text, "1.9.0", "2.0.0")
    assert not result.ok and result.status == "needs-steps"
    assert "MAJOR bump" in result.message and "line 3" in result.message
    empty = check("# M\n\n## v1.9.0 -> v2.0.0\n\n### Steps\n\n## older\n", "1.9.0", "2.0.0")
    assert empty.status == "empty"


def test_template_matches_the_files_heading_style_and_goes_on_top(tmp_path: Path) -> None:
    path = tmp_path / "MIGRATION.md"
    path.write_text(GUIDE)
    doc = migration.read(path, "MIGRATION.md")
    old, new = versions.parse_version("1.3.0"), versions.parse_version("2.0.0")
    change = migration.add_template(doc, old, new, old_tag="v1.3.0", new_tag="v2.0.0")
    change.write()
    text = path.read_text()
    assert text.startswith("# Migration guide\n\nUpgrade notes, newest first.\n\n"
                           "## v1.3.0 → v2.0.0\n\n### Breaking changes\n\n- TODO: what stops")
    assert text.endswith("\n\n" + GUIDE.split("\n\n", 2)[2])
    result = check(text, "1.3.0", "2.0.0")
    assert result.status == "not-filled" and "TODO" in result.message
    with pytest.raises(migration.MigrationError, match="already has a section"):
        migration.add_template(migration.read(path, "MIGRATION.md"), old, new, old_tag="v1.3.0",
                               new_tag="v2.0.0")


def test_cli_check_add_template(tmp_path: Path) -> None:
    path = tmp_path / "docs" / "UPGRADING.md"
    path.parent.mkdir()
    path.write_bytes(GUIDE.replace("\n", "\r\n").encode())
    before = path.read_bytes()
    missing = run_cli("migration", "check", "v1.3.0", "v1.4.0", "--file", str(path), cwd=tmp_path)
    assert missing.returncode == 1
    assert f"{path} has no section for v1.3.0 -> v1.4.0" in missing.stderr
    assert "migration add v1.3.0 v1.4.0" in missing.stderr
    shown = run_cli("migration", "template", "1.3.0", "1.4.0", "--file", str(path), cwd=tmp_path)
    assert shown.stdout.startswith("## v1.3.0 → v1.4.0\n")
    dry = run_cli("migration", "add", "1.3.0", "1.4.0", "--file", str(path), "--dry-run",
                  cwd=tmp_path)
    assert dry.returncode == 0 and "+## v1.3.0 → v1.4.0\n" in dry.stdout
    assert path.read_bytes() == before
    added = run_cli("migration", "add", "1.3.0", "1.4.0", "--file", str(path), cwd=tmp_path)
    assert added.returncode == 0, added.stderr
    data = path.read_bytes()
    assert b"\n" not in data.replace(b"\r\n", b"")  # CRLF kept for the new lines too
    filled = data.replace(b"- TODO: none? Then replace this section with 'No migration "
                          b"required.'", b"- None.").replace(
        b"1. TODO: the exact commands or settings a user changes, in order.",
        b"1. Nothing to do.").replace(b"1. TODO: how to go back to v1.3.0 if the upgrade fails.",
                                      b"1. Reinstall v1.3.0.")
    path.write_bytes(filled)
    ok = run_cli("migration", "check", "1.3.0", "1.4.0", "--file", str(path), cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert "has a section for v1.3.0 -> v1.4.0" in ok.stdout


def test_cli_refuses_binary_guide(tmp_path: Path) -> None:
    path = tmp_path / "MIGRATION.md"
    path.write_bytes(b"\x00\x01binary")
    result = run_cli("migration", "check", "1.0.0", "1.1.0", "--file", str(path), cwd=tmp_path)
    assert result.returncode == 1 and f"{path} looks like a binary file" in result.stderr
    assert path.read_bytes() == b"\x00\x01binary"


def test_migration_step_in_a_repository(repo_path: Path,
                                        make_ctx: Callable[..., Context]) -> None:
    commit_file(repo_path, "CHANGELOG.md", "# Changelog\n\n## [Unreleased]\n### Removed\n- Old.\n")
    ctx = make_ctx()
    start_release(ctx, ReleaseRequest(version="1.0.0"))
    step = engine.find_step(ctx, "migration")
    blockers = step.check(ctx)
    assert "MIGRATION.md does not exist; it needs a section for v0.1.0 -> v1.0.0" in \
        blockers[0].reason
    assert "release-console migration add v0.1.0 v1.0.0" in blockers[0].remedy
    # a MAJOR release needs real steps: "no migration" is not offered, on either side
    assert "migration none" not in blockers[0].remedy and "press m" not in blockers[0].tui_remedy
    plan = step.plan(ctx)
    assert "+## v0.1.0 -> v1.0.0" in plan.changes[0].diff
    assert not (repo_path / "MIGRATION.md").exists()

    added = run_cli("migration", "add", "v0.1.0", "v1.0.0", cwd=repo_path)
    assert added.returncode == 0, added.stderr
    assert "TODO placeholders" in step.check(ctx)[0].reason
    text = (repo_path / "MIGRATION.md").read_text()
    (repo_path / "MIGRATION.md").write_text(text.replace("TODO: ", ""))
    assert step.check(ctx) == []
    evidence = step.run(ctx)
    assert evidence["status"] == "steps" and evidence["major"] is True
    subject = git(repo_path, "log", "-1", "--format=%s").strip()
    assert subject == "Release v1.0.0: migration notes"
    assert git(repo_path, "status", "--porcelain") == ""


def test_a_minor_release_is_told_how_to_say_no_migration_from_the_cli(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """The TUI's m had no counterpart in the blocker a CLI user reads (only "fill in a template")."""
    commit_file(repo_path, "CHANGELOG.md", "# Changelog\n\n## [Unreleased]\n### Added\n- New.\n")
    ctx = make_ctx()
    start_release(ctx, ReleaseRequest(version="0.2.0"))
    step = engine.find_step(ctx, "migration")
    (blocker,) = step.check(ctx)
    assert "`release-console migration none v0.1.0 v0.2.0`" in blocker.remedy
    assert "press m if no migration is required" in blocker.tui_remedy
    said = run_cli("migration", "none", "v0.1.0", "v0.2.0", cwd=repo_path)
    assert said.returncode == 0, said.stderr
    assert step.check(ctx) == []


def test_first_release_needs_no_migration(tmp_path: Path, make_ctx: Callable[..., Context],
                                          repo_path: Path) -> None:
    git(repo_path, "tag", "-d", "v0.1.0")
    ctx = make_ctx()
    start_release(ctx, ReleaseRequest(version="0.1.0"))
    step = engine.find_step(ctx, "migration")
    assert step.check(ctx) == []
    assert step.run(ctx) == {"status": "first-release"}


def test_two_sections_for_one_transition_are_refused(tmp_path: Path) -> None:
    guide = tmp_path / "MIGRATION.md"
    guide.write_text("# M\n\n## v1.2.0 -> v1.3.0\n\nNo migration required.\n\n"
                     "## v1.2.0 -> v1.3.0\n\n- TODO: steps\n")
    old, new = migration.parse_pair("1.2.0", "1.3.0")
    result = migration.check(migration.read(guide, "MIGRATION.md"), old, new)
    assert not result.ok and result.status == "duplicate"
    assert "2 sections for v1.2.0 -> v1.3.0 (lines 3 and 7)" in result.message


def test_saving_an_edit_with_two_headings_for_the_transition_is_refused(tmp_path: Path) -> None:
    guide = tmp_path / "MIGRATION.md"
    original = "# M\n\n## v1.1.0 -> v1.2.0\n\nNo migration required.\n"
    guide.write_text(original)
    old, new = migration.parse_pair("1.2.0", "1.3.0")
    edited = ("## v1.2.0 -> v1.3.0\n\nNo migration required.\n"
              "## v1.2.0 -> v1.3.0\n\n### Steps\n\n1. TODO\n")
    with pytest.raises(migration.MigrationError, match="more than one heading"):
        migration.save_section(migration.read(guide, "MIGRATION.md"), old, new, edited)
    assert guide.read_text() == original


def test_cli_none_writes_no_migration_required_and_refuses_a_major(tmp_path: Path) -> None:
    """The CLI's twin of the migration screen's ``m``."""
    path = tmp_path / "MIGRATION.md"
    path.write_text(GUIDE)
    written = run_cli("migration", "none", "1.3.0", "1.4.0", "--file", str(path), cwd=tmp_path)
    assert written.returncode == 0, written.stderr
    # said as done (it printed the plan's "Add a migration section", which reads as a to-do)
    assert f'with "No migration required." to {path}.' in written.stdout
    assert run_cli("migration", "check", "1.3.0", "1.4.0", "--file", str(path),
                   cwd=tmp_path).returncode == 0
    assert check(path.read_text(), "1.3.0", "1.4.0").status == "no-migration"
    before = path.read_bytes()
    major = run_cli("migration", "none", "1.4.0", "2.0.0", "--file", str(path), cwd=tmp_path)
    assert major.returncode == 2
    assert "v1.4.0 -> v2.0.0 is a MAJOR release" in major.stderr
    assert "`release-console migration add 1.4.0 2.0.0`" in major.stderr
    assert path.read_bytes() == before


def test_a_pre_release_is_refused_as_a_transition_with_its_final_version_named(
        tmp_path: Path) -> None:
    """Walked during an rc: `migration none v1.3.1 v1.4.0-rc.1` wrote a section the migration
    step never accepts (it wants v1.3.1 -> v1.4.0), and the tree it dirtied blocked pre-flight."""
    path = tmp_path / "MIGRATION.md"
    path.write_text(GUIDE)
    for action in ("none", "add", "check"):
        result = run_cli("migration", action, "v1.3.1", "v1.4.0-rc.1", "--file", str(path),
                         cwd=tmp_path)
        assert result.returncode == 1, result.stdout
        said = " ".join(result.stderr.split())
        assert "v1.4.0-rc.1 is a pre-release; MIGRATION.md sections name final versions" in said
        assert "Give 1.4.0 as TO, after v1.3.1." in said
    assert path.read_text() == GUIDE


FIRST_RELEASE_GUIDE = (  # the shape of the console's own MIGRATION.md at v0.1.0
    "# Migration guide\n\nHow to move between versions. Each section names the transition.\n\n"
    "## (none) -> v0.1.0\n\nFirst release: no migration required.\n\n"
    "From a development snapshot of main (before v0.1.0):\n\n- `release.toml`: a key changed.\n"
)


def _transitions(path: Path) -> list[str]:
    return [line for line in path.read_text().splitlines() if line.startswith("## ")]


def test_sections_after_a_first_release_keep_one_order(tmp_path: Path) -> None:
    """Found rehearsing the console's own release: its guide opens with `## (none) -> v0.1.0`,
    which names one version, so `migration none|add 0.1.0 0.2.0` put the next section at the
    end of the file (as for any guide of one section) and the one after that above it:
    v0.1.0, v0.3.0, v0.2.0 top to bottom. The third now follows the first two's order."""
    path = tmp_path / "MIGRATION.md"
    path.write_text(FIRST_RELEASE_GUIDE)
    for old, new in (("0.1.0", "0.2.0"), ("0.2.0", "0.3.0"), ("0.3.0", "0.4.0")):
        done = run_cli("migration", "none", old, new, "--file", str(path), cwd=tmp_path)
        assert done.returncode == 0, done.stderr
    assert _transitions(path) == ["## (none) -> v0.1.0", "## v0.1.0 -> v0.2.0",
                                  "## v0.2.0 -> v0.3.0", "## v0.3.0 -> v0.4.0"]
    assert path.read_text().endswith(
        "- `release.toml`: a key changed.\n\n## v0.1.0 -> v0.2.0\n\nNo migration required.\n\n"
        "## v0.2.0 -> v0.3.0\n\nNo migration required.\n\n## v0.3.0 -> v0.4.0\n\n"
        "No migration required.\n")
    # a guide whose captain put the second section on top stays newest first
    path.write_text(FIRST_RELEASE_GUIDE.replace(
        "## (none)", "## Upgrading to 0.2.0\n\nNo migration required.\n\n## (none)"))
    done = run_cli("migration", "none", "0.2.0", "0.3.0", "--file", str(path), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert _transitions(path) == ["## v0.2.0 -> v0.3.0", "## Upgrading to 0.2.0",
                                  "## (none) -> v0.1.0"]


def test_during_a_release_from_and_to_default_to_its_transition(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """During a release the captain typed both versions again, though the console knows them."""
    commit_file(repo_path, "CHANGELOG.md", "# Changelog\n\n## [Unreleased]\n### Added\n- New.\n")
    guide = repo_path / "MIGRATION.md"
    missing = run_cli("migration", "none", cwd=repo_path)
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    assert "No release is in progress, so `release-console migration none` needs FROM and TO" \
        in missing.stderr
    ctx = make_ctx()
    start_release(ctx, ReleaseRequest(version="0.2.0"))
    before = guide.read_bytes() if guide.exists() else None
    half = run_cli("migration", "add", "v0.1.0", cwd=repo_path)
    assert half.returncode == 2 and "names FROM but not TO" in half.stderr
    assert (guide.read_bytes() if guide.exists() else None) == before
    assert run_cli("migration", "check", cwd=repo_path).returncode == 1
    said = run_cli("migration", "none", cwd=repo_path)
    assert said.returncode == 0, said.stderr
    assert "Wrote '## v0.1.0 -> v0.2.0' with \"No migration required.\"" in said.stdout
    checked = run_cli("migration", "check", cwd=repo_path)
    assert checked.returncode == 0 and "v0.1.0 -> v0.2.0" in checked.stdout
    assert engine.find_step(ctx, "migration").check(ctx) == []
