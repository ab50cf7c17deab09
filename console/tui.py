"""Opens the TUI; kept apart from ``console.cli`` so only this path imports Textual."""

from __future__ import annotations

import argparse
import sys

from console.wiring import Options


def run_tui(args: argparse.Namespace) -> int:
    return open_tui(Options.from_args(args))


def refuse_without_terminal(instead: str) -> None:
    """Without a terminal on both ends Textual draws to nobody and spins a core until killed
    (``release-console demo | tee log`` ran three minutes silent): say so before anything starts."""
    if sys.stdin.isatty() and sys.stdout.isatty():
        return
    from services.errors import UsageError

    raise UsageError("The TUI needs a terminal, and standard input or output is not one (a pipe, "
                     "a file or no terminal at all).", remedy=instead)


def open_tui(options: Options) -> int:
    """Run the app on ``options``; the checklist is worked out in a child process meanwhile."""
    refuse_without_terminal("Run it in a terminal, or use a command (`release-console status`, "
                            "`release-console next`).")
    from console.overview_child import EarlyOverview

    early = EarlyOverview.start(options)  # before Textual's import, to run beside it
    from console.app import ReleaseConsoleApp

    app = ReleaseConsoleApp(options, early)
    try:
        app.run()
    finally:
        early.discard()  # quit before the home screen read it
    return app.return_code or 0
