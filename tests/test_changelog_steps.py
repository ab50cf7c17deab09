"""The changelog, post-release and yank-changelog steps in a real git repository."""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from pathlib import Path

import pytest

from services import engine
from services.errors import BlockedError, ConsoleError
from services.session import Session
from services.session_lifecycle import ReleaseRequest, start_release
from services.step_protocol import Context
from services.steps import changelog as changelog_step
from services.steps import post_release, yank_changelog
from tests.conftest import commit_file, git, run_cli

CHANGELOG = (
    "# Changelog\n\nAll notable changes are documented here.\n\n"
    "## [Unreleased]\n\n### Added\n\n- Dark mode.\n\n"
    "## [0.1.0] — 2026-10-01\n\n### Added\n\n- First release.\n\n"
    "[Unreleased]: https://github.com/acme/app/compare/v0.1.0...main\n"
    "[0.1.0]: https://github.com/acme/app/releases/tag/v0.1.0\n"
)
MakeCtx = Callable[..., Context]


@pytest.fixture
def started(repo_path: Path, make_ctx: MakeCtx) -> Context:
    commit_file(repo_path, "CHANGELOG.md", CHANGELOG, "Add changelog")
    ctx = make_ctx()
    start_release(ctx, ReleaseRequest(version="0.2.0"))
    engine.run_step(ctx, engine.find_step(ctx, "preflight"))
    return ctx


def head(repo: Path) -> tuple[str, str, list[str]]:
    subject = git(repo, "log", "-1", "--format=%s").strip()
    author = git(repo, "log", "-1", "--format=%an <%ae>").strip()
    files = git(repo, "show", "--name-only", "--format=", "HEAD").split()
    return subject, author, files


def test_changelog_step_moves_commits_and_records(started: Context, repo_path: Path) -> None:
    ctx = started
    step = engine.find_step(ctx, "changelog")
    assert engine.blockers_for(ctx, step) == []
    plan = step.plan(ctx)
    assert "-## [Unreleased]\n+## [0.2.0] — 2026-11-21\n" in plan.changes[0].diff
    assert any("minor release" in n and "### Added has 1 entry" in n for n in plan.notes)
    assert plan.commands[-1] == 'git commit -m "Release v0.2.0: changelog"'
    assert (repo_path / "CHANGELOG.md").read_text() == CHANGELOG  # planning wrote nothing

    evidence = engine.run_step(ctx, step)
    text = (repo_path / "CHANGELOG.md").read_text()
    assert text == CHANGELOG.replace("## [Unreleased]", "## [0.2.0] — 2026-11-21").replace(
        "[Unreleased]: https://github.com/acme/app/compare/v0.1.0...main",
        "[0.2.0]: https://github.com/acme/app/compare/v0.1.0...v0.2.0")
    assert head(repo_path) == ("Release v0.2.0: changelog", "Casey Captain <casey@example.org>",
                               ["CHANGELOG.md"])
    assert git(repo_path, "status", "--porcelain") == ""
    assert evidence["commit"] == git(repo_path, "rev-parse", "HEAD").strip()
    assert evidence["bump"] == "minor" and evidence["unreleased_url"].endswith("...main")
    record = ctx.store.load("v0.2.0").steps["changelog"]
    assert record.status == "done" and record.evidence["heading"] == "## [0.2.0] — 2026-11-21"


def test_post_release_restores_the_projects_own_unreleased(started: Context,
                                                           repo_path: Path) -> None:
    ctx = started
    engine.run_step(ctx, engine.find_step(ctx, "changelog"))
    plan = post_release.STEP.plan(ctx)
    assert "+[Unreleased]: https://github.com/acme/app/compare/v0.2.0...main" in \
        plan.changes[0].diff
    # walked in the TUI: the note said "Push this commit or open the follow-up PR yourself."
    # while the summary that comes next offers p for it (and the CLI `push --rest`)
    assert ("Nothing is pushed here: the summary then offers to push this commit (p in the TUI, "
            "`release-console push --rest` on the command line), or open the follow-up PR with "
            "it.") in plan.notes
    evidence = post_release.STEP.run(ctx)
    assert evidence["reopened"] is True
    text = (repo_path / "CHANGELOG.md").read_text()
    assert text.startswith("# Changelog\n\nAll notable changes are documented here.\n\n"
                           "## [Unreleased]\n\n## [0.2.0] — 2026-11-21\n\n### Added\n\n- Dark mode.")
    assert text.endswith("[Unreleased]: https://github.com/acme/app/compare/v0.2.0...main\n"
                         "[0.2.0]: https://github.com/acme/app/compare/v0.1.0...v0.2.0\n"
                         "[0.1.0]: https://github.com/acme/app/releases/tag/v0.1.0\n")
    assert head(repo_path)[0] == "Post-release v0.2.0: reopen [Unreleased]"
    again = post_release.STEP.run(ctx)
    assert again["reopened"] is False
    assert head(repo_path)[0] == "Post-release v0.2.0: reopen [Unreleased]"


