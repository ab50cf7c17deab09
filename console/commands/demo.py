"""``release-console demo``: build the sandbox project, start its local GitHub, open the TUI."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from console.commands.common import add_parser
from console.output import say


def default_dir() -> Path:
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "release-console" / "demo"


def register(sub: argparse._SubParsersAction) -> None:
    p = add_parser(sub, "demo", "open the TUI on a sandbox project (nothing real is touched)",
                   "Build a sample project with keys, a build script, a local git remote and a local "
                   "GitHub-compatible server, then open the TUI on it. --no-tui (or --serve) "
                   "prints the environment lines for the command line instead and keeps the "
                   "server running until Ctrl-C. The global --offline applies to the demo too.")
    p.add_argument("--dir", type=Path, default=None, help="where to build the sandbox (default: "
                   "release-console/demo in $XDG_CACHE_HOME or ~/.cache; kept until --fresh)")
    p.add_argument("--fresh", action="store_true", help="rebuild the sandbox from scratch")
    p.add_argument("--no-tui", action="store_true",
                   help="no TUI: print the environment lines and serve until Ctrl-C")
    p.add_argument("--serve", action="store_true", help="the same as --no-tui")
    p.add_argument("--port", type=int, default=0, help="port for the server (default: any free)")
    p.add_argument("--air-gapped", action="store_true",
                   help="two workstations: online/ and offline/ clones with usb/ between them "
                   "(the signing keys only on the offline side); prints how to walk it")
    p.set_defaults(handler=cmd_demo)


def environment_lines(project: Path, api_url: str, token: str, *, offline: bool) -> list[str]:
    """What a captain pastes into another terminal to walk the demo with the command line."""
    lines = [f"cd {project}", f"export GITHUB_API_URL={api_url}", f"export GITHUB_TOKEN={token}"]
    if offline:
        lines.append("export RELEASE_CONSOLE_OFFLINE=1")
    return [*lines, "release-console status"]


def cmd_demo(args: argparse.Namespace) -> int:
    from console.demo import build_sandbox, start_github

    base = args.dir or default_dir()
    if args.air_gapped:
        return air_gapped_demo(base, args)
    if not (args.no_tui or args.serve):
        from console.tui import refuse_without_terminal

        # Before the sandbox is built: nothing is made for a TUI that cannot open.
        refuse_without_terminal("Run it in a terminal, or use `release-console demo --no-tui` "
                                "to walk the demo with the command line.")
    project = build_sandbox(base, force=args.fresh)
    say(f"Demo project: {project}")
    server, token = start_github(base, project, port=args.port)
    try:
        if args.no_tui or args.serve:
            say("Sandbox GitHub is running. In another terminal (this token works only on it):")
            # Written past the secret scrubber on purpose: this token is the sandbox's own, made
            # for this run, and works only on this loopback server; the captain must copy it.
            for line in environment_lines(project, server.api_url, token, offline=args.offline):
                sys.stdout.write(f"  {line}\n")
            say("Ctrl-C stops the server.")
            sys.stdout.flush()
            import threading

            threading.Event().wait()
            return 0
        os.environ["GITHUB_API_URL"] = server.api_url
        os.environ["GITHUB_TOKEN"] = token
        from console.tui import open_tui
        from console.wiring import Options

        return open_tui(Options(repo=project, offline=args.offline))
    except KeyboardInterrupt:
        say("Stopped the sandbox GitHub.")
        return 0
    finally:
        server.stop()


def air_gapped_demo(base: Path, args: argparse.Namespace) -> int:
    """Build the two workstations and say how to walk the release across the gap."""
    from console.demo import build_sandbox, start_github

    base = base / "air-gapped" if args.dir is None else base
    online = build_sandbox(base, force=args.fresh, air_gapped=True)
    offline, usb = base / "offline" / "pai", base / "usb"
    say(f"Online workstation:  {online}")
    say(f"Offline workstation: {offline}  (the token: {base / 'offline' / 'token'})")
    say(f"USB stick:           {usb}")
    server, token = start_github(base, online, port=args.port)
    try:
        say("Sandbox GitHub is running (Ctrl-C stops it). Walk the release:")
        # Past the secret scrubber on purpose, as in the one-machine demo: the sandbox's own token,
        # made for this run, works only on this loopback server, and the captain must copy it.
        sys.stdout.write(f"  online$  cd {online}; export GITHUB_API_URL={server.api_url} "
                         f"GITHUB_TOKEN={token}\n")
        sys.stdout.flush()
        say("  online$  release-console   (start, preflight ... artifacts: b builds), then "
            f"release-console bundle export --output {usb}/out.tar")
        say(f"  offline$ cd {offline}; export RELEASE_CONSOLE_OFFLINE=1")
        say(f"  offline$ release-console bundle import {usb}/out.tar; release-console   "
            f"(smoke ... tag); release-console bundle export --output {usb}/back.tar")
        say(f"  online$  release-console bundle import {usb}/back.tar; release-console   "
            "(push ... publish)")
        import threading

        threading.Event().wait()
        return 0
    except KeyboardInterrupt:
        return 0
    finally:
        server.stop()
