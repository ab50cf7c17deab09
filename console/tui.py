"""Opens the TUI; kept apart from ``console.cli`` so only this path imports Textual."""

from __future__ import annotations

import argparse

from console.wiring import Options


def run_tui(args: argparse.Namespace) -> int:
    from console.app import ReleaseConsoleApp

    app = ReleaseConsoleApp(Options.from_args(args))
    app.run()
    return app.return_code or 0
