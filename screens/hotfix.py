"""Start a hotfix from the TUI: the version, the severity, then the picker; and the conflict screen.

The picker lists the commits on the default branch since the base tag, newest first, with subject,
author, date and files (the console's own bookkeeping commits left out, in a line that says so):
space picks (or unpicks) the highlighted commit, enter goes on. Starting and picking go through
the same ``start_hotfix`` and ``hotfix-branch`` step as ``release-console hotfix``; a conflicting
pick opens :class:`screens.hotfix_conflict.ConflictScreen`, which lists the files and offers
continue (after resolving them in an editor) or abort.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, OptionList, Select, Static
from textual.widgets.option_list import Option

from screens.base import attempt, host_of, open_wizard, said
from screens.footer import Footer
from screens.hanging import hanging
from screens.hotfix_conflict import ConflictScreen
from screens.prompts import ask_from_thread
from screens.step_keys import OwnKeysFirst
from screens.widgets import SessionBar, VersionField
from services import engine, versions
from services.asks import question
from services.errors import ConsoleError
from services.hotfix import picks
from services.hotfix.bookkeeping import left_out_sentence
from services.hotfix.clock import SEVERITIES
from services.hotfix.picks import Candidate
from services.hotfix.plan import base_tag_for
from services.hotfix.start import HotfixRequest, start_hotfix
from services.step_protocol import Context
from services.step_status import FINISHED

HOTFIX_CSS = Path(__file__).with_name("hotfix.tcss")

SEVERITY_CHOICES = [("no security clock", ""), *((s, s) for s in SEVERITIES)]

# A picker row's lead: "[x] sha10 " on the subject's line, the indent on the author's (as wide,
# so author, date and files sit under the subject, not the sha). A long subject hangs under its
# own text, never under the box: the box column is where a captain looks for what is ticked
# (walked at 80 columns). Hung, not cut with an ellipsis: the words that tell two fixes of one
# area apart ("two retries", "three retries") are often the last.
PICK_LEAD = re.compile(r"\[[ x]\] \S+ | *")


def _suggestion(ctx: Context) -> tuple[str, str]:
    """(the version a hotfix would get, what the screen says about it)."""
    last = versions.highest_release(ctx.repo.tags(), ctx.policy.tag_format)
    if last is None:
        return "", "No release tag yet: there is nothing to fix."
    return (str(last.bump_patch()),
            f"Last release: {ctx.policy.tag_for(str(last))}. A hotfix ships the next patch of a "
            "shipped release from its tag.")


def _in_progress(ctx: Context, version: str) -> tuple[tuple[str, ...], str]:
    """The picks and the severity the hotfix of ``version`` in progress records, if it is."""
    from services.hotfix.clock import session_clock
    from services.hotfix.plan import KEY, hotfix_data

    session = ctx.session  # loaded by make_context: a damaged file is its problem, not a crash
    if session is None or session.kind != "hotfix" or KEY not in session.data or \
            session.version != str(versions.parse_version(version)):
        return (), ""
    clock = session_clock(session)
    return tuple(hotfix_data(session, ctx.policy).picks), clock.severity if clock else ""


class PickList(OptionList, inherit_bindings=False):
    """The picker's list of commits: its keys only move the highlight, and are listed last in
    the Keys panel under "Scrolling" (:class:`screens.step_keys.OwnKeysFirst`). Enter is the
    screen's ("Go on", with the picked commits), not the list's "Select": walked at 80x24, ?
    listed the list's keys first and the picker's own last, below the scroll keys."""

    BINDING_GROUP_TITLE = "Scrolling"
    BINDINGS: ClassVar[list[BindingType]] = [
        binding for binding in OptionList.BINDINGS
        if not isinstance(binding, Binding) or binding.key != "enter"]


class HotfixScreen(OwnKeysFirst, Screen[str | None]):
    """Dismisses with the hotfix tag once its branch is made, or None when left."""

    BINDINGS = [
        Binding("escape", "cancel", "Back"),
        Binding("space", "pick", "Pick/unpick", show=True),
        Binding("enter", "go_on", "Go on", show=False),
    ]
    CSS_PATH = HOTFIX_CSS

    @dataclass
    class Suggested(Message):
        version: str
        text: str

    @dataclass
    class Listed(Message):
        base: str
        commits: list[Candidate]
        error: str
        left_out: str = ""  # the console's own commits, not listed: the sentence that says so
        # the hotfix of this version in progress: its recorded picks and severity, shown as they
        # are (an empty picker over a made branch read as if nothing was picked)
        picked: tuple[str, ...] = ()
        severity: str = ""
        branch: str = ""  # the default branch the commits are listed from
        version: str = ""  # the hotfix version they are listed for (the field's at Enter)

    @dataclass
    class Started(Message):
        tag: str
        error: str
        conflicts: list[str]
        declined: bool = False  # the captain said no to the branch's plan
        resumed: bool = False  # the hotfix was in progress already: picked up where it stopped
        # in progress, but started with nothing picked (the yank wizard's replacement hotfix):
        # these are its first picks, and nothing had stopped
        first_picks: bool = False

    def __init__(self) -> None:
        super().__init__()
        self.commits: list[Candidate] = []
        self.picked: list[str] = []
        self.base = ""
        self.listed = ""  # the version the commits on show were listed for: the one started
        self.busy = False

    def compose(self) -> ComposeResult:
        yield SessionBar("Start a hotfix", id="session-bar")
        with Vertical(id="form"):
            yield Static("", id="suggestion")
            with Horizontal():
                yield VersionField(placeholder="Hotfix version, e.g. 1.3.1", id="version")
                yield Select(SEVERITY_CHOICES, value="", allow_blank=False, id="severity")
        yield PickList(id="commits")
        yield Static("", id="left-out")
        yield Static("Type the version and press enter to list the commits.",
                     id="hotfix-message")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#commits", OptionList).border_title = "Commits to pick"
        self.query_one("#version", Input).focus()
        self._suggest()

    @work(thread=True)
    def _suggest(self) -> None:
        suggestion, error = attempt(self.app, _suggestion)
        self.post_message(self.Suggested(*(suggestion or ("", error))))

    def on_hotfix_screen_suggested(self, message: Suggested) -> None:
        self.query_one("#suggestion", Static).update(Text(message.text))
        version = self.query_one("#version", Input)
        if message.version and not version.value:
            version.value = message.version
            self._submit(message.version)  # the version is there: no key to list its commits

    def on_input_submitted(self, event: Input.Submitted) -> None:
        # as the field was at Enter, not after keys typed behind it (the field keeps the focus
        # until the list comes): it read the field when the message was handled
        self._submit(event.value)

    def _submit(self, version: str) -> None:
        self._say("Listing the commits…")
        self._list(version.strip())

    @work(thread=True, exclusive=True, group="hotfix-list")
    def _list(self, version: str) -> None:
        try:
            ctx = host_of(self.app).make_context()
            base = base_tag_for(ctx.policy, str(versions.parse_version(version)),
                                ctx.repo.tags())
            found, own, shipped = picks.listing(ctx.repo, base,
                                                ctx.policy.project.default_branch,
                                                tag_format=ctx.policy.tag_format)
        except ConsoleError as err:
            self.post_message(self.Listed("", [], said(err)))
            return
        picked, severity = _in_progress(ctx, version)
        left_out = " ".join(filter(None, (left_out_sentence([c.subject for c in own]),
                                          picks.shipped_sentence(base, shipped))))
        self.post_message(self.Listed(base, found, "", left_out, picked, severity,
                                      ctx.policy.project.default_branch, version))

    def on_hotfix_screen_listed(self, message: Listed) -> None:
        if message.error:
            self._say(message.error, error=True)
            return
        self.base, self.commits, self.listed = message.base, message.commits, message.version
        self.picked = [c.sha for c in self.commits if c.sha in message.picked]
        if message.severity:
            self.query_one("#severity", Select).value = message.severity
        self._render_commits()
        left_out = self.query_one("#left-out", Static)
        left_out.update(Text(message.left_out))
        left_out.display = bool(message.left_out)  # no empty row when nothing was left out
        listing = self.query_one("#commits", OptionList)
        listing.border_title = f"Commits on the default branch since {message.base}"
        if not self.commits:
            # the fix is written and committed outside the console: say so, and how to go on
            self._say(f"No commits since {message.base} to pick. Commit the fix on "
                      f"{message.branch} first (outside the console), then press enter in the "
                      "version field to list them again.", error=True)
            return
        listing.highlighted = 0
        listing.focus()
        now = (f"The hotfix in progress has {len(self.picked)} of these picked (ticked). "
               if self.picked else "")
        self._say(now + "Space picks the highlighted commit; enter goes on with the picked ones. "
                  "Another version: change it above and press enter.")

    def _render_commits(self, keep: int | None = None) -> None:
        listing = self.query_one("#commits", OptionList)
        options = []
        for c in self.commits:
            mark = "[x]" if c.sha in self.picked else "[ ]"
            line = Text(f"{mark} ", style="bold green" if c.sha in self.picked else "")
            line.append(f"{c.short[:10]} ", style="yellow")
            under = " " * line.cell_len  # the author's row starts under the subject, as it hangs
            line.append(c.subject, style="bold")
            line.append(f"\n{under}{c.author} · {c.date} · "
                        f"{', '.join(c.files[:4])}{' …' if len(c.files) > 4 else ''}",
                        style="dim")
            options.append(Option(hanging(line, lead=PICK_LEAD), id=c.sha))
        listing.set_options(options)
        if keep is not None:
            listing.highlighted = keep

    def action_pick(self) -> None:
        listing = self.query_one("#commits", OptionList)
        index = listing.highlighted
        if not listing.has_focus or index is None or not 0 <= index < len(self.commits):
            return
        sha = self.commits[index].sha
        if sha in self.picked:
            self.picked.remove(sha)
        else:
            self.picked.append(sha)
        self._render_commits(index)
        self._say(f"{len(self.picked)} picked. Enter goes on.")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.action_go_on()  # a click on a commit, as enter

    def action_go_on(self) -> None:
        """Starts the hotfix with the picked commits (enter on the list)."""
        if self.busy:
            return
        if not self.picked:
            self._say("Pick at least one commit with space first.", error=True)
            return
        # Picked in the order they were made (oldest first), as they landed on the branch.
        order = [c.sha for c in reversed(self.commits) if c.sha in self.picked]
        severity = self.query_one("#severity", Select).value
        typed = self.query_one("#version", Input).value.strip()
        if typed != self.listed:  # edited since the list: these picks are another version's
            now = f"the version field says {typed}" if typed else "the version field is empty"
            self._say(f"The commits listed are those of {self.listed}, but {now}: press enter "
                      f"in it to list that version's commits, or put {self.listed} back.",
                      error=True)
            return
        request = HotfixRequest(self.listed, order,
                                severity=severity if isinstance(severity, str) else "")
        self.busy = True
        # not "Making the hotfix branch…": its plan is asked first, and a "no" makes nothing
        self._say("Checking the picks; the branch's plan is asked before anything is made…")
        self._start(request)

    @work(thread=True, exclusive=True, group="hotfix-start")
    def _start(self, request: HotfixRequest) -> None:
        ctx = host_of(self.app).make_context()
        tag, resumed, first = "", False, False
        try:
            had = _in_progress(ctx, request.version)[0]  # the picks it records, before these
            session, resumed = start_hotfix(ctx, request)
            tag = session.tag
            first, resumed = resumed and not had, resumed and bool(had)
            made = session.steps.get("hotfix-branch")
            if made is not None and made.status in FINISHED:  # no plan left to ask again
                self.post_message(self.Started(tag, "", [], resumed=resumed))
                return
            step = engine.find_step(ctx, "hotfix-branch")
            plan = step.plan(ctx)  # a branch, cherry-picks and a commit: asked like every commit
            if plan.commands and not ask_from_thread(
                    self.app, question(step.id, ctx.policy, tag), plan, irreversible=False):
                self.post_message(self.Started(tag, "", [], declined=True, resumed=resumed,
                                               first_picks=first))
                return
            engine.run_step(ctx, step)
        except ConsoleError as err:
            conflicts = picks.unmerged(ctx.repo) if picks.in_progress(ctx.repo) else []
            self.post_message(self.Started(tag, said(err), conflicts,
                                           resumed=resumed, first_picks=first))
            return
        self.post_message(self.Started(tag, "", [], resumed=resumed, first_picks=first))

    def on_hotfix_screen_started(self, message: Started) -> None:
        self.busy = False
        if message.declined:  # the session stands; its branch step asks again when run
            said = ("Hotfix" if message.first_picks else
                    "Resumed hotfix" if message.resumed else "Started hotfix")
            self.notify(f"{said} {message.tag}; nothing was picked yet. Its branch step "
                        "(n) shows the plan and asks again.", timeout=8)
            self.dismiss(message.tag)
            return
        if message.conflicts:
            def resolved(tag: str | None) -> None:
                if tag:  # continued: the conflict screen said so, naming the pick that landed
                    self.dismiss(tag)  # (not "Resumed hotfix ... where it stopped")
                elif tag is None:
                    self._say("The picks were aborted; pick again, or leave with escape.")
                else:  # Escape: git's stopped pick is left for the captain, not aborted
                    self._say("The pick is still stopped on conflicts: resolve them, `git add` "
                              "them, then enter here (or c on the branch step) continues.",
                              error=True)

            self.app.push_screen(ConflictScreen(message.error, message.conflicts), resolved)
            return
        if message.error:
            self._say(message.error, error=True)
            return
        self._made(message.tag, message.resumed, first=message.first_picks)

    def _made(self, tag: str, resumed: bool, *, first: bool = False) -> None:
        """Says which it was: a captain who meant a new hotfix must know one was resumed; one
        started with nothing picked (from the yank wizard) had not stopped anywhere."""
        if first:
            self.notify(f"Picked the fixes of hotfix {tag}: its branch is made. Next: pre-flight.")
        elif resumed:
            # not "Next: pre-flight": resumed, pre-flight may be done already (walked)
            self.notify(f"Resumed hotfix {tag} where it stopped: its branch is made; n opens "
                        "the next step.")
        else:
            self.notify(f"Started hotfix {tag}: its branch is made. Next: pre-flight.")
        self.dismiss(tag)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.query_one("#hotfix-message", Static).update(
            Text(text, style="bold red" if error else "bold"))


def open_hotfix(app: App[None]) -> None:
    """Push the hotfix screen (it says what it started).

    The palette opens it over any screen, the hotfix-branch step's too (where a captain re-picks
    after an abort): whatever it started, picked, continued or aborted, the screen it closes to
    shows the hotfix as it is now, not as it was before (the home screen reloads on its own)."""
    beneath = app.screen

    def closed(_tag: str | None) -> None:
        if beneath.is_attached:
            show_anew(beneath)

    open_wizard(app, HotfixScreen(), closed)


def show_anew(screen: Screen[Any]) -> None:
    """After the picks changed under it, ``screen`` shows the hotfix as it is now: a step screen
    drops the result its last run left on the message line (a failed pick's words no longer
    hold once the branch is made) and reloads; any other screen with a reload reloads."""
    from screens.step import StepScreen

    if isinstance(screen, StepScreen):
        screen.result_shown = False
    reload = getattr(screen, "action_reload", None)
    if callable(reload):
        reload()
