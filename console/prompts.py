"""The CLI's way of asking: hidden prompts for secrets, y/N for irreversible steps.

With no terminal on stdin (CI, scripts) nothing is asked: the error names the option to pass.
"""

from __future__ import annotations

import getpass
import sys

from console.output import hanging, say
from services import secrets
from services.errors import NeedsInput
from services.step_protocol import NonInteractive, Plan


class TerminalPrompter:
    """Asks on the terminal the command runs in, between lines of output: git's ssh may ask
    there too (a key's passphrase, a new host), as it does for the captain's own `git push`."""

    owns_terminal = False

    def __init__(self, *, assume_yes: bool = False) -> None:
        self.assume_yes = assume_yes
        self._fallback = NonInteractive(assume_yes=assume_yes)

    @staticmethod
    def interactive() -> bool:
        return sys.stdin.isatty()

    def secret(self, prompt: str, *, option: str) -> str:
        if not self.interactive():
            return self._fallback.secret(prompt, option=option)
        try:
            value = getpass.getpass(f"{prompt}: ")
        except EOFError:  # Ctrl-D: nothing given, nothing done with it
            say()
            raise NeedsInput(f"Nothing was given for: {prompt}.",
                             remedy=f"Run it again and type it, or pass {option}.") from None
        secrets.register(value)
        return value

    def confirm(self, question: str, plan: Plan) -> bool:
        say(plan.render(hanging))
        say()
        if self.assume_yes:
            return True
        if not self.interactive():
            raise NeedsInput(f"This needs a yes and there is no terminal to ask on: {question}",
                             remedy="Re-run with --yes after reading the plan above.")
        try:
            answer = input(f"{question} [y/N] ").strip().lower()
        except EOFError:  # Ctrl-D is no answer, so no
            say()
            return False
        return answer in {"y", "yes"}
