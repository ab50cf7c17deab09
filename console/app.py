"""The Textual app shell: builds contexts for screens and opens the home screen."""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen, SystemModalScreen

from console.typeahead import KeysFollowTheScreen
from console.wiring import Options
from screens.home import HOME_CSS, HomeScreen
from screens.step_keys import F1, F1_SHOWN, footer_has_room
from services.secrets import scrub

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel

    from console.overview_child import EarlyOverview
    from screens.messages import Notice
    from services.overview import Overview
    from services.step_protocol import Context


TOAST_SECONDS = {"information": 3.0, "warning": 6.0, "error": 10.0}
WORDS_PER_SECOND = 3.0  # a tired captain's reading pace (180 words a minute)


def toast_timeout(message: str, severity: str, asked: float | None) -> float:
    """How long a toast stays: routine news ("✔ Checksums: done.") goes in 3 seconds, as the
    next step's text it lies over is what the captain reads now; a warning or an error stays
    at least 6 or 10, and every toast stays as long as its words take to read (a blocker with
    its remedy is 40 words). ``asked`` by the caller is a minimum, never a cut."""
    reading = 1.5 + len(message.split()) / WORDS_PER_SECOND
    return max(asked if asked is not None else 0.0, TOAST_SECONDS.get(severity, 5.0), reading)