def test_interrupted_after_write_only_commits(started: Context, repo_path: Path) -> None:
    ctx = started
    change = changelog_step.plan_move(ctx)
    change.write()  # the process "died" here, before the commit
    written = (repo_path / "CHANGELOG.md").read_bytes()
    step = engine.find_step(ctx, "changelog")
    assert step.check(ctx) == []
    assert "only the commit is left" in step.plan(ctx).summary
    engine.run_step(ctx, step)
    assert (repo_path / "CHANGELOG.md").read_bytes() == written
    assert head(repo_path)[0] == "Release v0.2.0: changelog"
    assert git(repo_path, "rev-list", "--count", "HEAD").strip() == "3"


def test_interrupted_after_commit_does_nothing_twice(started: Context, repo_path: Path) -> None:
    ctx = started
    changelog_step.STEP.run(ctx)  # committed, but the session never heard of it
    count = git(repo_path, "rev-list", "--count", "HEAD")
    evidence = engine.run_step(ctx, engine.find_step(ctx, "changelog"))
    assert evidence["adopted"] is True  # recorded as found, with the evidence a run gives
    assert evidence["commit"] == git(repo_path, "rev-parse", "HEAD").strip()
    assert evidence["bump"] and evidence["unreleased_heading"]
    assert git(repo_path, "rev-list", "--count", "HEAD") == count


def test_a_refused_commit_names_gits_reason_and_a_rerun_only_commits(
        started: Context, repo_path: Path) -> None:
    hook = repo_path / ".git" / "hooks" / "pre-commit"
    hook.parent.mkdir(parents=True, exist_ok=True)
    hook.write_text("#!/bin/sh\necho 'error: CHANGELOG.md fails the style check' >&2\n"
                    "echo 'see .style.log for details' >&2\nexit 1\n")
    hook.chmod(0o755)
    step = engine.find_step(started, "changelog")
    with pytest.raises(ConsoleError) as caught:
        engine.run_step(started, step)
    assert ("failed: committing CHANGELOG.md failed: error: CHANGELOG.md fails the style check. "
            "Check `git status`") in str(caught.value)
    assert "## [0.2.0] — 2026-11-21" in (repo_path / "CHANGELOG.md").read_text()
    hook.unlink()
    engine.run_step(started, step)
    assert head(repo_path)[0] == "Release v0.2.0: changelog"


def test_user_edits_block_and_staged_files_stay_out(started: Context, repo_path: Path) -> None:
    ctx = started
    step = engine.find_step(ctx, "changelog")
    (repo_path / "CHANGELOG.md").write_text(CHANGELOG + "\nlocal note\n")
    assert "CHANGELOG.md has uncommitted changes" in str(step.check(ctx)[0])
    with pytest.raises(BlockedError):
        engine.run_step(ctx, step)
    assert (repo_path / "CHANGELOG.md").read_text() == CHANGELOG + "\nlocal note\n"
    git(repo_path, "checkout", "CHANGELOG.md")
    (repo_path / "other.txt").write_text("x")
    git(repo_path, "add", "other.txt")
    engine.run_step(ctx, step)
    assert head(repo_path)[2] == ["CHANGELOG.md"]
    assert git(repo_path, "diff", "--cached", "--name-only").split() == ["other.txt"]


