"""``release-console demo``: build the sandbox project, start its local GitHub, open the TUI."""

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
                   "Build a sample project with keys, artifacts, a local git remote and a local "
                   "GitHub-compatible server, then open the TUI on it. --serve runs only the "
                   "server, for walking through the release with the command line in another "
                   "terminal; --no-tui only builds the project.")
    p.add_argument("--dir", type=Path, default=None, help="where to build the sandbox")
    p.add_argument("--fresh", action="store_true", help="rebuild the sandbox from scratch")
    p.add_argument("--no-tui", action="store_true", help="build it and print its path only")
    p.add_argument("--serve", action="store_true",
                   help="run the sandbox GitHub in the foreground and print how to use it")
    p.add_argument("--port", type=int, default=0, help="port for --serve (default: any free one)")
    p.set_defaults(handler=cmd_demo)


def cmd_demo(args: argparse.Namespace) -> int:
    from console.demo import build_sandbox, start_github

    base = args.dir or default_dir()
    project = build_sandbox(base, force=args.fresh)
    say(f"Demo project: {project}")
    if args.no_tui:
        return 0
    server, token = start_github(base, project, port=args.port)
    try:
        if args.serve:
            say("Sandbox GitHub is running. In another terminal (this token works only on it):")
            say(f"  cd {project}")
            say(f"  export GITHUB_API_URL={server.api_url} GITHUB_TOKEN={token}")
            say("  release-console status")
            say("Ctrl-C stops the server.")
            import threading

            threading.Event().wait()
            return 0
        os.environ["GITHUB_API_URL"] = server.api_url
        os.environ["GITHUB_TOKEN"] = token
        from console.app import ReleaseConsoleApp
        from console.wiring import Options

        app = ReleaseConsoleApp(Options(repo=project))
        app.run()
        return app.return_code or 0
    except KeyboardInterrupt:
        return 0
    finally:
        server.stop()
