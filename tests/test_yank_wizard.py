"""The yank wizard, driven with Pilot as a captain would: pick, say why, see both changes side by
side, confirm, push the note, and be offered the hotfix. GitHub is the loopback server over HTTP;
the CHANGELOG note is a real commit pushed to a real bare remote."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import Button, Checkbox, Input, OptionList, Static

from console.app import ReleaseConsoleApp
from console.wiring import Options
from screens.prompts import ConfirmScreen
from screens.yank import YankScreen
from screens.yank_hotfix import HotfixOffer
from services.github.yank import MARK, banner
from services.session import SessionStore
from services.session_lifecycle import ReleaseRequest, start_release
from services.step_protocol import Context, Plan
from services.wording import single_width
from tests.github_helpers import (
    REPO,
    Sandbox,
    git,
    release_json,
    remote,
    sandbox,  # noqa: F401 - fixture
    write_policy,
)
from tests.test_confirm_layout import screen_lines
from tests.test_tui_home import settle
from tests.tui_helpers import footer_keys

CHANGELOG = ("# Changelog\n\n## [Unreleased]\n\n## [0.2.0] — 2026-11-21\n\n### Added\n\n"
             "- Unlock.\n\n## [0.1.0] — 2026-10-01\n\n- First.\n")


@pytest.fixture
def project(repo_path: Path, sandbox: Sandbox) -> Path:  # noqa: F811
    """v0.1.0 and v0.2.0 published (v0.2.0 latest), tagged here, main pushed to origin."""
    (repo_path / "CHANGELOG.md").write_text(CHANGELOG)
    git(repo_path, "add", "CHANGELOG.md")
    git(repo_path, "commit", "-q", "-m", "changelog")
    write_policy(repo_path, sandbox.api_url)
    git(repo_path, "tag", "v0.2.0")
    remote(repo_path)
    git(repo_path, "push", "-q", "origin", "main", "--tags")
    gh = sandbox.github().get_repo(REPO)
    gh.create_git_release("v0.1.0", "PAI v0.1.0", "- First.\n", draft=False)
    gh.create_git_release("v0.2.0", "PAI v0.2.0", "- Unlock.\n", draft=False)
    sandbox.server.clear_log()
    return repo_path


def text_of(app: ReleaseConsoleApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def open_wizard(pilot: Pilot[None], tag: str = "v0.2.0") -> YankScreen:
    await settle(pilot)
    await pilot.press("y")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, YankScreen)
    releases = screen.query_one("#releases", OptionList)
    # it opens with the list focused and a release highlighted: Enter picks it
    assert releases.has_focus and releases.highlighted is not None
    releases.highlighted = next(i for i, c in enumerate(screen.choices) if c.tag == tag)
    await pilot.press("enter")
    await settle(pilot)
    return screen


async def preview(pilot: Pilot[None], screen: YankScreen, reason: str,
                  replacement: str | None = None, *, older: bool = False) -> None:
    screen.query_one("#reason", Input).value = reason
    if replacement is not None:
        screen.query_one("#replacement", Input).value = replacement
    screen.query_one("#older", Checkbox).value = older
    # press() is what a click or Enter on the button does; a click could land on a toast above it
    button = screen.query_one("#preview-button", Button)
    button.focus()
    button.press()
    await settle(pilot)


async def test_an_older_release_is_replaced_by_the_newer_one_already_out(
        project: Path, sandbox: Sandbox) -> None:  # noqa: F811
    """Walked by hand: yanking v1.3.0 with v1.3.1 (the fix) out suggested 1.3.2, a release that
    does not exist. A newer published release that is not yanked comes first."""
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_wizard(pilot, "v0.1.0")
        assert screen.query_one("#replacement", Input).value == "0.2.0"
        assert "the replacement suggested is the closest newer published release" in \
            text_of(app, "#message")
        # Walked by hand: it then offered "Start the replacement hotfix 0.2.0 now?", a release
        # that exists (the hotfix is refused). Users are sent to v0.2.0: nothing to start.
        await preview(pilot, screen, "Unlock corrupts data")
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)  # the note's push
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is screen
        assert release_json(sandbox, "v0.1.0")["prerelease"] is True  # yanked
        # walked: the note left unpushed said only "push it yourself"; it names the command
        head = git(project, "rev-parse", "HEAD").strip()
        said = text_of(app, "#message")
        assert said.startswith(f"The yank note {head[:12]} is committed but not pushed; users "
                               "read the CHANGELOG on main, so push it from a shell:")
        assert f"git push origin {head}:refs/heads/main" in said


async def test_yank_wizard_end_to_end(project: Path, sandbox: Sandbox) -> None:  # noqa: F811
    # A commit not pushed yet goes up with the note: the confirmation must list it too.
    (project / "README.md").write_text("PAI\n")
    git(project, "add", "README.md")
    git(project, "commit", "-q", "-m", "Docs: a README")
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_wizard(pilot)
        labels = [c.label for c in screen.choices]
        assert labels == ["v0.2.0  (latest)", "v0.1.0"]
        assert screen.query_one("#replacement", Input).value == "0.2.1"  # the next patch
        assert "the replacement suggested is the next patch, not released yet" in \
            text_of(app, "#message")
        await preview(pilot, screen, "Unlock corrupts data")
        github = text_of(app, "#github")
        assert f"> **{single_width(MARK)}** — Unlock corrupts data" in github
        assert "v0.2.0 becomes a pre-release (was a full release), not latest." in github
        assert "GitHub will then show v0.1.0 as latest." in github  # said before, not after
        assert "+**This release has been yanked.** Reason: Unlock corrupts data." in " ".join(
            text_of(app, "#diff").split())  # its rows wrapped at the pane's width
        assert release_json(sandbox, "v0.2.0")["prerelease"] is False  # nothing done yet

        await pilot.press("enter")  # never yanks on Enter: it cannot be undone
        await settle(pilot)
        assert release_json(sandbox, "v0.2.0")["prerelease"] is False
        await pilot.press("y")  # the key the line under the preview names
        await settle(pilot)
        confirm = app.screen
        assert isinstance(confirm, ConfirmScreen)
        head = git(project, "rev-parse", "HEAD").strip()
        assert confirm.question.startswith(f"Push the yank note {head[:12]} \"Yank v0.2.0: "
                                           "changelog note\" to origin main?")
        plan = str(confirm.query_one("#plan Static", Static).render())
        assert "2 commits go up to main:" in plan and "Docs: a README" in plan
        # a push: Enter says no, only y goes ahead, and the hint says so
        assert "n, Esc or Enter: no" in str(confirm.query_one("#hint", Static).render())
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, HotfixOffer)
        assert "Start the replacement hotfix 0.2.1 now?" in str(
            app.screen.query_one("#hotfix-question", Static).render())
        assert "It branches from v0.2.0 once its fixes are picked" in str(
            app.screen.query_one("#hotfix-help", Static).render())
        await pilot.press("y")  # start the replacement hotfix: a session of kind hotfix
        await settle(pilot)
        assert isinstance(app.screen, YankScreen)
        assert "Started the replacement hotfix v0.2.1" in text_of(app, "#message")
        # walked: after the yank the pane still said "It is the latest release now; GitHub will
        # then show ... as latest.", the state before, in the future tense
        github = text_of(app, "#github")
        assert "will then show" not in github and "It is the latest release now" not in github
        assert "v0.2.0 is a pre-release now, not latest." in github
        assert "It was the latest release; GitHub now shows v0.1.0 as latest." in github
        assert "Nothing was deleted: the tag and every asset stay." in github
        assert f"> **{single_width(MARK)}** — Unlock corrupts data" in github  # the banner stays
        # done: y is greyed, and pressed anyway it asks nothing (it asked again, then said
        # "already there ... nothing changed")
        assert footer_keys(app.screen).get("y") is False
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, YankScreen)
        assert "Started the replacement hotfix v0.2.1" in text_of(app, "#message")
    hotfix = SessionStore(project).active()
    assert hotfix is not None and (hotfix.tag, hotfix.kind) == ("v0.2.1", "hotfix")

    rel = release_json(sandbox, "v0.2.0")
    assert rel["prerelease"] is True and rel["draft"] is False
    assert rel["body"].startswith(f"> **{MARK}** — Unlock corrupts data\n> Use **v0.2.1**")
    assert sandbox.github().get_repo(REPO).get_latest_release().tag_name == "v0.1.0"
    assert not sandbox.requests("DELETE")
    committed = git(project, "show", "HEAD:CHANGELOG.md")
    assert "## [0.2.0] — 2026-11-21 — YANKED\n\n**This release has been yanked.** Reason: " \
           "Unlock corrupts data. Users on this version should upgrade to 0.2.1" in committed
    origin = project.parent / "remote.git"
    assert git(origin, "rev-parse", "main").strip() == git(project, "rev-parse", "HEAD").strip()
    assert git(project, "status", "--porcelain") == ""
    journal = (project / ".release" / "v0.2.0" / "journal.jsonl").read_text()
    assert '"note pushed"' in journal and '"yank-github"' in journal


async def test_the_wizard_refuses_bad_input_and_changes_nothing(
        project: Path, sandbox: Sandbox) -> None:  # noqa: F811
    before = git(project, "rev-parse", "HEAD")
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_wizard(pilot)
        await preview(pilot, screen, "Unlock corrupts data", "two.oh")
        assert "The replacement 'two.oh' is not a version" in text_of(app, "#message")
        await preview(pilot, screen, "Unlock corrupts data", "0.1.0")
        assert "The replacement 0.1.0 is older than 0.2.0" in text_of(app, "#message")
        assert screen.query_one("#confirm").disabled
        older = screen.query_one("#older", Checkbox)
        assert str(older.render()).startswith("[ ] Older on purpose")  # not by colour only
        await preview(pilot, screen, "Unlock corrupts data", "0.1.0", older=True)
        assert str(older.render()).startswith("[x] Older on purpose")
        assert "Use **v0.1.0** instead." in text_of(app, "#github")  # a downgrade, on purpose
        diff = " ".join(text_of(app, "#diff").split())  # the note said "should upgrade to"
        assert "should downgrade to 0.1.0 immediately" in diff and "upgrade to" not in diff
        assert not screen.query_one("#confirm").disabled
        await preview(pilot, screen, "  ", "0.2.1")
        assert "A yank needs a reason." in text_of(app, "#message")
        assert screen.query_one("#confirm").disabled
    assert git(project, "rev-parse", "HEAD") == before
    assert release_json(sandbox, "v0.2.0")["prerelease"] is False
    assert not sandbox.requests("PATCH") and not (project / ".release" / "v0.2.0").exists()


async def test_an_already_yanked_release_is_marked_and_not_yanked_again(
        project: Path, sandbox: Sandbox) -> None:  # noqa: F811
    from services.github.client import connect
    from services.github.yank import yank
    from services.policy import load_policy

    yank(connect(load_policy(project / "release.toml")), tag="v0.2.0", reason="bad",
         replacement="v0.2.1")
    sandbox.server.clear_log()
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_wizard(pilot)
        assert screen.choices[0].label == "v0.2.0  (YANKED)"
        assert "v0.2.0 is already yanked; nothing to do." in text_of(app, "#message")
        assert screen.chosen is None
    assert not sandbox.requests("PATCH")


def test_yank_confirmation_snapshot(project: Path,
                                    snap_compare: Callable[..., bool]) -> None:
    """The confirmation as the captain sees it: both changes side by side (no clock on it)."""

    async def ready(pilot: Pilot[None]) -> None:
        screen = await open_wizard(pilot)
        await preview(pilot, screen, "Unlock corrupts data")

    app = ReleaseConsoleApp(Options(repo=project))
    assert snap_compare(app, terminal_size=(100, 30), run_before=ready)


async def test_the_banner_preview_is_drawn_as_wide_as_textual_counts(project: Path) -> None:
    """Walked by hand: the preview's "⚠️ YANKED" (warning sign and emoji selector) was drawn one
    cell wider than Textual counts and pushed the pane's border out of line. The screen shows
    the one-cell "⚠ YANKED"; GitHub still gets the banner as it was."""
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_wizard(pilot)
        await preview(pilot, screen, "Unlock corrupts data")
        github = text_of(app, "#github")
        assert "> **⚠ YANKED** — Unlock corrupts data" in github
        shown = [str(s.render()) for s in screen.query(Static)]
        assert not any("\ufe0f" in text for text in shown)
    assert MARK == "⚠\ufe0f YANKED"  # what GitHub shows is unchanged


async def test_the_yank_steps_confirmation_draws_the_banner_one_cell_wide(project: Path) -> None:
    """The yank runbook's GitHub step asks with its plan, which quotes the banner, in a bordered
    dialog: the same one-cell glyph there."""
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(ConfirmScreen("Yank v0.2.0 on GitHub?",
                                      Plan(summary=banner("Unlock corrupts data", "v0.2.1"))))
        await settle(pilot)
        shown = [str(s.render()) for s in app.screen.query(Static)]
        assert any("**⚠ YANKED** — Unlock corrupts data" in text for text in shown)
        assert not any("\ufe0f" in text for text in shown)


async def test_at_80x24_the_form_says_what_each_field_wants_uncut(project: Path) -> None:
    """Walked at 80x24: the reason field's example was cut off mid-sentence ("e.g. persistence")."""
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_wizard(pilot)
        for field in screen.query("#form Input").results(Input):
            field.value = ""
            await pilot.pause()
            assert field.placeholder in str(field.render_line(0).text), field.id


