"""``release-console demo``: build the sandbox project and open the TUI on it."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from console.commands.common import add_parser
from console.output import say


def default_dir() -> Path:
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "release-console" / "demo"


def register(sub: argparse._SubParsersAction) -> None:
    p = add_parser(sub, "demo", "open the TUI on a sandbox project (nothing real is touched)",
                   "Build a sample project with keys, artifacts and a local remote, then open the "
                   "TUI on it. --no-tui only builds it and prints where.")
    p.add_argument("--dir", type=Path, default=None, help="where to build the sandbox")
    p.add_argument("--fresh", action="store_true", help="rebuild the sandbox from scratch")
    p.add_argument("--no-tui", action="store_true", help="build it and print its path only")
    p.set_defaults(handler=cmd_demo)


def cmd_demo(args: argparse.Namespace) -> int:
    from console.demo import build_sandbox

    base = args.dir or default_dir()
    project = build_sandbox(base, force=args.fresh)
    say(f"Demo project: {project}")
    if args.no_tui:
        return 0
    from console.app import ReleaseConsoleApp
    from console.wiring import Options

    ReleaseConsoleApp(Options(repo=project)).run()
    return 0
