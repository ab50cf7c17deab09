"""The TUI shell, driven with Pilot as a captain would with the keyboard."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import Input, OptionList, Select, Static

from console.app import ReleaseConsoleApp
from console.wiring import Options
from screens.home import HomeScreen
from screens.start import StartScreen
from screens.step import StepScreen
from services.session import SessionStore
from services.session_lifecycle import ReleaseRequest, start_release
from services.step_protocol import Context
from tests.conftest import commit_file
from tests.tui_helpers import SlowApp, footer_keys, open_with_key, settle


def text_of(app: ReleaseConsoleApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_home_shows_runbook_and_session(repo_path: Path,
                                              make_ctx: Callable[..., Context]) -> None:
    start_release(make_ctx(), ReleaseRequest(version="0.2.0"))
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "v0.2.0 · stable · release · main · online" in text_of(app, "#session-bar")
        checklist = app.screen.query_one("#checklist", OptionList)
        assert checklist.option_count == 14
        assert checklist.highlighted == 0
        assert "Pre-flight checks" in text_of(app, "#detail-text")
        await pilot.press("down", "down")
        assert "Waiting for 'Pre-flight checks'" in text_of(app, "#detail-text")
        assert "MIGRATION.md" in text_of(app, "#detail-text")


async def test_open_a_step_and_run_it(repo_path: Path,
                                      make_ctx: Callable[..., Context]) -> None:
    start_release(make_ctx(), ReleaseRequest(version="0.2.0"))
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StepScreen)
        assert "ready" in text_of(app, "#step-status")
        await pilot.press("r")
        await settle(pilot)
        assert "done" in text_of(app, "#step-message")
        assert "done" in text_of(app, "#step-status")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "Next: Move [Unreleased] in CHANGELOG.md." in text_of(app, "#message")
    assert make_ctx().require_session().steps["preflight"].status == "done"



async def test_n_typed_before_a_step_screen_has_loaded_is_not_lost(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """Walked on a loaded machine: n n (open the step to do now, run it) closed the step's screen
    again: the second n came before the screen had loaded the release, and without one n goes
    back. It now waits for the load, then does what n does there: runs the step, opens the next."""
    start_release(make_ctx(), ReleaseRequest(version="0.2.0"))
    app = SlowApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.held.set()  # the step screen's load waits, as on a slow machine
        await pilot.press("n", "n")
        app.go.set()
        await settle(pilot)
        assert isinstance(app.screen, StepScreen) and app.screen.step.id == "changelog"
    assert make_ctx().require_session().steps["preflight"].status == "done"

async def test_blocked_step_says_why_and_does_not_run(repo_path: Path,
                                                       make_ctx: Callable[..., Context]) -> None:
    start_release(make_ctx(), ReleaseRequest(version="0.2.0"))
    (repo_path / "README.md").write_text("dirty\n")
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert "uncommitted changes" in text_of(app, "#step-blockers")
        await pilot.press("r")
        await settle(pilot)
        assert "cannot run yet" in text_of(app, "#step-message")
    assert "preflight" not in make_ctx().require_session().steps


async def test_a_channel_chosen_with_the_keys_then_enter_starts_it(repo_path: Path) -> None:
    """Walked by hand: after choosing rc in the Select, the preview said "Enter starts
    v1.3.0-rc.1 (rc)", but Enter opened the Select again."""
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        await pilot.press(*"0.3.0", "tab", "tab", "enter", "down", "enter")
        await settle(pilot)
        assert text_of(app, "#preview") == "Enter starts v0.3.0-rc.1 (rc)."
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
    assert SessionStore(repo_path).load("v0.3.0-rc.1").state == "active"