async def test_the_command_palette_opens_the_yank_wizard(project: Path) -> None:
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"Yank")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, YankScreen)
        assert [c.tag for c in app.screen.choices] == ["v0.2.0", "v0.1.0"]


async def test_tab_from_the_form_reaches_preview(project: Path) -> None:
    """Walked by hand: Tab from the form went through the two empty preview panes, so Tab then
    Enter never previewed."""
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_wizard(pilot)
        reason = screen.query_one("#reason", Input)
        reason.focus()
        await pilot.press(*"bad build")
        await pilot.press("tab", "tab", "tab")  # replacement, "older on purpose", Preview
        assert app.focused is screen.query_one("#preview-button", Button)
        await pilot.press("enter")
        await settle(pilot)
        assert not screen.query_one("#confirm", Button).disabled  # previewed: y may yank now


async def test_a_release_candidate_is_yanked_with_no_note_said_and_no_push_offered(
        project: Path, sandbox: Sandbox) -> None:  # noqa: F811
    """Walked by hand: the wizard said "The CHANGELOG already has the yank note." and then "✔
    Yank note in CHANGELOG.md: done." for a candidate, which has no section and got no note."""
    sandbox.github().get_repo(REPO).create_git_release(
        "v0.3.0-rc.1", "PAI v0.3.0-rc.1", "- Try the new unlock.\n", draft=False,
        prerelease=True)
    before = git(project, "rev-parse", "HEAD")
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_wizard(pilot, "v0.3.0-rc.1")
        await preview(pilot, screen, "Unlock corrupts data", "0.3.0")
        assert "has no section for the release candidate 0.3.0-rc.1: no note to add" in \
            text_of(app, "#diff")
        await pilot.press("y")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmScreen)  # nothing was committed to push
        said = str(screen.query_one("#message", Static).render())
        assert "Yank note in CHANGELOG.md: nothing to mark" in said and ": done." not in said
    assert git(project, "rev-parse", "HEAD") == before
    assert release_json(sandbox, "v0.3.0-rc.1")["prerelease"] is True