def test_empty_unreleased_blocks_with_the_files_name(repo_path: Path, make_ctx: MakeCtx) -> None:
    commit_file(repo_path, "CHANGELOG.md", CHANGELOG.replace("### Added\n\n- Dark mode.\n\n", ""))
    ctx = make_ctx()
    start_release(ctx, ReleaseRequest(version="0.2.0"))
    blockers = changelog_step.STEP.check(ctx)
    assert blockers[0].reason == "The [Unreleased] section of CHANGELOG.md has no entries yet."
    assert "nothing was changed" not in str(blockers[0])  # nothing was tried: not a refusal
    # the plan says what the step will do, not the blocker again (`run changelog --dry-run`)
    summary = changelog_step.STEP.plan(ctx).summary
    assert summary.startswith("Move [Unreleased] in CHANGELOG.md to 0.2.0 dated "), summary
    assert "no entries" not in summary and "Cannot move" not in summary


def test_a_release_below_the_bump_its_entries_need_is_blocked(repo_path: Path,
                                                              make_ctx: MakeCtx) -> None:
    commit_file(repo_path, "CHANGELOG.md",
                "# Changelog\n\n## [Unreleased]\n### Removed\n- The v1 API.\n\n"
                "## [1.0.0] - 2026-01-01\n- First.\n")
    git(repo_path, "tag", "v1.0.0")
    ctx = make_ctx()
    start_release(ctx, ReleaseRequest(version="1.1.0"))
    blockers = changelog_step.STEP.check(ctx)
    assert len(blockers) == 1
    assert "call for a major release (### Removed has 1 entry (major))" in blockers[0].reason
    assert "only a minor step from v1.0.0" in blockers[0].reason
    assert "start 2.0.0" in blockers[0].remedy


def yank_session(ctx: Context, data: dict[str, str] | None) -> None:
    session = Session(version="0.1.0", tag="v0.1.0", kind="yank",
                      data={"yank": data} if data is not None else {})
    ctx.store.save(session, now=ctx.clock())
    ctx.session = session


def test_yank_changelog_step(repo_path: Path, make_ctx: MakeCtx) -> None:
    commit_file(repo_path, "CHANGELOG.md", CHANGELOG)
    ctx = make_ctx()
    yank_session(ctx, None)
    blockers = yank_changelog.STEP.check(ctx)
    assert "needs a reason and a replacement" in blockers[0].reason
    with pytest.raises(ConsoleError):
        yank_changelog.STEP.run(ctx)
    yank_session(ctx, {"reason": "The ISO does not boot on ARM64.", "replacement": "v0.1.1"})
    assert yank_changelog.STEP.check(ctx) == []
    evidence = yank_changelog.STEP.run(ctx)
    text = (repo_path / "CHANGELOG.md").read_text()
    assert ("## [0.1.0] — 2026-10-01 — YANKED\n\n**This release has been yanked.** Reason: The "
            "ISO does not boot on ARM64. Users on this version should upgrade to v0.1.1 "
            "immediately. See [MIGRATION.md](./MIGRATION.md).\n\n### Added\n") in text
    assert head(repo_path) == ("Yank v0.1.0: changelog note", "Casey Captain <casey@example.org>",
                               ["CHANGELOG.md"])
    assert evidence["commit"]
    again = yank_changelog.STEP.run(ctx)
    assert again["already"] is True
    assert head(repo_path)[0] == "Yank v0.1.0: changelog note"


def test_status_and_dry_run_through_the_cli(started: Context, repo_path: Path) -> None:
    from tests.conftest import run_cli

    result = run_cli("run", "changelog", "--dry-run", cwd=repo_path)
    assert result.returncode == 0, result.stderr
    assert "+## [0.2.0] — " in result.stdout
    assert (repo_path / "CHANGELOG.md").read_text() == CHANGELOG
    done = run_cli("run", "changelog", cwd=repo_path)
    assert done.returncode == 0, done.stderr
    assert head(repo_path)[0] == "Release v0.2.0: changelog"


FIXTURES = Path(__file__).parent / "fixtures" / "changelogs"


