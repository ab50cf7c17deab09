"""The changelog step screen, driven with Pilot: entries, bump and why, diff, confirm."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Static

from console.app import ReleaseConsoleApp
from console.wiring import Options
from screens.prompts import ConfirmScreen
from screens.steps.changelog import ChangelogScreen
from services import engine
from services.session_lifecycle import ReleaseRequest, start_release
from services.step_protocol import Context
from tests.conftest import commit_file, git
from tests.tui_helpers import open_step, settle

CHANGELOG = (
    "# Changelog\n\n## [Unreleased]\n### Added\n- Dark mode.\n### Fixed\n- A crash.\n\n"
    "## [0.1.0] - 2026-10-01\n- First.\n\n"
    "[Unreleased]: https://github.com/acme/app/compare/v0.1.0...HEAD\n"
    "[0.1.0]: https://github.com/acme/app/releases/tag/v0.1.0\n"
)


async def until_confirm(pilot: Pilot[None]) -> ConfirmScreen:
    """The confirmation once it is on screen and mounted (its on_mount focuses an answer): a test
    that ended the moment it was pushed had the app close under its mount (CI, 6 workers:
    "No nodes match '#yes' on ConfirmScreen()")."""
    for _ in range(200):
        await pilot.pause(0.02)
        screen = pilot.app.screen
        if isinstance(screen, ConfirmScreen) and screen.is_mounted:
            return screen
    raise AssertionError("the confirmation dialog never appeared")


def text_of(screen: ChangelogScreen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def at_the_changelog_step(repo_path: Path, make_ctx: Callable[..., Context],
                          changelog: str = CHANGELOG) -> None:
    """Release 0.2.0 of a project with ``changelog`` committed, pre-flight run: the changelog
    step is next."""
    commit_file(repo_path, "CHANGELOG.md", changelog)
    ctx = make_ctx()
    start_release(ctx, ReleaseRequest(version="0.2.0"))
    engine.run_step(ctx, engine.find_step(ctx, "preflight"))


async def test_changelog_screen_shows_why_and_confirms_before_writing(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    at_the_changelog_step(repo_path, make_ctx)
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(110, 50)) as pilot:
        screen = await open_step(pilot, "changelog", ChangelogScreen)
        bump = text_of(screen, "#changelog-bump")
        assert "MINOR release (next: 0.2.0 from 0.1.0)" in bump
        assert "### Added has 1 entry (minor)" in bump
        assert "- Dark mode." in text_of(screen, "#changelog-entries")
        assert "+## [0.2.0] - " in text_of(screen, "#step-plan")

        await pilot.press("r")
        dialog = await until_confirm(pilot)
        assert "commit it as 'Release v0.2.0: changelog'" in dialog.question
        assert "+[0.2.0]: https://github.com/acme/app/compare/v0.1.0...v0.2.0" in \
            dialog.plan.render()
        await pilot.press("escape")
        await settle(pilot)
        assert "not confirmed" in text_of(screen, "#step-message")
        assert (repo_path / "CHANGELOG.md").read_text() == CHANGELOG

        await pilot.press("r")
        await until_confirm(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert "done" in text_of(screen, "#step-message")
    assert git(repo_path, "log", "-1", "--format=%s").strip() == "Release v0.2.0: changelog"
    assert "## [0.2.0] - " in (repo_path / "CHANGELOG.md").read_text()


async def test_the_line_under_the_dialog_waits_for_the_answer(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """Walked by hand: under "Write this change ... and commit it?" the step's line already said
    "Running… (Esc or Ctrl+C cancels ...)" while nothing had run."""
    at_the_changelog_step(repo_path, make_ctx)
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_step(pilot, "changelog", ChangelogScreen)
        await pilot.press("r")
        await until_confirm(pilot)
        await pilot.pause()
        line = text_of(screen, "#step-message")
        assert "Running" not in line and "nothing has run yet" in line
        # the status above it too (walked at 100x32, where it shows beside the dialog)
        status = text_of(screen, "#step-status")
        assert "running" not in status and "waiting for your answer" in status, status
        await pilot.press("y")
        await settle(pilot)
        assert "done" in text_of(screen, "#step-message")


async def test_a_move_written_but_not_committed_is_said_as_such(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """Found by a walk with a kill between the write and the commit: the screen said "no
    [Unreleased] entries to move" above a plan saying only the commit was left."""
    from services.steps.changelog import plan_move

    at_the_changelog_step(repo_path, make_ctx)
    import dataclasses

    from services.session import utc_now

    # what a run killed before its commit leaves, dated today as the app's own run dates it
    plan_move(dataclasses.replace(make_ctx(), clock=utc_now)).write()
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(110, 50)) as pilot:
        screen = await open_step(pilot, "changelog", ChangelogScreen)
        assert text_of(screen, "#changelog-bump") == \
            "The entries are moved in CHANGELOG.md already; only the commit is left."
        assert "CHANGELOG.md already written; only the commit is left." in \
            text_of(screen, "#step-plan")
        await pilot.press("r")
        await until_confirm(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert text_of(screen, "#changelog-bump") == \
            "The entries are moved and committed in CHANGELOG.md."
    assert git(repo_path, "log", "-1", "--format=%s").strip() == "Release v0.2.0: changelog"


async def test_at_80x24_the_confirmations_diff_wraps_a_long_line_under_its_own_text(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """Walked at 80x24: the confirmation's diff wrapped the context line " The format is based
    on [Keep a Changelog](https://...)," back to the left edge, where "Changelog](https://...)"
    read as a line of its own (and a long word was cut anywhere). A long diff line now wraps at
    its words, each continuation indented two columns more than the line's text."""
    from tests.test_confirm_layout import screen_lines

    long = ("The format is based on [Keep a Changelog](https://keepachangelog.com/en/1.1.0/),\n"
            "and this project adheres to [Semantic Versioning](https://semver.org/spec/"
            "v2.0.0.html).\n")  # right above [Unreleased]: the diff's one line of context
    at_the_changelog_step(repo_path, make_ctx,
                          CHANGELOG.replace("# Changelog\n\n", f"# Changelog\n\n{long}"))
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_step(pilot, "changelog", ChangelogScreen)
        await pilot.press("n")
        dialog = await until_confirm(pilot)
        await settle(pilot)
        rows = [line[2:-2].rstrip() for line in screen_lines(app)]  # inside the border
        first = next(i for i, row in enumerate(rows) if "and this project adheres" in row)
        assert rows[first].startswith(" and this project adheres to [Semantic"), rows[first]
        # the rest of the line indented under its text (a line of the file starts one column
        # in, after its marker), not at the marker's column, and no word cut
        assert rows[first + 1].startswith("   Versioning](https://semver.org/spec/v2.0.0.html)."), \
            rows[first + 1]
        assert rows[first + 2].startswith("-## [Unreleased]"), rows[first + 2]
        assert "y Yes" in screen_lines(app)[-1]  # the dialog's keys whole on the bottom row
        assert dialog.is_current


async def test_an_empty_unreleased_is_said_once_in_blocker_words_at_80x24(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """Walked at 80x24: with no entries under [Unreleased], the screen said "The [Unreleased]
    section of CHANGELOG.md is empty; add the changes this release ships before moving it,
    nothing was changed." in the blocker and again in the plan (with the panel's "has no
    [Unreleased] entries to move" between them): a refusal's words, before anything had run.
    It is said once, as a blocker, and the plan says what the step will do."""
    from tests.test_confirm_layout import screen_lines

    at_the_changelog_step(
        repo_path, make_ctx,
        CHANGELOG.replace("### Added\n- Dark mode.\n### Fixed\n- A crash.\n", ""))
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_step(pilot, "changelog", ChangelogScreen)
        rows = "\n".join(screen_lines(app))
        assert "• The [Unreleased] section of CHANGELOG.md has no entries yet." in rows, rows
        assert rows.count("no entries") == 1 and "entries to move" not in rows, rows
        assert "empty" not in rows and "nothing was changed" not in rows, rows
        assert "Move [Unreleased] in CHANGELOG.md to 0.2.0 dated" in rows, rows


async def test_a_refused_move_reads_as_a_blocker_with_its_to_do_at_80x24(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """Walked: a changelog the move refuses (here a heading it cannot read) showed "…; fix that
    line, nothing was changed." as the blocker, in red in the panel and again in the plan,
    before anything had been tried. It is said once, as a blocker, with what to do."""
    from tests.test_confirm_layout import screen_lines

    at_the_changelog_step(repo_path, make_ctx,
                          CHANGELOG.replace("## [0.1.0] - ", "## [0.1.0 - "))
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_step(pilot, "changelog", ChangelogScreen)
        rows = "\n".join(screen_lines(app))
        said = " ".join(rows.split())
        assert "• CHANGELOG.md line 9: '## [0.1.0 - 2026-10-01' is not a version heading" in said
        assert "→ Fix that line and commit CHANGELOG.md; this step then moves [Unreleased]." \
            in said, rows
        assert "nothing was changed" not in said and said.count("is not a version heading") == 1
        assert "Move [Unreleased] in CHANGELOG.md to 0.2.0 dated" in said, rows


async def test_a_refused_move_is_said_once_while_pre_flight_is_to_do_first(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """Opened before pre-flight has run, the blocker is "Waiting for 'Pre-flight checks'": the
    panel says what is wrong with the file and what to do (it said the refusal, "…, nothing was
    changed.", in red), and the plan's note of it is left to the panel."""
    from tests.test_confirm_layout import screen_lines

    commit_file(repo_path, "CHANGELOG.md", CHANGELOG.replace("## [0.1.0] - ", "## [0.1.0 - "))
    start_release(make_ctx(), ReleaseRequest(version="0.2.0"))
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_step(pilot, "changelog", ChangelogScreen)
        assert "Waiting for 'Pre-flight checks'" in text_of(screen, "#step-blockers")
        panel = " ".join(text_of(screen, "#changelog-bump").split())
        assert panel.startswith("CHANGELOG.md line 9: '## [0.1.0 - 2026-10-01' is not a version "
                                "heading"), panel
        assert panel.endswith("Fix that line and commit CHANGELOG.md; this step then moves "
                              "[Unreleased]."), panel
        said = " ".join("\n".join(screen_lines(app)).split())
        assert "nothing was changed" not in said and said.count("is not a version heading") == 1
