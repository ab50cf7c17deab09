"""The yank wizard: withdraw a published release without deleting anything.

Pick a release (GitHub's published ones, yanked ones marked), give the reason and the replacement
(the next patch is suggested; an older one only when ticked as on purpose), then see both changes
side by side before anything happens: what GitHub will show (banner, flags, and which release
becomes latest) and the CHANGELOG diff. Under 100 columns the two previews are stacked; under 34
rows the list and the form step aside once previewed (one line says what was chosen, ``e`` brings
them back), so at 80x24 both previews are readable, each scrolls, and ``y`` stays in the footer.
Confirming runs both halves through ``services.yank`` (the same code as ``release-console yank``),
then asks to push the note's commit (naming it), and finally offers to start the replacement
hotfix. Deleting a tag or an asset is never offered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import Resize
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from screens.base import attempt, host_of, said
from screens.footer import Footer
from screens.step_keys import OwnKeysFirst
from screens.widgets import CutPane, TabbedField, TickBox
from screens.yank_panes import fill_resumed, github_text, resumed_choice, show_diff, title_panes
from services.errors import ConsoleError

YANK_CSS = Path(__file__).with_name("yank.tcss")
TALL = 34  # rows from which the list and the form stay beside the preview

if TYPE_CHECKING:
    from services.yank import PreparedYank
    from services.yank_choices import ReleaseChoice
    from services.yank_push import NoteCommit
    from services.yank_resume import UnfinishedYank


class YankScreen(OwnKeysFirst, Screen[None]):
    """The wizard; its messages carry results from its worker threads."""

    BINDINGS = [Binding("escape", "dismiss", "Back"),
                Binding("y", "confirm", "Yank (after a preview)"),
                Binding("e", "edit", "Edit")]
    CSS_PATH = YANK_CSS
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]  # classes yank.tcss lays out by
    VERTICAL_BREAKPOINTS = [(0, "-short"), (TALL, "-tall")]

    @dataclass
    class Listed(Message):
        choices: list[ReleaseChoice]
        error: str
        unfinished: UnfinishedYank | None = None  # a yank killed between its halves

    @dataclass
    class Suggested(Message):
        tag: str
        replacement: str
        why: str = ""

    @dataclass
    class Prepared(Message):
        prepared: PreparedYank | None
        error: str

    @dataclass
    class Done(Message):
        lines: list[str]
        note: NoteCommit | None
        error: str
        github: dict[str, Any] = field(default_factory=dict)  # what its GitHub half read back
        in_progress: str = ""  # the release session active after it: no hotfix can start

    @dataclass
    class Pushed(Message):
        error: str

    def __init__(self) -> None:
        super().__init__()
        self.choices: list[ReleaseChoice] = []
        self.chosen: ReleaseChoice | None = None
        self.prepared: PreparedYank | None = None
        self.note: NoteCommit | None = None
        # the replacement this screen filled in itself: a later suggestion may replace it, never
        # a version the captain typed
        self.suggested = ""
        self.yanked = False  # the previewed yank is done: y has nothing left to do
        self.shown: PreparedYank | None = None  # the preview on screen, kept after an edit
        self.resumed: ReleaseChoice | None = None  # its yank was interrupted: finished here
        self.in_progress = ""  # a session active after the yank: start_release refuses a hotfix

    def compose(self) -> ComposeResult:
        yield Label("Yank a release: it stays downloadable and verifiable; nothing is deleted.",
                    id="title")
        with Horizontal(id="top"):
            yield OptionList(id="releases")
            with Vertical(id="form"):
                # short enough for the field at 80 columns (the longer one was cut mid-example)
                yield TabbedField(placeholder="Reason, e.g. unlock corrupts data", id="reason")
                yield TabbedField(placeholder="Replacement version, e.g. 1.2.1", id="replacement")
                yield TickBox("Older on purpose (a downgrade)", id="older")
        yield Static("", id="chosen", markup=False)  # short screens: the hidden form, in a line
        with Horizontal(id="preview"):
            # Out of the Tab order until there is a preview to scroll: Tab from the form goes
            # to Preview, not through two empty panes.
            with CutPane(id="github-side", classes="side", can_focus=False):
                yield Static("Pick a release, give a reason, then Preview.", id="github")
            with CutPane(id="changelog-side", classes="side", can_focus=False):
                yield Static("", id="diff", markup=False)
        yield Static("", id="message")
        with Horizontal(id="buttons"):
            yield Button("Preview", id="preview-button", variant="primary")
            yield Button("Yank", id="confirm", variant="warning", disabled=True)
        yield Footer()

    def on_resize(self, event: Resize) -> None:
        """Short screens: the buttons lose their frame (two rows more for the preview). Runs
        before Textual sets the breakpoint classes, so it reads the new size itself."""
        for button in self.query(Button):
            button.compact = event.size.height < TALL
        self.call_after_refresh(self._show_diff)  # wrapped at the pane's new width

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "edit":  # only where the form stepped aside for the preview, and only
            # before the yank: after it, GitHub shows what was previewed (no form to go back to)
            return self.has_class("-short") and self.has_class("-previewed") and not self.yanked
        if action == "confirm" and self.yanked:  # greyed: a second y only said "already there"
            return None
        return True

    def action_edit(self) -> None:
        self.remove_class("-previewed")
        self.refresh_bindings()
        self.query_one("#reason", Input).focus()

    def on_mount(self) -> None:
        self.query_one("#releases", OptionList).border_title = "Published releases"
        title_panes(self)
        self._say("Asking GitHub for the published releases…")
        self._list()

    def _say(self, text: str, style: str = "bold") -> None:
        self.query_one("#message", Static).update(Text(text, style=style))

    # --- 1. pick a release ---------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="yank-list")
    def _list(self) -> None:
        from services.yank_choices import published_releases
        from services.yank_resume import unfinished_yank

        choices, error = attempt(self.app, published_releases)
        unfinished, _ = attempt(self.app, lambda ctx: unfinished_yank(ctx.store))
        self.post_message(self.Listed(choices or [], error, unfinished))

    def on_yank_screen_listed(self, message: Listed) -> None:
        if message.error:
            self._say(message.error, "bold red")
            return
        self.choices = message.choices
        releases = self.query_one("#releases", OptionList)
        releases.set_options(Option(c.label, id=c.tag) for c in self.choices)
        if not self.choices:
            self._say("GitHub shows no published release of this project to yank.", "yellow")
            return
        self.resumed = resumed_choice(self.choices, message.unfinished)
        if self.resumed is not None and message.unfinished is not None:
            self.chosen = self.resumed
            self._say(fill_resumed(self, self.choices, message.unfinished))
            return
        self._say("Pick the release to yank (Enter).")
        # highlighted, so Enter picks at once (the newest not yet yanked), as the line says
        releases.highlighted = next((i for i, c in enumerate(self.choices) if not c.yanked), 0)
        releases.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        choice = self.choices[event.option_index]
        self._reset_preview()
        if choice.yanked and choice != self.resumed:
            self.chosen = None
            self._say(f"{choice.tag} is already yanked; nothing to do.", "yellow")
            return
        self.chosen = choice
        self._say(f"Yank {choice.tag}: give the reason (a replacement is being suggested).")
        # at once, not when the suggestion comes: a captain types on while the worker asks
        self.query_one("#reason", Input).focus()
        self._suggest(choice)

    @work(thread=True, exclusive=True, group="yank-suggest")
    def _suggest(self, choice: ReleaseChoice) -> None:
        from services.yank_choices import suggest_replacement

        try:
            suggestion, why = suggest_replacement(host_of(self.app).make_context(),
                                                  choice.version, self.choices)
        except ConsoleError:
            suggestion, why = "", ""
        self.post_message(self.Suggested(choice.tag, suggestion, why))

    def on_yank_screen_suggested(self, message: Suggested) -> None:
        if self.chosen is None or self.chosen.tag != message.tag:
            return
        replacement = self.query_one("#replacement", Input)
        if replacement.value.strip() not in ("", self.suggested):  # typed while it was asked
            self._say(f"Yank {message.tag}: give the reason; the replacement is the one you "
                      "typed.")
            return
        replacement.value = self.suggested = message.replacement
        self._say(f"Yank {message.tag}: give the reason; the replacement suggested is "
                  f"{message.why or 'yours to give'}.")

    # --- 2. preview both changes ----------------------------------------------------------------
    def on_input_changed(self) -> None:
        self._reset_preview()

    def on_checkbox_changed(self) -> None:
        self._reset_preview()

    def _reset_preview(self) -> None:
        """Anything edited after a preview needs a new preview before it can be confirmed."""
        self.prepared = None
        self.query_one("#confirm", Button).disabled = True
        title_panes(self, stale=self.shown is not None and not self.yanked)
        if self.has_class("-previewed"):
            self.remove_class("-previewed")
            self.refresh_bindings()

    def on_input_submitted(self) -> None:
        self.action_preview()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "preview-button":
            self.action_preview()
        elif event.button.id == "confirm":
            self.action_confirm()

    def action_preview(self) -> None:
        from services.yank import YankRequest

        if self.chosen is None:
            self._say("Pick a release first.", "yellow")
            return
        request = YankRequest(self.chosen.version, self.query_one("#reason", Input).value,
                              self.query_one("#replacement", Input).value,
                              allow_older=self.query_one("#older", Checkbox).value)
        self._say("Checking the yank with GitHub and the CHANGELOG…")
        self._prepare(request)

    @work(thread=True, exclusive=True, group="yank-prepare")
    def _prepare(self, request: object) -> None:
        from services.yank import YankRequest, prepare_yank

        assert isinstance(request, YankRequest)
        prepared, error = attempt(self.app, lambda ctx: prepare_yank(ctx, request))
        self.post_message(self.Prepared(prepared, error))

    def on_yank_screen_prepared(self, message: Prepared) -> None:
        if message.prepared is None:
            self._say(message.error, "bold red")
            return
        prepared = self.prepared = self.shown = message.prepared
        self.yanked = False
        title_panes(self)
        self._show_github(prepared)
        self._show_diff(to_change=True)
        self.query_one("#confirm", Button).disabled = False
        self.query_one("#chosen", Static).update(
            f"{prepared.tag}: {prepared.reason} · replacement {prepared.replacement} "
            "(e edits them)")
        self.add_class("-previewed")
        self.refresh_bindings()
        # out of the text fields, so y answers (never Enter: it cannot be undone); arrows scroll
        for side in self.query(".side").results(VerticalScroll):
            side.can_focus = True
        # the CHANGELOG side first: GitHub's is a few lines, the diff is what may need scrolling
        self.query_one("#changelog-side", VerticalScroll).focus()
        # said with the question (not in a pane that may be cut): users are sent to it at once
        warning = f"⚠ {prepared.replacement_note} " if prepared.replacement_note else ""
        self._say(warning + prepared.question + " y (or the Yank button): yank it · Escape: "
                  "leave it.", "bold yellow")

    def _show_diff(self, *, to_change: bool = False) -> None:
        """The CHANGELOG pane (screens/yank_panes.py), for the preview on screen."""
        if self.shown is not None:
            show_diff(self, self.shown, to_change=to_change)

    def _show_github(self, prepared: PreparedYank, done: dict[str, Any] | None = None) -> None:
        """The GitHub pane: what it will show, or once ``done`` what it shows now."""
        self.query_one("#github", Static).update(github_text(prepared, done))

    # --- 3. confirm, apply, push, hand off ------------------------------------------------------
    def action_confirm(self) -> None:
        if self.prepared is None:
            self._say("Preview the yank first: nothing is done without seeing it.", "yellow")
            return
        if self.yanked:
            return
        self.query_one("#confirm", Button).disabled = True
        self._say(f"Yanking {self.prepared.tag}…")
        self._carry_out(self.prepared)

    @work(thread=True, exclusive=True, group="yank-run")
    def _carry_out(self, prepared: PreparedYank) -> None:
        from services.yank import carry_out
        from services.yank_push import in_progress, note_commit

        lines: list[str] = []
        try:
            ctx = host_of(self.app).make_context()
            outcome = carry_out(ctx, prepared, lambda line, _warning: lines.append(line))
            note = note_commit(ctx)
        except ConsoleError as err:
            self.post_message(self.Done(lines, None, said(err)))
            return
        self.post_message(self.Done(outcome.lines + outcome.warnings, note, "",
                                    dict(outcome.github or {}), in_progress(ctx)))

    def on_yank_screen_done(self, message: Done) -> None:
        if message.error:
            self._say(message.error, "bold red")
            return
        self._say(" ".join(message.lines) or "Yanked.", "bold green")
        if self.prepared is not None and message.github:
            self._show_github(self.prepared, message.github)
        self.yanked = True
        self.refresh_bindings()
        self.note = message.note
        self.in_progress = message.in_progress
        if message.note is None:
            self._offer_hotfix()
            return
        from screens.prompts import ConfirmScreen
        from services.step_protocol import Plan

        note = message.note
        plan = Plan(summary="\n".join([f"The CHANGELOG note goes up to {note.branch} on "
                                       f"{note.remote}.", *note.going_up]),
                    commands=[f"git push {note.remote} {note.sha}:refs/heads/{note.branch}"],
                    notes=["Fast-forward only; nothing is force-pushed or deleted."])
        # a push cannot be undone: only y goes ahead, as for every other push
        self.app.push_screen(ConfirmScreen(note.question, plan, irreversible=True),
                             self._pushed_answer)

    def _pushed_answer(self, yes: bool | None) -> None:
        note = self.note  # asked only about a note this yank committed
        if note is None:
            return
        if yes:
            self._push(note)
            return
        # left to the captain: the command the confirmation showed, not "push it yourself"
        self._say(f"The yank note {note.sha[:12]} is committed but not pushed; users read the "
                  f"CHANGELOG on {note.branch}, so push it from a shell: git push {note.remote} "
                  f"{note.sha}:refs/heads/{note.branch}", "yellow")
        self._offer_hotfix()

    @work(thread=True, exclusive=True, group="yank-push")
    def _push(self, note: NoteCommit) -> None:
        from services.yank_push import push_note

        _done, error = attempt(self.app, lambda ctx: push_note(ctx, note))
        self.post_message(self.Pushed(error))

    def on_yank_screen_pushed(self, message: Pushed) -> None:
        if message.error:
            self._say(message.error, "bold red")
        elif self.note is not None:
            self._say(f"Pushed the yank note {self.note.sha[:12]}.", "bold green")
        self._offer_hotfix()

    def _offer_hotfix(self) -> None:
        from screens.yank_hotfix import HotfixOffer

        if self.prepared is None:
            return
        # none when users are sent to a release that exists, or to one no hotfix can make
        if self.prepared.replacement_released or not self.prepared.hotfix_base:
            return
        if self.in_progress:  # walked: offered, then refused "already in progress"
            return

        def started(tag: str | None) -> None:
            if tag:
                self._say(f"Started the replacement hotfix {tag}; Escape goes to its runbook.",
                          "bold green")

        self.app.push_screen(HotfixOffer(self.prepared.replacement, self.prepared.hotfix_base),
                             started)