@pytest.mark.parametrize("commit_between", [False, True], ids=["uncommitted", "committed"])
def test_cli_reopen_in_a_repository_brings_back_what_the_captain_wrote(
        repo_path: Path, commit_between: bool) -> None:
    """Lowercase [unreleased], a branch instead of HEAD, CRLF: the file's history remembers."""
    name = "gitlab_crlf_lowercase_main.md"
    (repo_path / "CHANGELOG.md").write_bytes((FIXTURES / name).read_bytes())
    git(repo_path, "add", "CHANGELOG.md")
    git(repo_path, "commit", "-q", "-m", "Add changelog")
    moved = run_cli("changelog", "move", "1.4.1", "--date", "2024-06-01", "--file",
                    "CHANGELOG.md", cwd=repo_path)
    assert moved.returncode == 0, moved.stderr
    if commit_between:
        git(repo_path, "commit", "-q", "-am", "Release 1.4.1: changelog")
    reopened = run_cli("changelog", "reopen", "--file", "CHANGELOG.md", cwd=repo_path)
    assert reopened.returncode == 0, reopened.stderr
    assert "Note:" not in reopened.stdout
    assert (repo_path / "CHANGELOG.md").read_bytes() == \
        (FIXTURES / "released" / name).read_bytes()


def test_cli_reopen_outside_a_repository_says_it_used_the_default_form(tmp_path: Path) -> None:
    target = tmp_path / "CHANGELOG.md"
    target.write_bytes((FIXTURES / "gitlab_crlf_lowercase_main.md").read_bytes())
    assert run_cli("changelog", "move", "1.4.1", "--file", str(target), cwd=tmp_path
                   ).returncode == 0
    reopened = run_cli("changelog", "reopen", "--file", str(target), cwd=tmp_path)
    assert reopened.returncode == 0, reopened.stderr
    assert "no longer shows how its [Unreleased] heading and link were written" in \
        reopened.stdout
    assert b"[Unreleased]: https://gitlab.com/grp/proj/-/compare/1.4.1...HEAD\r\n" in \
        target.read_bytes()


def test_post_release_of_a_first_release_follows_the_branch_the_file_used(
        repo_path: Path, make_ctx: MakeCtx) -> None:
    git(repo_path, "tag", "-d", "v0.1.0")
    commit_file(repo_path, "CHANGELOG.md", (FIXTURES / "first_release.md").read_text())
    ctx = make_ctx()
    start_release(ctx, ReleaseRequest(version="1.0.0"))
    for step_id in ("preflight", "changelog"):
        engine.run_step(ctx, engine.find_step(ctx, step_id))
    plan = post_release.STEP.plan(ctx)
    assert "+[Unreleased]: https://github.com/acme/newproj/compare/v1.0.0...main\n" in \
        plan.changes[0].diff


def test_post_release_after_a_move_by_hand_reads_the_files_history(
        started: Context, repo_path: Path) -> None:
    ctx = started
    moved = run_cli("changelog", "move", "0.2.0", cwd=repo_path)
    assert moved.returncode == 0, moved.stderr
    git(repo_path, "commit", "-q", "-am", "Release v0.2.0: changelog")
    plan = post_release.STEP.plan(ctx)  # the changelog step never ran: no evidence to read
    assert "+[Unreleased]: https://github.com/acme/app/compare/v0.2.0...main\n" in \
        plan.changes[0].diff


def test_an_abandoned_attempts_changelog_commit_is_named_with_how_to_start_over(
        started: Context, repo_path: Path) -> None:
    """Walked by hand: abandoned after its changelog commit, v0.2.0 started again and the step
    said "CHANGELOG.md already has a section for 0.2.0; pick the next version", with no way to
    ship the version the captain meant."""
    engine.run_step(started, engine.find_step(started, "changelog"))
    moved = git(repo_path, "rev-parse", "HEAD").strip()
    commit_file(repo_path, "MIGRATION.md", "# Migration guide\n", "Release v0.2.0: migration notes")
    abandoned = run_cli("abandon", "v0.2.0", "--reason", "start over", cwd=repo_path)
    assert abandoned.returncode == 0
    assert (f"(starting v0.2.0 again works, but its changelog step stops until the changelog "
            f"commit {moved[:7]} is dropped; a later version needs an [Unreleased] section put "
            "back first)") in abandoned.stdout
    assert run_cli("start", "0.2.0", cwd=repo_path).returncode == 0
    assert run_cli("run", "preflight", cwd=repo_path).returncode == 0
    status = " ".join(run_cli("status", cwd=repo_path).stdout.split())  # wrapped at 80
    assert (f"CHANGELOG.md's section for 0.2.0 was written by the abandoned attempt's commit "
            f"{moved[:12]}") in status
    assert f"`git reset --keep {moved[:12]}^`" in status and "pick the next version" not in status

    git(repo_path, "reset", "-q", "--keep", f"{moved}^")
    named = re.search(r"`release-console (redo [^`]*)`", status)  # run as it is written
    assert named, status
    redone = run_cli(*shlex.split(named.group(1)), cwd=repo_path)
    assert redone.returncode == 0, redone.stderr
    assert run_cli("run", "preflight", cwd=repo_path).returncode == 0
    done = run_cli("run", "changelog", "--yes", cwd=repo_path)
    assert done.returncode == 0, done.stderr
    assert head(repo_path)[0] == "Release v0.2.0: changelog"


