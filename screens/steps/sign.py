"""Sign: which backend and pinned key, whether the token is there, then sign with r.

A passphrase (minisign key, software GnuPG key) is asked in the TUI's password dialog (loopback).
A card PIN or a FIDO touch needs the real terminal: the app suspends itself while the signing tool
runs, so pinentry or ssh-keygen talk to the captain directly, then the app comes back.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from screens.step import StepScreen
from services import workstation
from services.errors import ConsoleError
from services.signing import signer_lines
from services.step_protocol import Context
from services.steps.sign import backend_for


@dataclass(frozen=True)
class SignerPanel:
    """What the panel shows, and the plan notes it therefore need not repeat."""

    text: Text
    said: frozenset[str] = frozenset()


class SignScreen(StepScreen[SignerPanel]):
    said: frozenset[str] = frozenset()  # the signer lines the panel shows

    def said_by_panel(self, note: str) -> bool:
        return note in self.said

    def compose_extra(self) -> ComposeResult:
        yield Static("", id="sign-key", classes="section")

    def load_extra(self, ctx: Context) -> SignerPanel:
        try:
            backend = backend_for(ctx)
            if backend is None:
                return SignerPanel(Text("The policy says signing.backend = \"none\".", style="dim"))
            if workstation.done_on_signing_workstation(ctx, self.step):
                # the key and its paths are the other machine's: no readiness looked up (a
                # token only when the pinned key is on one: a minisign key file is not)
                held = "token" if ctx.needs_token(self.step) else "signing key"
                return SignerPanel(Text(f"The {held} is at the air-gapped signing workstation: "
                                        "this machine signs nothing.", style="bold"))
            ready = backend.readiness()  # what the status check just found
        except ConsoleError as err:
            return SignerPanel(Text(str(err), style="bold red"))
        lines = signer_lines(backend, ready)
        text = Text(lines[0] + "\n")
        for line in lines[1:]:
            text.append(line + "\n", style="green" if line.startswith("Card") else "")
        if ready.needs_passphrase:
            text.append("The key's passphrase is asked in a password box when you press r.\n")
        if ready.notice:
            text.append(ready.notice + " (the screen hands over the terminal meanwhile)\n",
                        style="yellow")
        return SignerPanel(text, frozenset(lines))

    def show_extra(self, data: SignerPanel | None) -> None:
        if data is not None:
            self.said = data.said
            self.query_one("#sign-key", Static).update(data.text)