class ReleaseConsoleApp(KeysFollowTheScreen, App[None]):
    TITLE = "Release Console"
    # The home screen's styles. Textual loads a screen's CSS_PATH when the screen is pushed; the
    # default screen (get_default_screen) never is, so the app loads that file itself.
    CSS_PATH = HOME_CSS
    BINDINGS = [Binding("q", "quit_console", "Quit"),
                # Before the screen's own Escape (Back): only while the Keys panel is open.
                Binding("escape", "hide_keys", "Close keys", show=False, priority=True),
                # A new captain's first guess for help (a field types it, as it types q).
                Binding("question_mark", "toggle_keys", "Keys", show=False),
                # The same from a field too; in the footer where it fits (screens.step_keys)
                F1_SHOWN, F1]

    def __init__(self, options: Options, early: EarlyOverview | None = None) -> None:
        super().__init__()
        self.options = options
        # Warnings and errors whose toasts may still be up: (message, title, severity, until).
        self._standing: list[tuple[str, str, SeverityLevel, float]] = []
        # Every message said this session, oldest first (the last KEPT): the toasts go after a
        # few seconds, the palette's "Messages said so far" shows these again. Scrubbed.
        self.messages: list[Notice] = []
        # Warnings taken down to be said again (take_standing_warnings): recorded once, not twice.
        self._repeats: list[tuple[str, str, SeverityLevel]] = []
        self._said = threading.Lock()  # notify is thread-safe in Textual; so is the record
        self.early = early  # the checklist being worked out beside Textual's import (run_tui)
        self._kept: dict[str, dict[str, Any]] = {}  # screens' keeping, see kept()

    def early_overview(self, *, within: float | None = None) -> Overview | None:
        if self.early is None or (within is not None and not self.early.wait(within)):
            return None
        data, self.early = self.early.take(), None
        if data is None:
            return None
        from services.overview import Overview

        try:
            return Overview.from_json(data)
        except ValueError:  # not what this version writes: the worker checks in-process
            return None

    def make_context(self) -> Context:
        """A fresh context per worker: sessions may change under us (another terminal's CLI).

        Imported here, in the worker, so the first frame does not wait for git and the services.
        """
        from console.wiring import build_context
        from screens.prompts import TuiPrompter

        return build_context(self.options, TuiPrompter(self))

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        """Every toast is plain text: its words come from step titles, git and GitHub.

        With markup on, "Move [Unreleased] in CHANGELOG.md: done." lost its "[Unreleased]";
        a path or a git message in brackets would too, or fail to parse. Screens call
        ``self.notify``, which passes ``markup=True`` explicitly, so the default is not enough.
        Each stays as long as :func:`toast_timeout` says, and is kept in :attr:`messages` (the
        secret scrubber has the last word: a git or GitHub message may quote a token).
        """
        message, title = scrub(message), scrub(title)
        seconds = toast_timeout(message, severity, timeout)
        if severity != "information":
            self._standing.append((message, title, severity, time.monotonic() + seconds))
        self._record(message, title, severity)
        super().notify(message, title=title, severity=severity, timeout=seconds, markup=False)

    def _record(self, message: str, title: str, severity: SeverityLevel) -> None:
        """Keep what was said, with the time, unless it is a warning said again after a wizard
        (its first saying is in the record already)."""
        from screens.messages import KEPT, MessagesScreen, Notice  # not before a frame

        said = (message, title, severity)
        with self._said:
            if said in self._repeats:
                self._repeats.remove(said)
                return
            self.messages.append(Notice(message, title, severity, datetime.now().astimezone()))
            del self.messages[:-KEPT]
            notices = tuple(self.messages)
        for screen in self.screen_stack:  # under a dialog too: current when the dialog closes
            if isinstance(screen, MessagesScreen):
                screen.post_message(MessagesScreen.Said(notices))

    def take_standing_warnings(self) -> list[tuple[str, str, SeverityLevel]]:
        """The warnings and errors still on screen, forgotten here (the caller clears the toasts
        and says them again later; :meth:`notify` does not record them a second time)."""
        now = time.monotonic()
        held = [(message, title, severity) for message, title, severity, until in self._standing
                if until > now]
        self._standing = []
        with self._said:
            self._repeats.extend(held)
        return held

    def kept(self, key: str) -> dict[str, Any]:
        return self._kept.setdefault(key, {})

    def withdraw(self, message: str) -> None:
        """Take back the toast saying ``message``: a step's refusal once its next run starts (it
        stayed up beside "✔ ...: done." of that run). Textual has no public way to remove one
        toast, so all go (``clear_notifications``) and the other warnings still up are said again,
        as before a confirmation (screens.base.open_wizard)."""
        now = time.monotonic()
        message = scrub(message)  # as notify kept it
        if not any(said == message and until > now for said, _t, _s, until in self._standing):
            return  # gone already (timed out): the other toasts stay as they are
        held = self.take_standing_warnings()
        with self._said:  # not said again: said anew later (the next run's refusal), it is kept
            self._repeats = [repeat for repeat in self._repeats if repeat[0] != message]
        self.clear_notifications()
        for said, title, severity in held:
            if said != message:
                self.notify(said, title=title, severity=severity)

    def _handle_exception(self, error: Exception) -> None:
        """A bug ends the app with a plain, scrubbed traceback.

        Textual's own crash report shows every frame's local variables, which may hold a
        passphrase or a token; this one shows code lines only, through the secret scrubber.
        (Overrides a private Textual hook; tests/test_tui_home.py checks it still applies.)
        """
        from services.secrets import scrub

        self._return_code = 70  # as the CLI: an unexpected error (a bug)
        if self._exception is None:
            self._exception = error
            self._exception_event.set()
        self.bell()
        report = scrub("".join(traceback.format_exception(error)))
        self._exit_renderables.append(Text(
            "Release Console stopped on an unexpected error (a bug: please report it). "
            "Your session and journal are as the last finished action left them.\n\n" + report))
        self._close_messages_no_wait()

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The command palette offers the hotfix and the wizards the home screen has keys for; on
        the signing workstation not the hotfix, the yank or the promotion, which start on the
        online machine (or edit GitHub)."""
        from screens.messages import MessagesScreen

        yield from super().get_system_commands(screen)
        if not isinstance(screen, MessagesScreen):
            yield SystemCommand("Messages said so far", "Every message and warning of this "
                                "session again, newest first (toasts go after a few seconds)",
                                self.action_messages)
        home = self.screen_stack[0] if self.screen_stack else None
        online = not (isinstance(home, HomeScreen) and home.offline)
        if online:
            yield SystemCommand("Start a hotfix", "Branch from a shipped tag, pick the fix, ship "
                                "the patch and bring the default branch up to date",
                                self.action_start_hotfix)
        if isinstance(home, HomeScreen):
            if online:
                yield SystemCommand("Yank a release", "Withdraw a published release (nothing is "
                                    "deleted)", home.action_yank)
                yield SystemCommand("Promote a release candidate", "Start the stable release on "
                                    "an rc's commit", home.action_promote)
            yield SystemCommand("Import a hand-off bundle", "Verify a bundle from the other "
                                "workstation, then resume the release here",
                                home.action_import_bundle)
            yield SystemCommand("Summary of the last release", "URL, tag, signer, digests, the "
                                "journal head, and p to push what it left", self.action_summary)
            if home.journal:  # every step is stopped on it: `journal repair`, as in the CLI
                yield SystemCommand("Repair the journal", "Set aside a last entry a crash cut "
                                    "off (shows the plan and asks first)",
                                    home.action_repair_journal)

    def action_messages(self) -> None:
        """The session's messages again, on their own screen (Escape goes back)."""
        from screens.messages import MessagesScreen

        self.push_screen(MessagesScreen(self.messages))

    def action_summary(self) -> None:
        from screens.summary import SummaryScreen

        self.push_screen(SummaryScreen())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "hide_keys":  # otherwise Escape falls through to the screen (Back, cancel)
            return bool(self.screen.query("HelpPanel"))
        if action == "toggle_keys":  # not over Textual's own palette; F1_SHOWN where it fits
            return not isinstance(self.screen, SystemModalScreen) and (
                parameters != ("footer",) or footer_has_room(self))
        return super().check_action(action, parameters)

    def on_resize(self) -> None:
        """The footer's "f1 Keys" goes by the window's width (F1_SHOWN): asked again on a resize."""
        if self.screen_stack:
            self.screen.refresh_bindings()

    def action_hide_keys(self) -> None:
        """Escape closes the Keys panel (the command palette's "Keys") and does nothing else."""
        self.action_hide_help_panel()

    def action_toggle_keys(self, _where: str = "") -> None:
        """? or F1 opens the Keys panel (every key of the screen, as the palette's "Keys") and
        closes it again (``_where``: "footer" for the footer's F1, which is shown only where
        it fits)."""
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    def action_show_help_panel(self) -> None:
        """The Keys panel, with a class its screen lays out by: at 80x24 it squeezed the
        checklist's Step pane to four columns (home.tcss hides that pane meanwhile)."""
        super().action_show_help_panel()
        self.screen.add_class("-keys")

    def action_hide_help_panel(self) -> None:
        super().action_hide_help_panel()
        self.screen.remove_class("-keys")

    def action_start_hotfix(self) -> None:
        from screens.hotfix import open_hotfix

        open_hotfix(self)

    def action_quit_console(self) -> None:
        """``q`` quits from any screen; while a step runs it asks, then cancels it safely first."""
        from screens.step import StepScreen

        running = next((s for s in self.screen_stack
                        if isinstance(s, StepScreen) and s.running), None)
        if running is None:
            self.exit()
        else:
            running.request_quit()

    def get_default_screen(self) -> HomeScreen:
        """The home screen is the bottom of the stack: no blank default screen to paint first."""
        return HomeScreen()