def test_abandon_after_a_hand_made_commit_says_starting_again_works_with_it(
        started: Context, repo_path: Path) -> None:
    """Walked by hand: a fix committed by hand mid-session (pre-flight redone on it), then
    `abandon` said starting the version again "needs" dropping that commit; starting it again
    worked. It says so now, and the new attempt runs its changelog step on top of the fix. The
    fix is the captain's own, not the release's: no reset is offered for it."""
    commit_file(repo_path, "fix.txt", "fix\n", "Fix the build by hand")
    fix = git(repo_path, "rev-parse", "HEAD").strip()
    assert run_cli("redo", "preflight", "--reason", "hand fix", cwd=repo_path).returncode == 0
    assert run_cli("run", "preflight", cwd=repo_path).returncode == 0
    said = run_cli("abandon", "v0.2.0", "--reason", "start over", cwd=repo_path).stdout
    assert f"    {fix[:7]} Fix the build by hand" in said
    assert "needs" not in said
    assert ("1 commit of your own on main, made by hand during this release and never pushed, "
            "stays there (the console did not make it; starting v0.2.0 again, or a later "
            "version, works with it):") in " ".join(said.split())
    assert "git reset" not in said

    assert run_cli("start", "0.2.0", cwd=repo_path).returncode == 0
    assert run_cli("run", "preflight", cwd=repo_path).returncode == 0
    done = run_cli("run", "changelog", "--yes", cwd=repo_path)
    assert done.returncode == 0, done.stderr
    assert git(repo_path, "rev-parse", "HEAD~1").strip() == fix

def test_a_changelog_without_footer_links_is_told_the_line_that_gives_one(
        repo_path: Path, make_ctx: MakeCtx) -> None:
    """Release Console's own first release: its CHANGELOG had no footer, and the plan only said
    no [0.1.0] link was added. It now names the [Unreleased] line to add; with it the move writes
    the first release's tag link."""
    git(repo_path, "tag", "-d", "v0.1.0")
    commit_file(repo_path, "release.toml", '[project]\nrepository = "acme/app"\n'
                '[signing]\nbackend = "none"\ntag_format = "none"\n')
    commit_file(repo_path, "CHANGELOG.md",
                "# Changelog\n\n## [Unreleased]\n\n### Added\n\n- Everything.\n")
    ctx = make_ctx()
    start_release(ctx, ReleaseRequest(version="0.1.0"))
    engine.run_step(make_ctx(offline=True), engine.find_step(ctx, "preflight"))  # no CI to ask
    step = engine.find_step(ctx, "changelog")
    line = "[Unreleased]: https://github.com/acme/app/commits/main"
    assert (f"CHANGELOG.md has no footer links to copy, so no [0.1.0] link was added. To have "
            f"one, add `{line}` as the last line of CHANGELOG.md, commit it and run this step "
            "again.") in step.plan(ctx).notes
    commit_file(repo_path, "CHANGELOG.md",
                (repo_path / "CHANGELOG.md").read_text() + f"\n{line}\n", "Footer link")
    ctx = make_ctx()
    assert not any("footer" in note for note in step.plan(ctx).notes)
    engine.run_step(ctx, step)
    assert (repo_path / "CHANGELOG.md").read_text().endswith(
        "\n[0.1.0]: https://github.com/acme/app/releases/tag/v0.1.0\n")