async def test_the_start_preview_notes_a_version_other_than_the_entries_call_for(
        repo_path: Path) -> None:
    """Walked by hand: 1.4.0 typed where the [Unreleased] entries call for 1.3.0 previewed
    "Enter starts v1.4.0" with no word. It still starts (it may be deliberate), with a note."""
    commit_file(repo_path, "CHANGELOG.md",
                "# Changelog\n\n## [Unreleased]\n\n### Added\n- Resume uploads.\n")
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert text_of(app, "#preview") == "Enter starts v0.2.0 (stable)."  # as called for
        app.screen.query_one("#version", Input).value = "0.3.0"
        await settle(pilot)
        preview = text_of(app, "#preview")
        assert preview.startswith("Enter starts v0.3.0 (stable).\nNote: the [Unreleased] "
                                  "entries call for 0.2.0 (a minor release")
        assert preview.endswith("0.3.0 is a larger step, taken as you asked.")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
    assert SessionStore(repo_path).load("v0.3.0").state == "active"


async def test_start_a_release_from_the_tui(repo_path: Path) -> None:
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "No release in progress" in text_of(app, "#message")
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, StartScreen)
        assert "Last release: v0.1.0" in text_of(app, "#suggestion")
        app.screen.query_one("#version", Input).value = "0.1.0"
        await settle(pilot)
        assert "not greater than the last release" in text_of(app, "#preview")  # said before
        await pilot.press("enter")
        await settle(pilot)
        assert "not greater than the last release" in text_of(app, "#error")
        assert text_of(app, "#preview") == ""  # said once, not twice one above the other
        app.screen.query_one("#version", Input).value = "0.3.0"
        await settle(pilot)
        assert text_of(app, "#preview") == "Enter starts v0.3.0 (stable)."
        app.screen.query_one("#channel", Select).value = "rc"  # what an rc start makes, first
        await settle(pilot)
        assert text_of(app, "#preview") == "Enter starts v0.3.0-rc.1 (rc)."
        app.screen.query_one("#channel", Select).value = "stable"
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "v0.3.0" in text_of(app, "#session-bar")
    assert SessionStore(repo_path).load("v0.3.0").state == "active"


async def test_a_pre_release_version_on_the_stable_channel_is_refused_in_the_dialog(
        repo_path: Path) -> None:
    """The start dialog says the refusal `start 0.3.0-rc` gives, with the dialog's own way to
    start a candidate (its channel list, not --channel), and starts nothing."""
    refusal = ("0.3.0-rc is a pre-release version, and the stable channel releases final "
               "versions only. To start a candidate, type 0.3.0 and pick rc in the channel "
               "list (now stable); that channel numbers them 0.3.0-rc.1, 0.3.0-rc.2, …")
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        await pilot.press(*"0.3.0-rc")
        await settle(pilot)
        assert text_of(app, "#preview") == refusal
        # the channel list says what it is (the words above point at it); it has no label
        shown = [str(label.render()) for label in app.screen.query("SelectCurrent #label")]
        assert shown == ["exact version", "channel: stable"]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StartScreen)
        assert text_of(app, "#error") == refusal
        assert "--channel" not in text_of(app, "#error")
    assert not (repo_path / ".release").exists()


async def test_an_empty_start_dialog_says_what_to_give(repo_path: Path) -> None:
    """Walked by hand with nothing in [Unreleased] (no version filled in): Enter said "Give
    either a version or a bump (patch, minor or major), not both and not neither.", the command
    line's words, under a form with a field and a list."""
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        app.screen.query_one("#version", Input).value = ""
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StartScreen)
        assert text_of(app, "#error") == ("Type the version to release (e.g. 1.4.0), or choose a "
                                          "bump in the list below it.")
    assert not (repo_path / ".release").exists()


