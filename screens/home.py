"""The home screen: the runbook as a checklist, the highlighted step's details beside it.

It draws a :class:`services.overview.Overview`, made from the same ``engine.views`` as
``release-console status``, so the TUI and the CLI can never disagree about what is blocked and
why. The first one usually comes from the process the TUI's entry point started before importing
Textual (``console.overview_child``), so the first frame is the checked checklist; every reload
works it out in a worker thread.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.reactive import reactive
from textual.screen import ModalScreen, Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from screens.base import attempt, host_of, open_wizard
from screens.footer import Footer
from screens.hanging import HangingStatic
from screens.home_left import with_left_unpushed
from screens.step_keys import OwnKeysFirst
from screens.widgets import STATUS_STYLE, SessionBar
from services.marks import MARKS
from services.step_status import StepStatus

HOME_CSS = Path(__file__).with_name("home.tcss")
FIRST_FRAME_WAIT = 0.3  # seconds the first frame may wait for the checked checklist

if TYPE_CHECKING:
    from services.overview import Overview, OverviewRow
    from services.step_protocol import Context


class HomeScreen(OwnKeysFirst, Screen[None]):
    BINDINGS = [
        Binding("s", "start", "Start"),
        Binding("n", "next_step", "Next"),
        Binding("x", "abandon", "Abandon…"),
        Binding("y", "yank", "Yank…"),
        Binding("p", "promote", "Promote…"),
        # with a release in progress p is the hotfix picker, where the Step pane says to press it
        Binding("p", "pick_fixes", "Pick…"),  # "Pick fixes…" cut "q Quit" at 80 columns
        Binding("c", "resolve_picks", "Continue…"),  # a pick stopped: screens/home_hotfix.py
        Binding("i", "import_bundle", "Import bundle…"),
        Binding("f5", "reload", "Refresh", show=False),
    ]
    CSS_PATH = HOME_CSS
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]  # the Keys panel's room: home.tcss

    class Loaded(Message):
        def __init__(self, overview: Overview) -> None:
            super().__init__()
            self.overview = overview

    # What the footer offers follows these (check_action): start and promote without a release
    # in progress, next and abandon with one, import while nothing runs or a step waits for the
    # other machine's bundle.
    has_session: reactive[bool] = reactive(False, bindings=True)
    waiting: reactive[bool] = reactive(False, bindings=True)
    can_start: reactive[bool] = reactive(True, bindings=True)  # not on the signing workstation
    done_here: reactive[bool] = reactive(False, bindings=True)  # signed here and sent back
    offline: reactive[bool] = reactive(False, bindings=True)  # no yank: it edits GitHub

    def __init__(self) -> None:
        super().__init__()
        self.rows: tuple[OverviewRow, ...] = ()
        self.next_id: str | None = None
        self.tag = ""
        self.journal = ""
        self.edited: tuple[str, ...] = ()
        self.away = False

    def compose(self) -> ComposeResult:
        yield SessionBar("Loading…", id="session-bar")
        with Horizontal(id="main"):
            yield OptionList(id="checklist")
            with VerticalScroll(id="detail"):
                yield HangingStatic(id="detail-text")
        yield Static("", id="message")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#checklist", OptionList).border_title = "Runbook"
        self.query_one("#detail", VerticalScroll).border_title = "Step"
        # Checked by the entry point's child process, usually done by now: worth a short wait,
        # as the checked checklist is the first thing a captain reads.
        early = host_of(self.app).early_overview(within=FIRST_FRAME_WAIT)
        if early is not None:
            self.show_overview(early)
            return
        options = getattr(self.app, "options", None)  # the app's --repo/--config (console.wiring)
        if options is not None:  # the first frame lists the runbook; the worker checks it
            from screens.home_early import early_options

            self.query_one("#checklist", OptionList).set_options(
                early_options(options.repo, options.config))
        # Paint first, then load: opening git in a worker thread competes for the GIL with the
        # first frame, and a captain sees the layout sooner this way.
        self.call_after_refresh(self.action_reload)

    def on_screen_suspend(self) -> None:
        self.away = True

    def on_screen_resume(self) -> None:
        if self.away:  # back from a step screen: its work may have changed every status
            self.away = False
            self.action_reload()

    def action_reload(self) -> None:
        # A newer load wins: ``exclusive`` cancels the older worker, which then posts nothing.
        self._load()

    @work(thread=True, exclusive=True, group="home-load")
    def _load(self) -> None:
        from textual.worker import get_current_worker

        host = host_of(self.app)
        result = host.early_overview()  # the child's answer, on the first load only
        if result is None:
            from services.overview import checked_overview  # in the worker: not in frame one

            result = checked_overview(host.make_context)
        if not get_current_worker().is_cancelled:  # a newer load replaced this one
            self.post_message(self.Loaded(result))

    def on_home_screen_loaded(self, message: Loaded) -> None:
        self.show_overview(message.overview)

    def show_overview(self, overview: Overview) -> None:
        """Draw the checklist, the headline and the line below it; follow the runbook when a
        step finished since the last one."""
        bar = self.query_one("#session-bar", SessionBar)
        note = self.query_one("#message", Static)
        if overview.error:
            self.can_start = False  # a start would stop on the same problem
            bar.update("Release Console")
            self.query_one("#checklist", OptionList).clear_options()  # no early rows beside it
            self.query_one("#detail-text", Static).update(Text(overview.error, style="bold red"))
            note.update(Text("Fix the problem above, then press F5.", style="yellow"))
            return
        bar.update(overview.header)
        moved_on = overview.next_id != self.next_id  # a step finished: follow the runbook
        # another runbook (a session ended, another kind started): the cursor's row is another
        # step there, so it goes to the step to do now or the first (walked: the pane showed the
        # step of the runbook gone)
        changed = bool(self.rows) and [r.id for r in overview.rows] != [r.id for r in self.rows]
        # the release ended (walked: after the summary the pane still showed "Push commit and
        # tag ... irreversible", the row last opened, with nothing in progress): back to the top
        changed = changed or (self.has_session and not overview.has_session)
        self.rows, self.next_id = overview.rows, overview.next_id
        self.has_session = overview.has_session
        self.can_start = overview.can_start
        self.offline = overview.offline
        self.waiting = overview.waits_for_bundle
        self.tag = overview.tag
        self.journal = overview.journal
        self.edited = overview.edited
        checklist = self.query_one("#checklist", OptionList)
        keep = None if changed else checklist.highlighted
        checklist.set_options(self._option(row) for row in self.rows)
        if keep is None or (moved_on and self.next_id is not None):
            keep = next((i for i, r in enumerate(self.rows) if r.id == self.next_id), 0)
        checklist.highlighted = keep
        self.done_here = bool(self.has_session and overview.idle)
        nxt = next((row.title for row in self.rows if row.id == self.next_id), self.next_id)
        if self.journal:  # as `status` says it: nothing runs until the journal verifies
            note.update(Text(self.journal, style="bold red"))
        elif self.has_session and not self.done_here and self.waiting and self.next_id:
            # the step to do now is the other machine's: "n opens the next one" sent the captain
            # to a screen that only says so
            from services.workstation import other_machine

            other = other_machine(self.offline)
            note.update(Text(f"Next: {nxt}, on {other}: carry the bundle there and "
                             "import it (i there). When its bundle comes back, press i here.",
                             style="bold"))
        elif self.has_session and not self.done_here:
            said = (f"Next: {nxt}. Enter opens a step; n opens the next one."
                    if self.next_id else "Every step is done, but the release is not recorded as "
                    "finished yet (the run that finished the last step was stopped first): "
                    "press n to record it.")
            note.update(with_left_unpushed(Text(said, style="bold"), overview))
        else:
            note.update(with_left_unpushed(Text(overview.idle, style="bold"), overview))
        self._show_detail(checklist.highlighted)
        checklist.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The footer offers what applies instead of a notification after the key. Keys that
        cannot apply while a release is (or is not) in progress leave it (an 80-column footer has
        no room for them greyed out); importing greys out while no step waits for a bundle."""
        if action in ("start", "promote"):
            return not self.has_session and self.can_start
        if action in ("next_step", "abandon"):  # not for a release signed and sent back
            return self.has_session and not self.done_here
        if action == "import_bundle":
            return not self.has_session or self.waiting or None
        if action == "yank":  # GitHub is out of reach here: the online machine yanks
            return not self.offline
        if action in ("pick_fixes", "resolve_picks"):  # what the hotfix branch's pane says
            from screens.home_hotfix import highlighted_says, picks_wanted
            from services.steps.hotfix_branch import CONTINUE_HERE

            wanted = picks_wanted(self) if action == "pick_fixes" else \
                highlighted_says(self, CONTINUE_HERE)
            return self.has_session and not self.done_here and wanted
        return True

    def _option(self, row: OverviewRow) -> Option:
        status = row.status or StepStatus.NOT_STARTED
        line = Text(f"{MARKS.get(status, '?')} ", style=STATUS_STYLE.get(status, ""))
        line.append(row.title)  # the mark says the status; the panel beside says why
        return Option(line, id=row.id)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        # the row highlighted now: an event from before the rows changed names an old index
        self._show_detail(event.option_list.highlighted)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self._open(event.option_index)

    def _show_detail(self, index: int | None) -> None:
        if index is None or not 0 <= index < len(self.rows):
            return
        from screens.home_detail import detail_text

        self.query_one("#detail-text", Static).update(detail_text(self.rows[index]))
        self.refresh_bindings()  # p picks fixes on the hotfix branch step only

    def _open(self, index: int | None) -> None:
        if index is None or not 0 <= index < len(self.rows):
            return
        # the engine would refuse every step: say why here, open nothing but an edited step
        # (its screen's o runs it again)
        if self.journal and self.rows[index].id not in self.edited:
            self.notify(self.journal, severity="error", timeout=15)
            return
        from screens.step import screen_for

        row = self.rows[index]
        self.app.push_screen(screen_for(row.id, now=row.status if row.id == self.next_id else None))

    def action_next_step(self) -> None:
        if self.next_id is None:  # every step finished, the release still active: a stopped run
            self._complete()
            return
        self._open(next(i for i, r in enumerate(self.rows) if r.id == self.next_id))

    def action_start(self) -> None:
        from screens.start import StartScreen  # only when asked: keeps the first frame quick

        self._start_with(StartScreen(), "Started")

    def action_yank(self) -> None:
        from screens.yank import YankScreen  # only when asked: keeps the first frame quick

        open_wizard(self.app, YankScreen())

    def action_promote(self) -> None:
        from screens.promote import PromoteScreen

        self._start_with(PromoteScreen(), "Started promote")

    def action_pick_fixes(self) -> None:
        from screens.hotfix import open_hotfix

        open_hotfix(self.app)  # the checklist reloads when the picker closes

    def action_resolve_picks(self) -> None:
        from screens.home_hotfix import open_conflict

        open_conflict(self)

    def action_import_bundle(self) -> None:
        """A hand-off bundle, also on a fresh offline clone with no session yet."""
        from screens.bundle_import import BundleImportScreen

        def imported(tag: str | None) -> None:
            if tag:
                self.notify(f"Imported {tag}; the release continues here.")
            self.action_reload()

        open_wizard(self.app, BundleImportScreen(), imported)

    def _start_with(self, dialog: ModalScreen[str | None], said: str) -> None:
        """Open a dialog that starts a session (the key is greyed out while one is in progress;
        one started elsewhere meanwhile is refused by the dialog's own start)."""

        def started(result: str | None) -> None:
            if result:
                self.notify(f"{said} {result}.")
            self.action_reload()

        open_wizard(self.app, dialog, started)

    def action_abandon(self) -> None:
        """The dialog opens at once and works out what abandoning leaves behind itself: opened
        after that worker, the keys typed after ``x`` (the reason) went to the checklist
        meanwhile, where ``n`` opened the next step."""
        from screens.abandon import AbandonScreen
        from screens.prompts import ask_reason

        tag = self.tag
        ask_reason(self.app, AbandonScreen(tag), lambda reason: self._abandon(tag, reason))

    @work(thread=True, exclusive=True, group="home-abandon")
    def _abandon(self, tag: str, reason: str) -> None:
        from services.session_lifecycle import abandon_release

        left, refused = attempt(self.app, lambda ctx: abandon_release(ctx, tag, reason))
        said = f"Abandoned {tag}; its record is kept."
        if left is not None and not left.empty:  # as the dialog said, with the commands again
            said += " " + left.summary()
        self.post_message(Said(refused or said, ok=not refused, timeout=20))

    @work(thread=True, exclusive=True, group="home-complete")
    def _complete(self) -> None:
        """`next` with nothing left to run: record the release as finished, as the CLI does."""
        from services.completion import complete_stopped

        done, refused = attempt(self.app, complete_stopped)
        self.post_message(Said(refused or done or "Every step is done.", ok=not refused))

    def action_repair_journal(self) -> None:
        """``journal repair`` from the command palette: the same plan, asked, then done."""
        self._repair_journal()

    @work(thread=True, exclusive=True, group="home-repair")
    def _repair_journal(self) -> None:
        from screens.prompts import ask_from_thread
        from services.journal_repair import repair_plan, require_cut_tail, set_aside

        def repair(ctx: Context) -> str:
            session = ctx.require_session()
            tail = require_cut_tail(ctx.journal, session)
            if not ask_from_thread(self.app, "Set the cut-off entry aside?", repair_plan(tail),
                                   irreversible=False):
                return "Nothing was changed."
            set_aside(ctx.recorder(session))
            return f"Set aside in {tail.kept_in}; the journal verifies again."

        said, refused = attempt(self.app, repair)
        self.post_message(Said(refused or said or "", ok=not refused))

    def on_said(self, message: Said) -> None:
        self.notify(message.text, severity="information" if message.ok else "error",
                    timeout=message.timeout)
        self.action_reload()


class Said(Message):
    """A home worker that changes the release (abandon, journal repair) finished, or was
    refused: say so, for ``timeout`` seconds at least, and reload the checklist."""

    def __init__(self, text: str, *, ok: bool, timeout: float | None = None) -> None:
        super().__init__()
        self.text, self.ok, self.timeout = text, ok, timeout
