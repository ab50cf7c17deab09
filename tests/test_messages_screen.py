"""The session's messages again: a toast goes after a few seconds, and a captain who looked away
(at the hardware token, at the other workstation) lost what it said. Ctrl+P "Messages said so
far" lists every message of the session, newest first, with its severity; Escape closes it."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from textual.notifications import Notification
from textual.pilot import Pilot

from console.app import ReleaseConsoleApp, toast_timeout
from console.wiring import Options
from screens.home import HomeScreen
from screens.messages import KEPT, MessagesScreen
from screens.start import StartScreen
from services import secrets
from tests.test_confirm_layout import screen_lines
from tests.tui_helpers import settle, text_of

WARNING = ("The security deadline for v0.2.0 is in 2 days: publish before it, or record a waiver "
           "in release.toml.")


async def open_messages(pilot: Pilot[None]) -> MessagesScreen:
    """Ctrl+P, "Messages said so far", Enter: as a captain opens it."""
    await settle(pilot)
    await pilot.press("ctrl+p", *"Messages said")
    await settle(pilot)
    await pilot.pause(0.3)  # the palette searches in the background; wait for its hit list
    await pilot.press("enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, MessagesScreen), screen
    return screen


def rows(app: ReleaseConsoleApp) -> list[str]:
    return [row.strip() for row in screen_lines(app)]


async def test_the_palette_lists_the_messages_newest_first_and_escape_closes_it(
        repo_path: Path) -> None:
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.notify("✔ Move [Unreleased] in CHANGELOG.md: done.")
        app.notify(WARNING, severity="warning")
        app.notify("GitHub refused the upload: 422 already_exists.", severity="error")
        screen = await open_messages(pilot)
        listed = text_of(screen, "#messages").splitlines()
        assert [line[9:] for line in listed] == [  # after each line's time, "06:12:03 "
            "✘ Error: GitHub refused the upload: 422 already_exists.",
            f"⚠ Warning: {WARNING}",
            "· ✔ Move [Unreleased] in CHANGELOG.md: done."]  # plain text: brackets kept
        assert all(time.strptime(line[:8], "%H:%M:%S") for line in listed)
        shown = rows(app)
        assert "Messages said so far (3), newest first · Escape: back" in shown
        # at 80 columns the warning wraps under its text, past its time and mark
        first = next(i for i, row in enumerate(shown) if "⚠ Warning: The security" in row)
        assert shown[first + 1] == "before it, or record a waiver in release.toml.", shown
        assert screen_lines(app)[first + 1].index("before it") == len(
            " 06:12:03 ⚠ Warning: ")  # past the body's one-column padding, time and mark
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)


async def test_a_warning_is_there_after_its_toast_timed_out(
        repo_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The captain looked at the hardware token for longer than the warning's toast stayed."""
    later = [0.0]  # seconds the captain looked away, on top of the real clock
    monkeypatch.setattr(Notification, "time_left", property(  # as Textual's, on that clock
        lambda self: self.raised_at + self.timeout - (time.time() + later[0])))
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        app.notify(WARNING, severity="warning")
        await pilot.pause()
        assert [str(t.render()) for t in app.screen.query("Toast")] == [WARNING]
        app.notify("✔ Pre-flight checks: done.")
        await pilot.pause()
        later[0] = toast_timeout(WARNING, "warning", None) + 1  # both toasts have timed out
        screen = await open_messages(pilot)
        assert not app.screen.query("Toast")
        said = text_of(screen, "#messages")
        assert said.index("· ✔ Pre-flight checks: done.") < said.index(
            "⚠ Warning: The security deadline for v0.2.0 is in 2 days")  # newest first
        assert "⚠ Warning: The security deadline for v0.2.0 is in 2 days: publish" in " ".join(
            rows(app))
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen) and not app.screen.query("Toast")