async def test_error_is_visible_not_a_crash(tmp_path: Path) -> None:
    app = ReleaseConsoleApp(Options(repo=tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "is not a git repository" in text_of(app, "#detail-text")


def test_home_snapshot(repo_path: Path, make_ctx: Callable[..., Context],
                       snap_compare: Callable[..., bool]) -> None:
    start_release(make_ctx(), ReleaseRequest(version="0.2.0"))
    app = ReleaseConsoleApp(Options(repo=repo_path))
    assert snap_compare(app, terminal_size=(100, 30), run_before=settle)


async def test_tick_manual_checklist_in_preflight(repo_path: Path,
                                                  make_ctx: Callable[..., Context]) -> None:
    from tests.conftest import commit_file

    commit_file(repo_path, "release.toml", '[checklist]\npreflight = ["Docs updated"]\n')
    start_release(make_ctx(), ReleaseRequest(version="0.2.0"))
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "Checklist item not ticked: Docs updated" in text_of(app, "#step-blockers")
        await pilot.press("space")
        await settle(pilot)
        assert "Docs updated" not in text_of(app, "#step-blockers")
    ticked = make_ctx().require_session().data["checklist"]["preflight"]
    assert ticked["Docs updated"]["by"] == "Casey Captain <casey@example.org>"


async def test_redo_a_done_step_from_the_tui(repo_path: Path,
                                            make_ctx: Callable[..., Context]) -> None:
    from services import engine
    from services.steps import registry

    ctx = make_ctx()
    start_release(ctx, ReleaseRequest(version="0.2.0"))
    engine.run_step(ctx, registry()["preflight"])
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("up", "enter")
        await settle(pilot)
        assert "done" in text_of(app, "#step-status")
        await pilot.press("o")
        await settle(pilot)
        await pilot.press("enter")  # an empty reason is refused in the dialog
        await settle(pilot)
        assert "A reason is needed" in str(app.screen.query_one("#reason-error", Static).render())
        await pilot.press(*"branch moved", "enter")
        await settle(pilot)
        assert "Reopened: Pre-flight checks." in text_of(app, "#step-message")
        assert "ready" in text_of(app, "#step-status")
    assert make_ctx().require_session().steps["preflight"].status == "pending"


async def test_unexpected_error_in_a_step_is_shown_scrubbed(
        repo_path: Path, make_ctx: Callable[..., Context],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from services import secrets
    from services.steps import registry

    start_release(make_ctx(), ReleaseRequest(version="0.2.0"))
    secrets.register("hunter22-passphrase")
    real = registry()["preflight"].real  # type: ignore[attr-defined]

    def broken(ctx: Context) -> dict[str, str]:
        raise OSError("No space left on device while holding hunter22-passphrase")

    monkeypatch.setattr(real, "run", broken)
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "r")
        await settle(pilot)
        message = text_of(app, "#step-message")
        assert "Unexpected error (OSError): No space left on device" in message
        assert "hunter22-passphrase" not in message and "********" in message
        assert isinstance(app.screen, StepScreen)  # the app is still running
    assert make_ctx().require_session().steps["preflight"].status == "failed"


def test_crash_report_has_no_locals_and_no_secrets(repo_path: Path) -> None:
    from services import secrets

    secrets.register("tok_crash_canary_1234567890")
    app = ReleaseConsoleApp(Options(repo=repo_path))
    app._exception_event = __import__("asyncio").Event()
    try:
        passphrase = "tok_crash_canary_1234567890"
        raise RuntimeError(f"boom near {passphrase}")
    except RuntimeError as err:
        app._handle_exception(err)
    report = "".join(str(r) for r in app._exit_renderables)
    assert "boom near ********" in report
    assert "tok_crash_canary" not in report and "passphrase = " not in report
    assert app.return_code == 70


async def test_abandon_from_the_tui_then_start_another(repo_path: Path,
                                                     make_ctx: Callable[..., Context]) -> None:
    start_release(make_ctx(), ReleaseRequest(version="0.2.0"))
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)  # refused: a release is in progress
        await pilot.press("x")
        await settle(pilot)
        await pilot.press(*"wrong version", "enter")
        await settle(pilot)
        assert "no release in progress · main · online · last: v0.2.0 abandoned" in \
            text_of(app, "#session-bar")
    assert SessionStore(repo_path).load("v0.2.0").state == "abandoned"


async def footer_then_press(repo_path: Path, key: str) -> tuple[dict[str, bool], bool]:
    """The home screen's footer, and whether pressing ``key`` there left the checklist shown."""
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        keys = footer_keys(app.screen)
        await pilot.press(key)
        await settle(pilot)
        return keys, isinstance(app.screen, HomeScreen)


async def test_the_footer_offers_what_applies(repo_path: Path,
                                              make_ctx: Callable[..., Context]) -> None:
    """Start and promote only without a release in progress, next and abandon only with one;
    import greys out while no step waits for a bundle. A key that does not apply does nothing."""
    keys, still_home = await footer_then_press(repo_path, "x")
    # f1 Keys after them: the checklist's footer has room for it at 80x24 (tests/test_keys_f1.py)
    assert keys == {"s": True, "y": True, "p": True, "i": True, "q": True, "f1": True,
                    "ctrl+p": True}
    assert still_home  # nothing to abandon: no dialog
    start_release(make_ctx(), ReleaseRequest(version="0.2.0"))
    keys, still_home = await footer_then_press(repo_path, "s")
    assert keys == {"n": True, "x": True, "y": True, "i": False, "q": True, "f1": True,
                    "ctrl+p": True}
    assert still_home  # no start dialog over a release in progress


async def test_the_start_dialog_drops_a_policy_error_once_the_file_is_fixed(
        repo_path: Path) -> None:
    """Found walking the clear-errors standard: release.toml broken while the TUI was open, the
    start dialog said so at its top, and kept saying so after the file was fixed and a version
    typed, above the version's own answer."""
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        policy = repo_path / "release.toml"
        policy.write_text('[project]\nname = "PAI\n')
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, StartScreen)
        assert "release.toml is not valid TOML" in text_of(app, "#suggestion")
        policy.write_text('[project]\nname = "PAI"\n')
        await pilot.press("1", ".", "2")
        await settle(pilot)
        assert "'1.2' is not a SemVer version" in text_of(app, "#preview")
        assert text_of(app, "#suggestion").startswith("Last release: v0.1.0.")


