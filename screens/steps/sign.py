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
from services.signing import signer_lines
from services.step_protocol import Context
from services.steps.sign import backend_for


class SignScreen(StepScreen):
    def compose_extra(self) -> ComposeResult:
        yield Static("", id="sign-key", classes="section")

    def load_extra(self, ctx: Context) -> Any:
        try:
            backend = backend_for(ctx)
            if backend is None:
                return Text("The policy says signing.backend = \"none\".", style="dim")
            ready = backend.readiness()  # what the status check just found
        except ConsoleError as err:
            return Text(str(err), style="bold red")
        lines = signer_lines(backend, ready)
        text = Text(lines[0] + "\n")
        for line in lines[1:]:
            text.append(line + "\n", style="green" if line.startswith("Card") else "")
        if ready.needs_passphrase:
            text.append("The key's passphrase is asked in a password box when you press r.\n")
        if ready.notice:
            text.append(ready.notice + " (the screen hands over the terminal meanwhile)\n",
                        style="yellow")
        return text

    def show_extra(self, data: Any) -> None:
        if data is not None:
            self.query_one("#sign-key", Static).update(data)
