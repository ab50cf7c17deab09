"""``python -m console.sandbox --state DIR --port N --token T [--repo owner/name] [--green-ci]``.

Runs the loopback GitHub in the foreground until interrupted. The token may also come from
``SANDBOX_TOKEN`` so it need not appear in a process listing.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from console.sandbox.server import SandboxServer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m console.sandbox",
                                     description="Run the loopback GitHub-compatible server.")
    parser.add_argument("--state", type=Path, required=True, help="state directory")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free one)")
    parser.add_argument("--token", default=os.environ.get("SANDBOX_TOKEN", ""),
                        help="the token clients must send (default: $SANDBOX_TOKEN)")
    parser.add_argument("--repo", action="append", default=[], metavar="OWNER/NAME",
                        help="create this repository if it does not exist (repeatable)")
    parser.add_argument("--green-ci", action="store_true",
                        help="demo only: commits without CI results show one green status")
    args = parser.parse_args(argv)
    server = SandboxServer(args.state, port=args.port, token=args.token or None,
                           green_ci_by_default=args.green_ci)
    for name in args.repo:
        server.create_repo(name)
    if not server.state.data.get("token_sha256"):
        sys.stderr.write("warning: no token set; every request will get 401 Bad credentials.\n")
    print(f"GitHub sandbox on {server.api_url} (uploads under {server.url}/api/uploads); "
          f"state in {args.state}. Ctrl-C stops it.", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
