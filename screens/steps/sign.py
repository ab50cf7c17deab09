"""Sign: which backend and pinned key, whether the token is there, then sign with r.

A passphrase (minisign key, software GnuPG key) is asked in the TUI's password dialog (loopback).
A card PIN or a FIDO touch needs the real terminal: the app suspends itself while the signing tool
runs, so pinentry or ssh-keygen talk to the captain directly, then the app comes back.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from screens.step import StepScreen
from services.errors import ConsoleError
from services.runbook import Context
from services.steps.sign import backend_for


class SignScreen(StepScreen):
    def compose_extra(self) -> ComposeResult:
        yield Static("", id="sign-key", classes="section")

    def load_extra(self, ctx: Context) -> Any:
        try:
            backend = backend_for(ctx)
            if backend is None:
                return Text("The policy says signing.backend = \"none\".", style="dim")
            ready = backend.prepare()
        except ConsoleError as err:
            return Text(str(err), style="bold red")
        text = Text(f"Backend: {backend.name}\nPinned: {backend.pin_description()}\n")
        if ready.signer:
            text.append(f"Signer: {ready.signer}\n")
        if ready.details.get("card_serial"):
            text.append(f"Card: serial {ready.details['card_serial']}, signing key "
                        f"{ready.details.get('card_signing_key', '?')}\n", style="green")
        if ready.needs_passphrase:
            text.append("The key's passphrase is asked in a password box when you press r.\n")
        if ready.notice:
            text.append(ready.notice + " (the screen hands over the terminal meanwhile)\n",
                        style="yellow")
        return text

    def show_extra(self, data: Any) -> None:
        if data is not None:
            self.query_one("#sign-key", Static).update(data)


SCREEN = SignScreen
