"""Import a hand-off bundle from the home screen, with or without a session here.

A fresh offline workstation (a clone with no session yet) must be able to take the first bundle
from the TUI, not only with ``release-console bundle import``. The captain names the bundle (and
the artifacts folder when it was made without artifacts); a worker verifies it through the same
service as the CLI and posts every check, line by line, with progress for large files; nothing
in the repository changes until the captain uses it. Dismisses with the imported tag, or None.

It covers the whole terminal, so it carries the session bar itself and names this machine in its
first sentence: a captain importing at 80x24 saw no line saying whether this is the online
machine or the signing workstation, the one thing an air-gapped import must never misread.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Input, Label, ProgressBar, Static

from screens.base import attempt
from screens.footer import Footer
from screens.step_keys import OwnKeysFirst
from screens.widgets import SessionBar, TypedField
from services.progress import ProgressEvent

if TYPE_CHECKING:
    from services.step_protocol import Context

IMPORT_CSS = Path(__file__).with_name("bundle_import.tcss")


def own_artifacts(ctx: Context) -> str:
    """The artifacts folder an import on this machine checks by itself ("" on the signing
    workstation, where a bundle made without artifacts needs the folder named)."""
    from services import artifacts

    if ctx.offline:
        return ""
    return artifacts.display_path(artifacts.artifacts_dir(ctx.policy, ctx.root), ctx.root)


def this_machine(ctx: Context) -> tuple[str, str, str]:
    """The headline atop every screen, the intro naming this machine and the other, and the
    direction of the bundles it imports."""
    from services import workstation
    from services.headline import headline

    gapped = workstation.air_gapped(ctx.policy)
    here = workstation.machine(ctx.offline, air_gapped=gapped)
    there = workstation.other_machine(ctx.offline, air_gapped=gapped)
    from services.bundle.manifest import TO_OFFLINE, TO_ONLINE

    return headline(ctx), (f"This is {here}. The bundle from {there} is verified first; nothing "
                           "here changes until you use it."), \
        TO_OFFLINE if ctx.offline else TO_ONLINE


class HoldsVerifiedBundle:
    """A screen holding a verified bundle (unpacked in a private folder) until it is used:
    verifying another one or leaving the screen discards it, so nothing unpacked lingers."""

    prepared: Any = None

    def _discard(self) -> None:
        if self.prepared is not None:
            self.prepared.discard()
            self.prepared = None

    def on_unmount(self) -> None:
        self._discard()


VERIFY, AGAIN = "Verify (Enter)", "Verify again"


class BundleImportScreen(OwnKeysFirst, HoldsVerifiedBundle, Screen[str | None]):
    # Enter in a field verifies (ctrl+v and ctrl+u belong to the fields: paste, delete);
    # once verified, the focus moves to "Use it", so Enter there uses the bundle.
    BINDINGS = [Binding("escape", "cancel", "Cancel"),
                Binding("ctrl+y", "use", "Use the verified bundle")]
    CSS_PATH = IMPORT_CSS

    @dataclass
    class Verified(Message):
        prepared: Any
        lines: Text

    @dataclass
    class Done(Message):
        """Verification or use ended: ``tag`` when the bundle was used, ``error`` when refused."""

        error: str = ""
        tag: str = ""

    @dataclass
    class Moved(Message):
        event: ProgressEvent

    @dataclass
    class Expected(Message):
        """The bundle this machine waits for: filled in when it is there, else the example."""

        path: Path
        present: bool

    @dataclass
    class Here(Message):
        """Which machine this is: the session bar's headline and the intro's sentence."""

        header: str
        intro: str
        incoming: str  # the direction of the bundles this machine imports

    @dataclass
    class OwnArtifacts(Message):
        """The online machine: the artifacts it checks are its own, in ``folder``."""

        folder: str

    def __init__(self) -> None:
        super().__init__()
        self.busy = False
        self.incoming = ""  # known once the worker has read this machine's side (Here)

    def compose(self) -> ComposeResult:
        yield SessionBar(self._header_beneath(), id="session-bar")
        with VerticalScroll():
            yield Label("Import a hand-off bundle", classes="title")
            yield Static("The bundle from the other workstation is verified first; nothing "
                         "here changes until you use it.", id="import-intro")
            yield TypedField(placeholder="Bundle file (the .tar the other workstation wrote)",
                        id="import-file")
            yield TypedField(placeholder="Artifacts folder (only for a bundle made without "
                        "artifacts)", id="import-artifacts")
            yield ProgressBar(id="import-progress", show_eta=False)
            yield Static("", id="import-verified")
            yield Static("", id="import-message")
            with Horizontal(id="import-buttons"):
                yield Button("Cancel", id="import-cancel", action="screen.cancel")
                yield Button(VERIFY, id="import-verify", variant="primary",
                             action="screen.verify")
                yield Button("Use it (ctrl+y)", id="import-use", disabled=True, action="screen.use")
        yield Footer()

    def _header_beneath(self) -> str:
        """The headline the screen it opens from shows, for the first frame (the worker's own
        comes a moment later): the bar is never blank while the captain starts typing."""
        for screen in reversed(self.app.screen_stack):
            bars = [] if screen is self else list(screen.query(SessionBar))
            if bars and isinstance(bars[0].whole, str):
                return bars[0].whole
        return ""

    def on_mount(self) -> None:
        self.query_one("#import-file", Input).focus()
        self._expect()

    @work(thread=True, exclusive=True, group="bundle-expect")
    def _expect(self) -> None:
        from services.bundle.paths import example_incoming, expected_incoming

        here, _ = attempt(self.app, this_machine)
        if here is not None:
            self.post_message(self.Here(*here))
        path, _ = attempt(self.app, expected_incoming)
        if path is None:
            example, _ = attempt(self.app, example_incoming)
            path = Path("/media/usb", example) if example else None
        if path is not None:
            self.post_message(self.Expected(path, path.is_absolute() and path.is_file()))
        own, _ = attempt(self.app, own_artifacts)
        if own:
            self.post_message(self.OwnArtifacts(own))

    def on_bundle_import_screen_here(self, message: Here) -> None:
        self.query_one("#session-bar", SessionBar).update(message.header)
        self.query_one("#import-intro", Static).update(message.intro)
        self.incoming = message.incoming

    def on_bundle_import_screen_own_artifacts(self, message: OwnArtifacts) -> None:
        """Online, the signed bundle comes back without artifacts by default: "only for a
        bundle made without artifacts" asked for a folder that must stay empty here."""
        self.query_one("#import-artifacts", Input).placeholder = (
            f"Artifacts folder: leave empty (this machine's {message.folder}/ is checked)")

    def on_bundle_import_screen_expected(self, message: Expected) -> None:
        field = self.query_one("#import-file", Input)
        if message.present and not field.value:
            field.value = str(message.path)
            self._say(f"Found {message.path.name} in {message.path.parent}: Enter verifies "
                      "it.", "bold")
        else:
            field.placeholder = f"Bundle file (e.g. {message.path})"

    def _say(self, text: str, style: str) -> None:
        self.query_one("#import-message", Static).update(Text(text, style=style))

    def on_input_submitted(self) -> None:
        self.action_verify()

    def on_input_changed(self) -> None:
        """Another path: what was verified no longer is what would be used."""
        if self.prepared is not None and not self.busy:
            self._discard()
            self.query_one("#import-use", Button).disabled = True
            self.query_one("#import-verify", Button).label = VERIFY
            self.query_one("#import-verified", Static).update("")
            self._say("Verify the bundle again (Enter).", "yellow")

    def action_cancel(self) -> None:
        if self.busy:
            self.notify("The bundle is being checked; wait for it to finish.",
                        severity="warning")
            return
        self.dismiss(None)

    def action_verify(self) -> None:
        if self.busy:
            return
        name = self.query_one("#import-file", Input).value.strip()
        if not name:
            self._say("Say which bundle to import.", "yellow")
            return
        folder = self.query_one("#import-artifacts", Input).value.strip()
        self._discard()
        self.query_one("#import-use", Button).disabled = True
        self.query_one("#import-verified", Static).update("")
        if self._one_in_folder(Path(name).expanduser()):
            return
        self.busy = True
        self.query_one("#import-progress", ProgressBar).add_class("active")
        self._say("Verifying the bundle…", "bold blue")
        self._verify(Path(name).expanduser().absolute(),
                     Path(folder).expanduser().absolute() if folder else None)

    def _one_in_folder(self, folder: Path) -> bool:
        """The USB stick's folder, as the export took it, holding one bundle: that bundle goes
        in the field for Enter to verify (walked at 80x24: the refusal named the file and the
        captain typed its whole path again)."""
        from services.bundle.paths import bundles_in

        found = bundles_in(folder) if folder.is_dir() else []
        if len(found) > 1 and self.incoming:  # the stick carries both ways: this way's only
            found = [path for path in found if path.name.endswith(f"-{self.incoming}.tar")]
        if len(found) != 1:
            return False  # the refusal names what is there
        self.query_one("#import-file", Input).value = str(found[0])
        self._say(f"Found {found[0].name} in {folder}: Enter verifies it.", "bold")
        return True

    @work(thread=True, exclusive=True, group="bundle-import")
    def _verify(self, source: Path, folder: Path | None) -> None:
        from services.bundle.import_ import verify_bundle

        prepared, error = attempt(
            self.app, lambda ctx: verify_bundle(self._reporting(ctx), source, artifacts_from=folder))
        if prepared is None:
            self.post_message(self.Done(error=error))
            return
        lines = Text(f"{prepared.heading()}\n", style="bold")
        lines.append(f"Fingerprint: {prepared.fingerprint}\n", style="bold")
        for line in prepared.checks:
            lines.append(f"  ✔ {line}\n", style="green")
        lines.append(f"\n{prepared.plan_summary()}\n")
        self.post_message(self.Verified(prepared, lines))

    def _reporting(self, ctx: Context) -> Context:
        """``ctx`` with its progress shown on this screen's bar."""

        def progress(event: ProgressEvent) -> None:
            self.post_message(self.Moved(event))

        ctx.progress = progress
        return ctx

    def on_bundle_import_screen_moved(self, message: Moved) -> None:
        bar = self.query_one("#import-progress", ProgressBar)
        bar.update(total=max(message.event.total, 1), progress=message.event.done)

    def on_bundle_import_screen_verified(self, message: Verified) -> None:
        self.busy = False
        self.query_one("#import-progress", ProgressBar).remove_class("active")
        self.prepared = message.prepared
        self.query_one("#import-verified", Static).update(message.lines)
        use = self.query_one("#import-use", Button)
        use.disabled = False
        use.focus(scroll_visible=False)
        # Enter now uses the bundle: walked at 80x24, "Verify (Enter)" beside the focused
        # "Use it" contradicted the line saying Enter uses it.
        self.query_one("#import-verify", Button).label = AGAIN
        # The fingerprint is said here, above the buttons: the check lines that carry it scroll
        # off at 80x24 once the session bar takes its row (walked: the bundle back online).
        self._say(f"Verified: fingerprint {message.prepared.fingerprint}. Compare it with the "
                  "other screen, then use it (Enter or ctrl+y).", "bold green")
        # At 80x24 the check lines push the buttons off the screen: bring "Use it" (focused) and
        # the line saying what Enter does into view. scroll_end waits for the new layout; the
        # focus's own scroll measured the screen before the lines were laid out, and did nothing.
        self.query_one(VerticalScroll).scroll_end(animate=False)

    def action_use(self) -> None:
        if self.busy:
            return
        if self.prepared is None:
            self._say("Verify a bundle first (Enter in the bundle field).", "yellow")
            return
        prepared, self.prepared = self.prepared, None
        self.query_one("#import-use", Button).disabled = True
        self.busy = True
        self._say("Using the bundle…", "bold blue")
        self._apply(prepared)

    @work(thread=True, exclusive=True, group="bundle-import")
    def _apply(self, prepared: Any) -> None:
        from services.bundle.import_ import apply

        _, error = attempt(self.app, lambda ctx: apply(ctx, prepared))
        self.post_message(self.Done(error=error) if error else self.Done(tag=prepared.manifest.tag))

    def on_bundle_import_screen_done(self, message: Done) -> None:
        self.busy = False
        self.query_one("#import-progress", ProgressBar).remove_class("active")
        if message.error:
            self._say(message.error, "bold red")
            return
        self.dismiss(message.tag)
