"""The diff views at 80x24 (the confirmation before a commit, a step screen's plan): the change
on the first screen, and a word longer than a row broken where it reads well.

Walked at 80x24 on the demo: the changelog step's confirmation showed the summary, the diff's
header and three lines of context (the file's "The format is based on [Keep a
Changelog](https://...)" lines, two rows each), with the change itself (the [Unreleased] heading
moved to the new version and its date) below the fold; the step screen's plan showed the same
diff. And a long markdown link in a changelog line was cut mid-word where it began.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from console.app import ReleaseConsoleApp
from console.wiring import Options
from screens.prompts import ConfirmScreen, PlanPane
from screens.step import StepScreen
from screens.steps.changelog import ChangelogScreen
from services.step_protocol import Context
from tests.test_changelog_screen import at_the_changelog_step, until_confirm
from tests.test_confirm_layout import screen_lines
from tests.test_step_refusal_and_diff_at_80x24 import at_the_notes_step
from tests.tui_helpers import open_step, settle, text_of

INTRO = ("# Changelog\n\nAll notable changes to this project are documented in this file.\n\n"
         "The format is based on [Keep a Changelog](https://keepachangelog.com/en/1.1.0/),\n"
         "and this project adheres to [Semantic Versioning](https://semver.org/spec/"
         "v2.0.0.html).\n\n")
ENTRIES = ("## [Unreleased]\n\n### Added\n\n- Dark mode.\n\n"
           "## [0.1.0] - 2026-10-01\n\n### Added\n\n- First.\n\n"
           "[Unreleased]: https://github.com/acme/app/compare/v0.1.0...HEAD\n"
           "[0.1.0]: https://github.com/acme/app/releases/tag/v0.1.0\n")


def inside(app: ReleaseConsoleApp) -> list[str]:
    """The dialog's rows, inside its border."""
    return [row[2:-2].rstrip() for row in screen_lines(app)]


async def test_the_change_is_on_the_confirmations_first_screen(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """The demo's changelog: the moved heading and the new one, with the diff's header."""
    at_the_changelog_step(repo_path, make_ctx, INTRO + ENTRIES)
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_step(pilot, "changelog", ChangelogScreen)
        await pilot.press("r")
        await until_confirm(pilot)
        await settle(pilot)
        rows = inside(app)
        assert "-## [Unreleased]" in rows, rows
        assert any(row.startswith("+## [0.2.0] - ") for row in rows), rows
        assert "File CHANGELOG.md:" in rows, rows  # nothing had to scroll away
        assert not any("The format is based on" in row for row in rows), rows  # context: one line


async def test_a_long_context_line_is_scrolled_past_to_the_change(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """One line of context can take more rows than the window has left: the plan starts
    scrolled as far as shows the change whole, under the row of context just above it."""
    paragraph = " ".join(["This file lists every change a release of the app ships, for the "
                          "people who install it and for those who package it."] * 4)
    at_the_changelog_step(repo_path, make_ctx, f"# Changelog\n\n{paragraph}\n{ENTRIES}")
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_step(pilot, "changelog", ChangelogScreen)
        await pilot.press("r")
        dialog = await until_confirm(pilot)
        await settle(pilot)
        rows = inside(app)
        change = rows.index("-## [Unreleased]")
        assert rows[change + 1].startswith("+## [0.2.0] - "), rows
        assert rows[change - 1].startswith("   "), rows  # the context's last row, wrapped
        assert dialog.query_one("#plan", PlanPane).scroll_y > 0
        assert "The plan is longer than this window" in "\n".join(rows)
        await pilot.press("pageup")  # the summary and the header are above it
        await settle(pilot)
        rows = inside(app)
        assert any(row.startswith("Move [Unreleased] in CHANGELOG.md to 0.2.0") for row in rows)
        assert isinstance(app.screen, ConfirmScreen)


async def test_the_step_screens_plan_shows_the_change_under_its_header(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    at_the_changelog_step(repo_path, make_ctx, INTRO + ENTRIES)
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_step(pilot, "changelog", ChangelogScreen)
        lines = text_of(screen, "#step-plan").split("\n")
        hunk = lines.index("@@ -7,3 +7,3 @@")  # one line of context either side, counted
        assert lines[hunk + 1:hunk + 5] == [" ", "-## [Unreleased]", lines[hunk + 3], " "]
        assert lines[hunk + 3].startswith("+## [0.2.0] - "), lines
        assert "The format is based on" not in text_of(screen, "#step-plan")


LINK = ("- Signing: see [the guide to verifying a download](https://example.com/docs/releases/"
        "verification/how-to-check-the-minisign-signature-of-an-iso-image-before-flashing.html).")


async def test_a_long_link_breaks_after_a_slash_not_mid_word(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """The notes step's diff at 80x24: a link longer than any row is broken after a "/" (it
    was cut wherever the row ended, "…-iso-imag" / "e-before-…"), then after a "-" where its
    last part has no "/", its rows under the line's text, the marker column left to the +."""
    at_the_notes_step(repo_path, make_ctx, entry=LINK[2:])
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_step(pilot, "notes", StepScreen)
        await pilot.press("end")
        await settle(pilot)
        rows = [row[:78].rstrip() for row in screen_lines(app)]  # not the scrollbar's columns
        first = next(i for i, row in enumerate(rows) if row.startswith(" +- Signing: see"))
        link = rows[first:first + 3]
        assert link[0].endswith("(https://example.com/"), link  # begun where it came to
        assert link[1].endswith("-of-an-iso-"), link  # no "/" in its last part: after a "-"
        assert all(row.startswith("    ") and not row.startswith("     ") for row in link[1:])
        assert "".join([link[0][2:], *(row.strip() for row in link[1:])]) == LINK, link


async def test_a_link_that_fits_a_row_is_kept_whole(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """A link that fits a row of its own goes whole to the next row: the line breaks at its
    spaces (the notes' own "See [CHANGELOG.md](https://…/CHANGELOG.md) and …" line)."""
    link = "[guide](https://example.com/docs/releases/verification/minisign.html)."
    at_the_notes_step(repo_path, make_ctx, entry=f"Signing: read the {link}")
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_step(pilot, "notes", StepScreen)
        await pilot.press("end")
        await settle(pilot)
        rows = [row[:78].rstrip() for row in screen_lines(app)]
        first = next(i for i, row in enumerate(rows) if row.startswith(" +- Signing: read"))
        assert rows[first:first + 2] == [" +- Signing: read the", f"    {link}"], rows[first:]