async def test_a_damaged_session_file_offers_no_start_and_the_dialog_says_why(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """Found by a helper: with session.json cut short, the footer offered s, and s crashed the
    app (the dialog's worker raised the session error)."""
    start_release(make_ctx(), ReleaseRequest(version="0.2.0"))
    session = repo_path / ".release" / "v0.2.0" / "session.json"
    session.write_bytes(session.read_bytes()[:100])
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "is damaged" in text_of(app, "#detail-text")
        assert "s" not in footer_keys(app.screen)
        app.push_screen(StartScreen())
        await settle(pilot)
        assert isinstance(app.screen, StartScreen)  # still running, the problem said
        assert "is damaged" in text_of(app, "#suggestion")


async def test_abandoning_with_one_commit_left_says_it_not_them(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    """Walked at 80x24: one release commit left behind, the dialog and the toast after it said
    "1 commit never pushed (to drop them: ...)"."""
    from screens.abandon import AbandonScreen
    from services import engine
    from tests.test_changelog_screen import CHANGELOG

    commit_file(repo_path, "CHANGELOG.md", CHANGELOG)
    ctx = make_ctx()
    start_release(ctx, ReleaseRequest(version="0.2.0"))
    for step_id in ("preflight", "changelog"):
        engine.run_step(ctx, engine.find_step(ctx, step_id))
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        dialog = await open_with_key(pilot, "x", AbandonScreen)
        shown = " ".join("".join(str(s.render()) for s in dialog.query(
            "#abandon-left Static").results(Static)).split())
        assert "1 commit of this release on main, never pushed, stays there:" in shown, shown
        assert "To drop it: `git reset --keep " in shown and "them" not in shown
        await pilot.press(*"start over", "enter")
        await settle(pilot)
        said = [" ".join(str(t.render()).split()) for t in app.screen.query("Toast")]
        assert any("Left behind: 1 commit never pushed (to drop it: `git reset --keep " in t
                   for t in said), said