async def test_a_warning_said_again_after_a_dialog_is_listed_once(repo_path: Path) -> None:
    """A dialog clears the toasts and says the warnings again when it closes: one message."""
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        app.notify(WARNING, severity="warning")
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, StartScreen)
        assert not app.screen.query("Toast")  # the dialog is clear
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert [str(t.render()) for t in app.screen.query("Toast")] == [WARNING]  # said again
        assert [(n.message, n.severity) for n in app.messages] == [(WARNING, "warning")]
        app.notify(WARNING, severity="warning")  # said anew later: listed again
        assert [n.message for n in app.messages] == [WARNING, WARNING]


async def test_a_secret_in_a_message_never_reaches_the_list(repo_path: Path) -> None:
    token = "ghp_" + "Secr3tT0ken" * 3
    secrets.register(token)
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        app.notify(f"git push https://x:{token}@github.com/pai/pai.git failed", severity="error")
        await pilot.pause()
        assert [str(t.render()) for t in app.screen.query("Toast")] == [
            f"git push https://x:{secrets.MASK}@github.com/pai/pai.git failed"]
        await open_messages(pilot)
        assert token not in " ".join(rows(app)) and secrets.MASK in " ".join(rows(app))
        assert all(token not in n.message for n in app.messages)


async def test_the_list_keeps_the_last_messages(repo_path: Path) -> None:
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for number in range(KEPT + 50):
            app.notify(f"message {number}")
        assert len(app.messages) == KEPT
        assert app.messages[0].message == "message 50"
        assert app.messages[-1].message == f"message {KEPT + 49}"


async def test_a_refusal_taken_back_and_said_again_is_listed_again(repo_path: Path) -> None:
    """A step's refusal is taken back when its next run starts (the other warnings up are said
    again, not listed again); the next run refusing the same way is a new message."""
    app = ReleaseConsoleApp(Options(repo=repo_path))
    refused = "Checklist item not ticked: Docs in docs/ reflect the release."
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        app.notify(WARNING, severity="warning")
        app.notify(refused, severity="error")
        await pilot.pause()  # the toasts are up
        app.withdraw(refused)
        await pilot.pause()
        assert [str(t.render()) for t in app.screen.query("Toast")] == [WARNING]
        app.notify(refused, severity="error")
        assert [n.message for n in app.messages] == [WARNING, refused, refused]


async def test_what_a_worker_says_while_the_list_is_open_is_listed(repo_path: Path) -> None:
    """A captain waiting on the list for a push sees what its worker says, as it says it (the
    list was a snapshot of when it opened: the new message was only a toast behind it)."""
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.notify("✔ Move [Unreleased] in CHANGELOG.md: done.")
        screen = await open_messages(pilot)

        def push_worker() -> None:  # as a step's worker reports: from its own thread
            app.notify("Pushed v1.3.0 to origin.", severity="warning")

        await app.workers.wait_for_complete([app.run_worker(push_worker, thread=True)])
        await settle(pilot)
        assert app.screen is screen
        assert [line[9:] for line in text_of(screen, "#messages").splitlines()] == [
            "⚠ Warning: Pushed v1.3.0 to origin.",
            "· ✔ Move [Unreleased] in CHANGELOG.md: done."]
        assert "Messages said so far (2), newest first · Escape: back" in rows(app)


async def test_what_is_said_while_a_dialog_covers_the_list_is_there_when_it_closes(
        repo_path: Path) -> None:
    from screens.prompts import ReasonScreen

    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_messages(pilot)
        await app.push_screen(ReasonScreen("Why?"))
        await settle(pilot)
        app.notify("GitHub refused the upload: 422 already_exists.", severity="error")
        await pilot.press("escape")  # the dialog goes: the list is on top again
        await settle(pilot)
        assert app.screen is screen
        assert [line[9:] for line in text_of(screen, "#messages").splitlines()] == [
            "✘ Error: GitHub refused the upload: 422 already_exists."]
