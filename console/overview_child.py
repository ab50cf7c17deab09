"""Works out the home screen's checklist in a second process while the TUI imports Textual.

``run_tui`` starts ``python -m console.overview_child --repo R [--config C] [--offline]`` before
it imports Textual: Textual's import and the checklist's (GitPython, the services, every step's
checks) are each a few hundred milliseconds of Python, and in one process they queue behind one
another; in two they run side by side on two cores, so the first frame can be the checked
checklist. The child only reads (the same :func:`services.overview.overview` a reload runs) and
prints one JSON document; anything else it might say goes to /dev/null. When it fails, is slow or
prints something unreadable, the home screen works the checklist out itself, as it does on every
reload: the child can make the first frame sooner, never wrong.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
from pathlib import Path

from console.wiring import Options

WAIT_SECONDS = 20.0  # then the home screen stops waiting and checks in-process


class EarlyOverview:
    """The child process and its answer, read once."""

    def __init__(self, process: subprocess.Popen[bytes] | None) -> None:
        self.process = process

    @classmethod
    def start(cls, options: Options) -> EarlyOverview:
        """Start the child on the console's own code: ``-P`` keeps ``-m`` from putting the
        working directory first on its path, where a project's own ``services/`` or ``console/``
        package (or a checkout of another version of the console, as walked) was imported in
        place of the console's, and the first frame showed that code's checklist; the
        console's own location is on its ``PYTHONPATH`` instead, installed or not."""
        args = [sys.executable, "-P", "-m", "console.overview_child", "--repo", str(options.repo)]
        if options.config is not None:
            args += ["--config", str(options.config)]
        if options.offline:
            args.append("--offline")
        try:
            process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                       stderr=subprocess.DEVNULL, env=_own_path())
        except OSError:
            process = None
        return cls(process)

    def wait(self, seconds: float) -> bool:
        """Wait at most ``seconds`` for the child's answer to start arriving; True when it has
        (or the child ended), so :meth:`take` will not wait long. A select on the pipe, not
        ``Popen.wait``'s polling, so the answer is read the moment it is written."""
        if self.process is None or self.process.stdout is None:
            return False
        readable, _, _ = select.select([self.process.stdout], [], [], max(seconds, 0.0))
        return bool(readable)

    def take(self, timeout: float = WAIT_SECONDS) -> dict[str, object] | None:
        """The child's JSON document, or None (failed, too slow, taken already); never raises."""
        process, self.process = self.process, None
        if process is None:
            return None
        try:
            out, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            return None
        if process.returncode != 0:
            return None
        try:
            data = json.loads(out)
        except ValueError:
            return None
        return data if isinstance(data, dict) else None

    def discard(self) -> None:
        """Stop the child if it still runs (the app is quitting before it was read)."""
        process, self.process = self.process, None
        if process is not None:
            process.kill()
            process.communicate()


def _own_path() -> dict[str, str]:
    """The environment with the directory holding this ``console`` package first on
    ``PYTHONPATH``: the child imports what the parent runs."""
    here = str(Path(__file__).resolve().parent.parent)
    rest = os.environ.get("PYTHONPATH", "")
    return {**os.environ, "PYTHONPATH": here + (os.pathsep + rest if rest else "")}


def main(argv: list[str] | None = None) -> int:
    import argparse

    from console.wiring import build_context
    from services.overview import checked_overview

    parser = argparse.ArgumentParser(prog="python -m console.overview_child")
    parser.add_argument("--repo", type=Path, required=True)
    parser.add_argument("--config", type=Path, default=None)
    parser.add_argument("--offline", action="store_true")
    args = parser.parse_args(argv)
    options = Options(args.repo, args.config, args.offline)
    result = checked_overview(lambda: build_context(options))
    sys.stdout.write(json.dumps(result.to_json()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