async def test_at_80x24_both_previews_are_readable_and_y_is_in_reach(project: Path) -> None:
    """Walked at 80x24: the two previews sat side by side under the list and the form, six rows
    of 36 columns each, and the CHANGELOG diff wrapped every line. Now they are stacked at full
    width, the list and form step aside for them (one line says what was chosen, e brings them
    back), what does not fit scrolls and says so, and y stays in the footer."""
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_wizard(pilot)
        await preview(pilot, screen, "Unlock corrupts data")
        await settle(pilot)
        github = screen.query_one("#github-side")
        changelog = screen.query_one("#changelog-side")
        assert github.region.width >= 78 and changelog.region.width >= 78  # stacked, full width
        assert not screen.query_one("#top").display  # stepped aside for the preview
        assert "v0.2.0: Unlock corrupts data · replacement 0.2.1" in text_of(app, "#chosen")
        assert github.max_scroll_y == 0  # GitHub's side whole
        assert changelog.region.height - 2 >= 8
        assert changelog.max_scroll_y > 0 and app.focused is changelog  # arrows scroll it
        assert not github.border_subtitle
        await pilot.press("home")  # it opens on the note (test_the_changelog_diff_...)
        await settle(pilot)
        assert changelog.border_subtitle == "↑↓ scrolls: more below"
        await pilot.press("end")
        await settle(pilot)
        assert not changelog.border_subtitle  # read to the end
        keys = footer_keys(screen)
        assert keys.get("y") and keys.get("e")
        await pilot.press("e")  # back to the form: the preview still holds until an edit
        assert screen.query_one("#top").display and screen.query_one("#reason").has_focus
        await pilot.press("x")
        assert screen.query_one("#confirm", Button).disabled  # edited: preview again first


