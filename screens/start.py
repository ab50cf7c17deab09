"""Start a release: a version (or a bump from the last tag) and a channel.

The same ``start_release`` service as ``release-console start`` validates it, so a refused version
gets the very sentence the CLI would print, shown in the dialog.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Button, Input, Label, Select, Static
from textual.worker import get_current_worker

from screens.base import attempt, host_of, said
from screens.dialog import SessionDialog
from screens.widgets import VersionField
from services import versions
from services.completion import outcome_line
from services.errors import ConsoleError
from services.session_lifecycle import ReleaseRequest, latest_session, start_release
from services.step_protocol import Context

if TYPE_CHECKING:
    from services.bump_note import EntriesCall

START_CSS = Path(__file__).with_name("start.tcss")

# Each choice names what it chooses: the two lists stand side by side with no labels above them.
BUMP_CHOICES = [("exact version", ""), ("bump: patch", "patch"), ("bump: minor", "minor"),
                ("bump: major", "major")]


class StartScreen(SessionDialog):
    """Dismisses with the new tag, or None when cancelled."""

    CSS_PATH = START_CSS
    PRIMARY = "start"
    ERROR = "error"
    _suggestion_failed = False
    # What the [Unreleased] entries call for, as the suggestion read the changelog: each
    # keystroke's note reuses it while the file is unchanged (None: not read yet, or unreadable).
    _entries_read: EntriesCall | None = None

    @dataclass
    class Suggested(Message):
        text: str
        channels: list[str]
        version: str = ""
        failed: bool = False  # the context could not be made: said again once it can
        read: EntriesCall | None = None  # the changelog as read here, for each keystroke's note
        first: bool = False  # no release tag yet: nothing to bump from

    def fields(self) -> ComposeResult:
        yield Label("Start a release", classes="title")
        yield Static("", id="suggestion", markup=False)
        # ? opens the Keys panel here too: a version never holds a "?" (screens.widgets)
        yield VersionField(placeholder="Version, e.g. 1.4.0 (leave empty to use a bump)",
                           id="version")
        with Horizontal():
            yield Select(BUMP_CHOICES, value="", allow_blank=False, id="bump")
            yield Select([("channel: stable", "stable")], value="stable", allow_blank=False,
                         id="channel")
        yield Static("", id="preview", markup=False)  # what Enter starts, as the form stands

    def buttons(self) -> ComposeResult:
        yield Button("Start a hotfix…", id="hotfix")
        yield Button("Cancel", id="cancel")
        yield Button("Start", id="start", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#version", Input).focus()
        self._suggest()

    @work(thread=True, exclusive=True, group="start-suggest")
    def _suggest(self, read: EntriesCall | None = None) -> None:
        """The last release, the last session and what the entries call for (from ``read``,
        the changelog as a preview just read it, while it is still true)."""
        try:  # a damaged session file is said here, as the start itself would refuse it
            ctx = host_of(self.app).make_context()
            last = versions.highest_release(ctx.repo.tags(), ctx.policy.tag_format)
            channels = [c.name for c in ctx.policy.channels]
            previous = latest_session(ctx.store)
            branch, default = ctx.repo.branch(), ctx.policy.project.default_branch
        except ConsoleError as err:
            if not get_current_worker().is_cancelled:  # a later keystroke reads it again
                self.post_message(self.Suggested(said(err), ["stable"], failed=True))
            return
        if last is None:
            text = "No release tag yet: this will be the first release."
        else:
            text = (f"Last release: {ctx.policy.tag_for(str(last))}. Next: patch "
                    f"{last.bump_patch()}, minor {last.bump_minor()}, major {last.bump_major()}.")
        if previous is not None:
            text = f"Last session: {outcome_line(previous)}. {text}"
        from services.bump_note import read_entries_call  # in the worker: a quick first frame

        last_text = str(last) if last else None
        if read is None or not read.still_for(ctx, last_text):
            read = read_entries_call(ctx, last_text)
        suggested = read.decision.next_version if read and read.decision else ""
        if suggested:
            text += f"\nThe [Unreleased] entries call for {suggested}."
        elif read is not None and read.decision is None:  # walked: said only at the changelog
            text += (f"\n{ctx.policy.changelog} has no [Unreleased] entries yet: add this "
                     "release's changes and commit them, or the changelog step stops.")
        if branch and branch != default:  # walked: left on an abandoned hotfix's branch
            text = (f"⚠ You are on {branch}, not {default}: a release starts from {default} "
                    f"(pre-flight refuses another branch). Switch with `git switch {default}` "
                    "first.\n" + text)
        if not get_current_worker().is_cancelled:  # superseded: the newer one says what is true
            self.post_message(self.Suggested(text, channels, suggested, read=read,
                                             first=last is None))

    @dataclass
    class Previewed(Message):
        text: str
        read: EntriesCall | None = None

    def on_input_changed(self) -> None:
        if self._suggestion_failed:  # the broken file may be fixed by now: no stale error above
            self._suggest()
        self._forget_answer()
        self._preview(self.request(), self._entries_read)

    def on_select_changed(self, event: Select.Changed) -> None:
        self._forget_answer()
        self._preview(self.request(), self._entries_read)
        if event.select.has_focus:  # chosen by the captain: Enter on the Select would reopen it
            self.query_one("#start", Button).focus()  # and the preview says "Enter starts"

    def _forget_answer(self) -> None:
        """The start's refusal was of the form as it stood at Enter: once the captain changes
        it, the preview says what Enter does now (the old refusal under "Enter starts v0.3.0"
        read as a refusal of that)."""
        self.say("")

    @work(thread=True, exclusive=True, group="start-preview")
    def _preview(self, request: ReleaseRequest, read: EntriesCall | None) -> None:
        """The tag Enter would start (an rc's ``-rc.N`` included), or why it would be refused,
        worked out by the same service ``start`` runs; the note from the changelog as the
        suggestion ``read`` it, while unchanged."""
        from services.session_lifecycle import resolve_version

        if not request.version and not request.bump:
            self.post_message(self.Previewed("", read))
            return
        from services.bump_note import reread_if_changed, version_note

        def preview(ctx: Context) -> tuple[str, EntriesCall | None]:
            tags = ctx.repo.tags()
            version, tag = resolve_version(ctx.policy, tags, request)
            fresh = reread_if_changed(ctx, tags, read) if request.kind != "hotfix" else read
            note = version_note(ctx, version, tags, kind=request.kind, read=fresh)
            return f"Enter starts {tag} ({request.channel})." + (f"\n{note}" if note else ""), \
                fresh

        found, refused = attempt(self.app, preview)
        if get_current_worker().is_cancelled:  # Enter was pressed: the start answers now
            return
        self.post_message(self.Previewed(found[0], found[1]) if found else
                          self.Previewed(refused, read))

    def on_start_screen_previewed(self, message: Previewed) -> None:
        changed = None not in (message.read, self._entries_read) and \
            message.read is not self._entries_read
        self._entries_read = message.read  # a changed changelog, read again: the next reuses it
        self.query_one("#preview", Static).update(message.text)
        if changed:  # the line above says what the entries call for: not the old file's words
            self._suggest(message.read)

    def on_start_screen_suggested(self, message: Suggested) -> None:
        self._suggestion_failed = message.failed
        self._entries_read = message.read
        self.query_one("#suggestion", Static).update(message.text)
        channel = self.query_one("#channel", Select)
        chosen = channel.value  # said again (a fixed policy, a changed changelog): kept
        channel.set_options((f"channel: {c}", c) for c in message.channels)
        channel.value = chosen if chosen in message.channels else message.channels[0]
        bump = self.query_one("#bump", Select)
        if message.first and not bump.disabled:  # walked: a bump was offered, then refused
            bump.set_options(BUMP_CHOICES[:1])
            bump.value, bump.disabled = "", True
        version = self.query_one("#version", Input)
        if message.version and not version.value:
            version.value = message.version  # Enter accepts it; typing replaces it
            version.select_all()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.submit(event.value)  # as the field was at Enter, not after keys typed behind it

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "hotfix":  # the hotfix has its own screen: version, picker
            from screens.hotfix import open_hotfix

            event.prevent_default()  # not the dialog's own cancel as well
            self.dismiss(None)
            open_hotfix(self.app)

    def request(self, version: str | None = None) -> ReleaseRequest:
        """The release the form asks for, as ``release-console start`` would take it (with
        ``version`` as the field held it at Enter)."""
        bump = self.query_one("#bump", Select).value
        channel = self.query_one("#channel", Select).value
        if version is None:
            version = self.query_one("#version", Input).value
        return ReleaseRequest(
            version=version.strip(),
            bump=bump if isinstance(bump, str) else "",
            channel=channel if isinstance(channel, str) else "stable",
        )

    def submit(self, version: str | None = None) -> None:
        request = self.request(version)
        if not request.version and not request.bump:  # the command line's "not neither" reads
            self.say("Type the version to release (e.g. 1.4.0), or choose a bump in the list "
                     "below it.")  # oddly here, where the field and the list say what to give
            return
        # The start's own answer replaces the preview (a refusal said there and again below
        # read twice); typing again brings the preview back.
        self.workers.cancel_group(self, "start-preview")
        self.query_one("#preview", Static).update("")
        self.say("Starting…")
        self.start_session(lambda ctx: start_release(ctx, request))
