"""A hotfix pick stopped on conflicts: which pick, the files, then continue or abort.

Opened by the picker (:mod:`screens.hotfix`) right after a pick stops, and by the hotfix-branch
step's screen (``c``) after a restart. Continue and abort go through
:mod:`services.hotfix.stopped`, as ``release-console hotfix --continue``/``--abort`` do.

After a continue this screen says what happened, whoever opened it: the stopped pick was
continued and which fix landed. Walked: the picker said "Resumed hotfix v1.3.1 where it stopped"
and the step screen "The hotfix branch for v1.3.1 is made", neither naming the pick.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from screens.base import attempt, host_of, said
from screens.footer import Footer
from screens.step_keys import KEYS, OwnKeysFirst
from services import engine
from services.errors import ConsoleError
from services.evidence.after import HotfixBranchEvidence
from services.hotfix import picks
from services.step_protocol import Context

HOTFIX_CSS = Path(__file__).with_name("hotfix.tcss")


class ConflictScreen(OwnKeysFirst, ModalScreen[str | None]):
    """A pick stopped on conflicts: the files, then continue (once resolved) or abort.

    Dismisses with the tag when the branch is made (having said so, see :func:`continued`),
    None after an abort, and "" on Escape (the pick is left stopped: the screen beneath must
    not say it was aborted)."""

    BINDINGS = [Binding("escape", "leave", "Back"),
                Binding("c", "press('continue')", "Continue"),
                Binding("a", "press('abort')", "Abort the picks"), KEYS]
    CSS_PATH = HOTFIX_CSS

    @dataclass
    class Done(Message):
        tag: str
        error: str
        conflicts: list[str]
        aborted: bool
        continued: str = ""  # what the continue did, in the captain's words

    @dataclass
    class Looked(Message):
        files: list[str]
        pick: str

    def __init__(self, message: str, files: list[str]) -> None:
        super().__init__()
        self.message, self.files = message, files
        self.pick = ""  # "sha12 (subject)" of the pick git stopped on, once looked up

    def on_mount(self) -> None:
        self._look()

    @work(thread=True, exclusive=True, group="hotfix-conflict-look")
    def _look(self) -> None:
        """The files as git has them now: the list it was opened with may be from before the
        captain resolved some in an editor (the step screen's last load)."""
        found, _ = attempt(self.app, lambda ctx: (picks.unmerged(ctx.repo),
                                                  picks.stopped_pick(ctx.repo))
                           if picks.in_progress(ctx.repo) else ([], ""))
        if found is not None:
            self.post_message(self.Looked(*found))

    def on_conflict_screen_looked(self, message: Looked) -> None:
        self.files, self.pick = message.files, message.pick
        self.query_one("#conflict-files", Static).update(self._text())

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("The cherry-pick stopped on conflicts", classes="title")
            yield Static(self._text(), id="conflict-files")
            yield Static("Resolve them in your editor and `git add` them, then Continue. Abort "
                         "puts the hotfix branch back as it was before the picks.\n"
                         "c: continue · a: abort the picks · Esc: back, leaving them as they are",
                         id="conflict-help")
            with Horizontal():
                yield Button("Abort the picks", id="abort", variant="error")
                yield Button("Continue", id="continue", variant="primary")
        # its own keys on the bottom row: walked at 80x24, the picker's under it offered
        # "space Pick/unpick", which picks nothing here
        yield Footer()

    def _text(self) -> Text:
        text = Text(f"Stopped on {self.pick}.\n" if self.pick else "")
        if not self.files:
            return text.append("No file is left in conflict: Continue commits the resolved "
                               "pick.\n", style="bold green")
        text.append("Conflicting files:\n", style="bold")
        for name in self.files:
            text.append(f"  • {name}\n", style="yellow")
        return text

    def action_press(self, button_id: str) -> None:
        self.query_one(f"#{button_id}", Button).press()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.query_one("#conflict-help", Static).update("Working…")
        self._act(event.button.id == "abort")

    @work(thread=True, exclusive=True, group="hotfix-conflict")
    def _act(self, abort: bool) -> None:
        from services.hotfix.stopped import abort_picks, continue_picks

        ctx = None
        try:  # the context too: a policy broken or a session damaged since the screen opened
            ctx = host_of(self.app).make_context()
            session = ctx.require_session()
            if abort:
                abort_picks(ctx)
                self.post_message(self.Done("", "", [], True))
                return
            stopped = picks.stopped_pick(ctx.repo)  # gone once continued: looked at first
            evidence = HotfixBranchEvidence.from_json(continue_picks(ctx))
        except ConsoleError as err:
            if ctx is None:  # nothing was done: the files are as last shown
                self.post_message(self.Done("", said(err), self.files, False))
                return
            conflicts = picks.unmerged(ctx.repo) if picks.in_progress(ctx.repo) else []
            self.post_message(self.Done("", said(err), conflicts, False))
            return
        self.post_message(self.Done(session.tag, "", [], False, continued(ctx, stopped,
                                                                          evidence)))

    def on_conflict_screen_done(self, message: Done) -> None:
        if message.aborted:
            self.dismiss(None)
            return
        if message.error:  # the files as they are now, also when none is left in conflict
            self.files = message.conflicts
            self.query_one("#conflict-files", Static).update(self._text())
            self.query_one("#conflict-help", Static).update(Text(message.error, style="red"))
            return
        self.notify(message.continued, timeout=8)
        self.dismiss(message.tag)

    def action_leave(self) -> None:
        self.dismiss("")  # left as it is: not None, which says the picks were aborted


def continued(ctx: Context, stopped: str, evidence: HotfixBranchEvidence) -> str:
    """What a continue did: the stopped pick ("sha12 (subject)") landed on the branch, the
    branch step is done, and what comes next. Not "resumed": the hotfix never stopped, its
    cherry-pick did."""
    tag = ctx.require_session().tag
    landed = (f"{stopped} landed on {evidence.branch}" if stopped else
              f"the picks are on {evidence.branch}")  # continued outside the console already
    others = len(evidence.picks) - 1
    more = "" if not stopped or others < 1 else \
        " with the other pick" if others == 1 else f" with the {others} other picks"
    try:  # the branch is made whatever this says: a failure here is not a failed continue
        nxt = engine.next_view(engine.views(ctx))
    except ConsoleError:
        nxt = None
    after = f" Next: {nxt.step.title}." if nxt is not None else " n opens the next step."
    return f"Continued the stopped pick of hotfix {tag}: {landed}{more}; its branch is made.{after}"