async def test_a_suggestion_that_comes_late_keeps_what_the_captain_typed(project: Path) -> None:
    """Walked by hand on a loaded machine: Enter on a release, the reason typed, Tab, a
    replacement typed; then the suggestion came, wrote its own version over the captain's and
    took the focus back to the reason, so the rest of the typing landed there. The focus now
    moves to the reason at once, and a late suggestion (posted here as the worker posts it)
    fills only an empty field or its own earlier suggestion."""
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_wizard(pilot)
        reason = screen.query_one("#reason", Input)
        replacement = screen.query_one("#replacement", Input)
        assert reason.has_focus and replacement.value == "0.2.1"
        await pilot.press(*"corrupts data", "tab", "ctrl+u", *"0.3.0")
        screen.post_message(YankScreen.Suggested("v0.2.0", "0.2.1", "the next patch"))
        await settle(pilot)
        await pilot.press(*"-rc")
        assert (reason.value, replacement.value) == ("corrupts data", "0.3.0-rc")
        assert "the replacement is the one you typed" in text_of(app, "#message")
        replacement.value = "0.2.1"  # its own suggestion, kept: a new one may replace it
        screen.post_message(YankScreen.Suggested("v0.2.0", "0.2.2", "the next patch"))
        await settle(pilot)
        assert replacement.value == "0.2.2"


