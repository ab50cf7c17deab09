"""Import a hand-off bundle from the home screen, with or without a session here.

A fresh offline workstation (a clone with no session yet) must be able to take the first bundle
from the TUI, not only with ``release-console bundle import``. The captain names the bundle (and
the artifacts folder when it was made without artifacts); a worker verifies it through the same
service as the CLI and posts every check, line by line, with progress for large files; nothing
in the repository changes until the captain uses it. Dismisses with the imported tag, or None.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Label, ProgressBar, Static

from screens.base import host_of
from services import secrets
from services.errors import ConsoleError
from services.progress import ProgressEvent

IMPORT_CSS = Path(__file__).with_name("bundle_import.tcss")


class BundleImportScreen(Screen[str | None]):
    # Enter in a field verifies (ctrl+v and ctrl+u belong to the fields: paste, delete);
    # once verified, the focus moves to "Use it", so Enter there uses the bundle.
    BINDINGS = [Binding("escape", "cancel", "Cancel"),
                Binding("ctrl+y", "use", "Use the verified bundle")]
    CSS_PATH = IMPORT_CSS

    class Verified(Message):
        def __init__(self, prepared: Any, lines: Text) -> None:
            super().__init__()
            self.prepared, self.lines = prepared, lines

    class Done(Message):
        """Verification or use ended: ``tag`` when the bundle was used, ``error`` when refused."""

        def __init__(self, error: str = "", tag: str = "") -> None:
            super().__init__()
            self.error, self.tag = error, tag

    class Moved(Message):
        def __init__(self, event: ProgressEvent) -> None:
            super().__init__()
            self.event = event

    def __init__(self) -> None:
        super().__init__()
        self.prepared: Any = None
        self.busy = False

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Label("Import a hand-off bundle", classes="title")
            yield Static("The bundle from the other workstation is verified first; nothing "
                         "here changes until you use it.", id="import-intro")
            yield Input(placeholder="Bundle file (e.g. /media/usb/PAI-v1.4.0-to-offline.tar)",
                        id="import-file")
            yield Input(placeholder="Artifacts folder (only for a bundle made without "
                        "artifacts)", id="import-artifacts")
            yield ProgressBar(id="import-progress", show_eta=False)
            yield Static("", id="import-verified")
            yield Static("", id="import-message")
            with Horizontal(id="import-buttons"):
                yield Button("Cancel", id="import-cancel")
                yield Button("Verify (Enter)", id="import-verify", variant="primary")
                yield Button("Use it (ctrl+y)", id="import-use", disabled=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#import-file", Input).focus()

    def _say(self, text: str, style: str) -> None:
        self.query_one("#import-message", Static).update(Text(text, style=style))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        actions = {"import-cancel": self.action_cancel, "import-verify": self.action_verify,
                   "import-use": self.action_use}
        if event.button.id in actions:
            actions[event.button.id]()

    def on_input_submitted(self) -> None:
        self.action_verify()

    def on_input_changed(self) -> None:
        """Another path: what was verified no longer is what would be used."""
        if self.prepared is not None and not self.busy:
            self._discard()
            self.query_one("#import-use", Button).disabled = True
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
        self.busy = True
        self._say("Verifying the bundle…", "bold blue")
        self._verify(Path(name).expanduser().absolute(),
                     Path(folder).expanduser().absolute() if folder else None)

    @work(thread=True, exclusive=True, group="bundle-import")
    def _verify(self, source: Path, folder: Path | None) -> None:
        from services.bundle.import_ import verify_bundle

        try:
            ctx = host_of(self.app).make_context()

            def progress(event: ProgressEvent) -> None:
                self.post_message(self.Moved(event))

            ctx.progress = progress
            prepared = verify_bundle(ctx, source, artifacts_from=folder)
        except ConsoleError as err:
            self.post_message(self.Done(error=secrets.scrub(str(err))))
            return
        lines = Text(f"{prepared.heading()}\n", style="bold")
        lines.append(f"Fingerprint: {prepared.fingerprint}\n", style="bold")
        for line in prepared.checks:
            lines.append(f"  ✔ {line}\n", style="green")
        lines.append(f"\n{prepared.plan_summary()}\n")
        self.post_message(self.Verified(prepared, lines))

    def on_bundle_import_screen_moved(self, message: Moved) -> None:
        bar = self.query_one("#import-progress", ProgressBar)
        bar.update(total=max(message.event.total, 1), progress=message.event.done)

    def on_bundle_import_screen_verified(self, message: Verified) -> None:
        self.busy = False
        self.prepared = message.prepared
        self.query_one("#import-verified", Static).update(message.lines)
        use = self.query_one("#import-use", Button)
        use.disabled = False
        use.focus()
        self._say("Verified. Compare the fingerprint with the other screen, then use it "
                  "(Enter or ctrl+y).", "bold green")

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

        try:
            apply(host_of(self.app).make_context(), prepared)
        except ConsoleError as err:
            self.post_message(self.Done(error=secrets.scrub(str(err))))
            return
        self.post_message(self.Done(tag=prepared.manifest.tag))

    def on_bundle_import_screen_done(self, message: Done) -> None:
        self.busy = False
        if message.error:
            self._say(message.error, "bold red")
            return
        self.dismiss(message.tag)

    def _discard(self) -> None:
        if self.prepared is not None:
            self.prepared.discard()
            self.prepared = None

    def on_unmount(self) -> None:
        self._discard()
