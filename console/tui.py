"""Opens the TUI; kept apart from ``console.cli`` so only this path imports Textual."""

from __future__ import annotations

import argparse

from console.wiring import Options


def run_tui(args: argparse.Namespace) -> int:
    return open_tui(Options.from_args(args))


def open_tui(options: Options) -> int:
    """Run the app on ``options``; the checklist is worked out in a child process meanwhile."""
    from console.overview_child import EarlyOverview

    early = EarlyOverview.start(options)  # before Textual's import, to run beside it
    from console.app import ReleaseConsoleApp

    app = ReleaseConsoleApp(options, early)
    try:
        app.run()
    finally:
        early.discard()  # quit before the home screen read it
    return app.return_code or 0