async def test_at_80x24_a_done_yank_offers_no_edit(project: Path) -> None:
    """Walked at 80x24: after the yank, its note pushed and the hotfix offer answered, the
    footer still offered "e Edit"; e brought back the form with the reason and replacement
    editable, as if the yank that GitHub already shows could still be changed."""
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_wizard(pilot)
        await preview(pilot, screen, "Unlock corrupts data")
        assert footer_keys(screen).get("e")
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)  # the note's push
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, HotfixOffer)
        await pilot.press("escape")  # not now
        await settle(pilot)
        assert app.screen is screen
        assert "e" not in footer_keys(screen)
        await pilot.press("e")
        await settle(pilot)
        assert not screen.query_one("#top").display  # the form stays aside: nothing to edit


async def test_an_older_replacement_is_refused_in_the_wizards_words(project: Path) -> None:
    """Walked at 80x24: an older replacement in the wizard was refused with "confirm the
    downgrade (--allow-older, or tick 'older on purpose' in the wizard)", a command line option
    and "the wizard" while the captain was in it. It names the tick box above."""
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_wizard(pilot)
        await preview(pilot, screen, "Unlock corrupts data", "0.1.0")
        said = " ".join(text_of(app, "#message").split())
        assert said == ("The replacement 0.1.0 is older than 0.2.0; nothing was changed. If "
                        "users should go back to it on purpose, tick 'Older on purpose' above, "
                        "then Preview."), said


async def test_the_wizards_refusals_name_its_own_controls_not_options(
        project: Path, make_ctx: Callable[..., Context]) -> None:
    """Walked at 80x24: refusals in the wizard sent the captain to the command line: an empty
    reason said 'Pass --reason "one line".', and a release in progress said "Finish it
    (`release-console status`, `release-console next`) or abandon it with `release-console
    abandon v0.3.0 --reason "..."`". They name the wizard's field and the checklist's keys."""
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_wizard(pilot)
        await preview(pilot, screen, "  ", "0.2.1")
        said = " ".join(text_of(app, "#message").split())
        assert said == "A yank needs a reason. Type it in the Reason field above, then Preview.", \
            said
    start_release(make_ctx(), ReleaseRequest(version="0.3.0"))
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_wizard(pilot)
        await preview(pilot, screen, "Unlock corrupts data", "0.2.1")
        said = " ".join(text_of(app, "#message").split())
        assert said.startswith("A release session for v0.3.0 is already in progress"), said
        assert said.endswith("Escape goes back to the checklist: finish it there (n) or abandon "
                             "it (x), then yank again."), said
        assert "release-console" not in said