def test_the_cli_run_says_the_old_irregular_sections_it_left_once(
        repo_path: Path, make_ctx: MakeCtx) -> None:
    """Found walking the clear-errors standard: the plan (TUI, --dry-run) warned of a placeholder
    date and a heading written twice far below, but `run changelog` itself said nothing."""
    irregular = CHANGELOG.replace(
        "[Unreleased]: ",
        "## [0.0.9] - 0000-00-00\n\n- Never dated.\n\n## [0.0.9] - 2020-01-01\n\n- Twice.\n\n"
        "[Unreleased]: ")
    commit_file(repo_path, "CHANGELOG.md", irregular, "Add changelog")
    ctx = make_ctx()
    start_release(ctx, ReleaseRequest(version="0.2.0"))
    engine.run_step(ctx, engine.find_step(ctx, "preflight"))
    placeholder = ("Warning: CHANGELOG.md line 17: '0000-00-00' in '## [0.0.9] - 0000-00-00' is "
                   "not a real date; the line was left as it is.")
    twice = ("Warning: CHANGELOG.md has two headings for version 0.0.9 (lines 17 and 21) in its "
             "history; they were left as they are.")
    done = run_cli("run", "changelog", cwd=repo_path)
    assert done.returncode == 0, done.stderr
    assert head(repo_path)[0] == "Release v0.2.0: changelog"
    for warning in (placeholder, twice):
        assert done.stderr.count(warning) == 1, done.stderr
    assert "0000-00-00" in (repo_path / "CHANGELOG.md").read_text()


@pytest.mark.parametrize(("edit", "reason", "remedy"), [
    (lambda text: text.replace("## [Unreleased]\n\n", ""),
     "CHANGELOG.md has no [Unreleased] section.",
     "Add '## [Unreleased]' with this release's changes above the newest version and commit "
     "CHANGELOG.md; this step then moves [Unreleased]."),
    (lambda text: text.replace("## [0.1.0]", "## [0.2.0] — 2026-11-01\n\n- Early.\n\n## [0.1.0]"),
     "CHANGELOG.md already has a section for 0.2.0 (line 11).",
     "Abandon this release and start the next version; or, if that section was written by "
     "hand, turn it back into [Unreleased] and commit CHANGELOG.md."),
    (lambda text: text.replace("## [0.1.0] — ", "## [0.1.0 — "),
     "CHANGELOG.md line 11: '## [0.1.0 — 2026-10-01' is not a version heading Release Console "
     "can read (expected e.g. '## [1.4.0] - 2024-05-01').",
     "Fix that line and commit CHANGELOG.md; this step then moves [Unreleased]."),
])
def test_a_refused_move_blocks_in_blocker_words(
        repo_path: Path, make_ctx: MakeCtx, edit: Callable[[str], str], reason: str,
        remedy: str) -> None:
    """Walked: the changelog step's blockers from the move's refusals ended "…; pick the next
    version, nothing was changed" before anything had been tried. A blocker says what is wrong
    and, apart, what to do (as the empty [Unreleased] does); `changelog move`, which was
    refused, says it as before."""
    commit_file(repo_path, "CHANGELOG.md", edit(CHANGELOG))
    ctx = make_ctx()
    start_release(ctx, ReleaseRequest(version="0.2.0"))
    blockers = changelog_step.STEP.check(ctx)
    assert [(b.reason, b.remedy) for b in blockers] == [(reason, remedy)]
    plan = changelog_step.STEP.plan(ctx)
    assert plan.summary.startswith("Move [Unreleased] in CHANGELOG.md to 0.2.0 dated "), plan
    assert "nothing was changed" not in plan.summary
    assert plan.notes == [reason]  # said while pre-flight hides the blocker (it is to do first)
    said = " ".join(run_cli("run", "changelog", "--dry-run", cwd=repo_path).stdout.split())
    assert said.count(reason) == 1 and "Waiting for 'Pre-flight checks'" in said, said
    engine.run_step(ctx, engine.find_step(ctx, "preflight"))
    said = " ".join(run_cli("run", "changelog", "--dry-run", cwd=repo_path).stdout.split())
    assert said.count(reason) == 1 and f"blocked: {reason} {remedy}" in said, said
    done = run_cli("changelog", "move", "0.2.0", cwd=repo_path)
    assert done.returncode != 0
    said = " ".join(done.stderr.split())
    assert said.endswith("nothing was changed."), said
    assert reason[:-1] in said, said