async def test_the_changelog_diff_is_shown_as_the_changelog_confirmation_shows_it(
        project: Path) -> None:
    """The CHANGELOG pane showed git's diff as it came: three lines of context in one colour,
    wrapped by the pane back to its left edge (a note's second row read as a line of the file),
    and at 80x24 the note itself below the fold. It is drawn as the changelog step's
    confirmation draws its diff (screens/diff_view.py): one line of context, added lines green,
    a wrapped row two columns in from its line's text, scrolled to show the change whole."""
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_wizard(pilot)
        await preview(pilot, screen, "Unlock corrupts data")
        await settle(pilot)
        diff = text_of(app, "#diff")
        assert "@@ -4,3 +4,5 @@" in diff and "## [Unreleased]" not in diff  # one line of context
        assert "+**This release has been yanked.** Reason: Unlock corrupts data. Users on\n" \
            "   this version should upgrade to 0.2.1 immediately." in diff, diff
        drawn = screen.query_one("#diff", Static).content
        assert isinstance(drawn, Text)
        note = drawn.plain.index("+**This release")
        assert any(span.style == "green" and span.start <= note < span.end
                   for span in drawn.spans), drawn.spans
        changelog = screen.query_one("#changelog-side")
        assert changelog.scroll_y > 0  # the change in sight, not the diff's header
        rows = "\n".join(screen_lines(app))
        for line in ("-## [0.2.0] — 2026-11-21", "+## [0.2.0] — 2026-11-21 — YANKED",
                     "+**This release has been yanked.**", "[MIGRATION.md](./MIGRATION.md)."):
            assert line in rows, rows


async def test_no_hotfix_is_offered_for_a_replacement_no_hotfix_can_make(
        project: Path, sandbox: Sandbox) -> None:  # noqa: F811
    """Walked: yanking with the replacement 0.3.0 (the next MINOR) ended with "Start the
    replacement hotfix 0.3.0 now?", and y was refused: "Hotfix 0.3.0 is not the next patch of a
    shipped release". A hotfix is offered only for the next patch of a tag here."""
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_wizard(pilot)
        await preview(pilot, screen, "Unlock corrupts data", "0.3.0")
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)  # the note's push
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is screen  # no offer of a hotfix 0.3.0
        assert "Pushed the yank note" in text_of(app, "#message")
    assert release_json(sandbox, "v0.2.0")["prerelease"] is True
    assert SessionStore(project).active() is None  # no hotfix session was started


async def test_at_80x24_a_preview_kept_under_an_edit_says_it_is_the_earlier_one(
        project: Path) -> None:
    """Walked at 80x24: previewed with 9.9.9, then e and the replacement changed to 0.1.0
    (refused: older): the panes still showed "Use v9.9.9 instead" under a form saying 0.1.0,
    with nothing to say that was not what y would do."""
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_wizard(pilot)
        await preview(pilot, screen, "Unlock corrupts data", "9.9.9")
        github, changelog = (screen.query_one(s) for s in ("#github-side", "#changelog-side"))
        assert (github.border_title, changelog.border_title) == ("GitHub after the yank",
                                                                 "CHANGELOG.md")
        await pilot.press("e")
        await settle(pilot)
        await preview(pilot, screen, "Unlock corrupts data", "0.1.0")
        assert "is older than 0.2.0" in text_of(app, "#message")
        assert "Use **v9.9.9** instead." in text_of(app, "#github")  # the earlier preview, kept
        rows = screen_lines(app)
        assert any("GitHub after the yank (as previewed before your edit)" in r for r in rows)
        assert any("CHANGELOG.md (as previewed before your edit)" in r for r in rows)
        await preview(pilot, screen, "Unlock corrupts data", "0.2.1")
        assert (github.border_title, changelog.border_title) == ("GitHub after the yank",
                                                                 "CHANGELOG.md")


async def test_a_reason_tab_and_replacement_typed_in_one_burst_go_to_their_fields(
        project: Path) -> None:
    """Walked in tmux at 80x24: the reason, Tab and 1.2.0 sent in one go put "1.2.0" into the
    Reason field (Tab, a binding, moved the focus only once the keys after it were in)."""
    from tests.tui_helpers import type_in_one_burst

    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_wizard(pilot)
        reason, replacement = (screen.query_one(s, Input) for s in ("#reason", "#replacement"))
        assert reason.has_focus
        type_in_one_burst(app, *"Unlock", "tab", "ctrl+u", *"0.3.0", "shift+tab", "end", *" bad")
        await settle(pilot)
        assert (reason.value, replacement.value) == ("Unlock bad", "0.3.0")
