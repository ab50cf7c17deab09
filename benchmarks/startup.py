"""Start-up cost of the TUI and of ``release-console status``, as ratios to their floors.

Prints, in one run:
- the median time (spawn -> first frame, spawn -> checklist on screen, spawn -> checklist loaded)
  of the home screen next to a minimal Textual app with one Static, and the ratios (goal <= 1.3x).
  "On screen" is the first painted frame whose checklist has its rows (titles and recorded
  statuses); "loaded" is the first frame with every step checked (ready/blocked and why): the
  first frame itself when the home screen drew the child's overview before it. The
  console is started as ``release-console`` starts it (``console.tui.open_tui``): the checks run
  in a child process beside Textual's import.
- Both apps run headless at an explicit 80x24, as a terminal reports its size: without it, the
  headless driver first reports 80x25 and then 80x24, and a screen laid out before that settles
  (the home screen is) is laid out and drawn twice more.
- Before timing, the product's modules are byte-compiled (``compileall``), as any start after the
  first leaves them; Textual's own are compiled at install. Without this, a machine that sets
  ``PYTHONDONTWRITEBYTECODE`` (this sandbox does) recompiles ~30 modules on every start.
- the median time of ``release-console status`` next to ``python -c 'import git'`` (goal: <= 2x;
  the floor from when status imported GitPython, kept so the figures compare across stops) and
  next to a bare ``python -c pass``: what the console itself adds to an interpreter's start.

Run: .venv/bin/python benchmarks/startup.py [--runs N] [--no-compile]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

MINIMAL = """
from textual.app import App
from textual.widgets import Static
class Minimal(App):
    def compose(self):
        yield Static("hello")
    def on_mount(self):
        self.call_after_refresh(lambda: (print("first", flush=True), self.exit()))
Minimal().run(headless=True, size=(80, 24))
"""

CONSOLE = """
import sys
from pathlib import Path
from console.overview_child import EarlyOverview
from console.wiring import Options
options = Options(repo=Path(sys.argv[1]))
early = EarlyOverview.start(options)  # as console.tui.open_tui does, before Textual's import
from console.app import ReleaseConsoleApp
from screens.home import HomeScreen
original = HomeScreen.show_overview
def show(self, overview):
    original(self, overview)
    self.call_after_refresh(lambda: (print("shown", flush=True), print("loaded", flush=True),
                                     self.app.exit()))
HomeScreen.show_overview = show
class Timed(ReleaseConsoleApp):
    def on_mount(self):
        self.call_after_refresh(self.painted)
    def painted(self):
        print("first", flush=True)
        lists = self.screen.query("#checklist")
        if lists and lists.first().option_count:
            print("shown", flush=True)
        if getattr(self.screen, "rows", ()):  # drawn from a checked overview, in this frame
            print("loaded", flush=True)
Timed(options, early).run(headless=True, size=(80, 24))
early.discard()
"""


def timed_lines(args: list[str], cwd: Path) -> dict[str, float]:
    """Seconds from spawn to each line the child prints."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True)
    marks: dict[str, float] = {}
    assert proc.stdout is not None
    for line in proc.stdout:
        marks.setdefault(line.strip(), time.perf_counter() - start)
    proc.wait()
    marks["exit"] = time.perf_counter() - start
    return marks


def median(values: list[float]) -> float:
    return statistics.median(values)


def make_repo(base: Path) -> Path:
    from console.demo import build_sandbox

    project = build_sandbox(base)
    subprocess.run([sys.executable, "-m", "console", "start", "--bump", "minor"], cwd=project,
                   check=True, capture_output=True)
    return project


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--no-compile", action="store_true",
                        help="leave the product's bytecode as it is (with PYTHONDONTWRITEBYTECODE "
                        "set and no __pycache__, every start compiles the modules it imports)")
    args = parser.parse_args()
    py = sys.executable
    if not args.no_compile:
        subprocess.run([py, "-m", "compileall", "-q", "console", "screens", "services"],
                       cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    with tempfile.TemporaryDirectory() as tmp:
        repo = make_repo(Path(tmp) / "demo")
        minimal, first, shown, loaded, status, import_git, bare = [], [], [], [], [], [], []
        for _ in range(args.runs):
            minimal.append(timed_lines([py, "-c", MINIMAL], ROOT)["first"])
            marks = timed_lines([py, "-c", CONSOLE, str(repo)], ROOT)
            first.append(marks["first"])
            shown.append(marks["shown"])
            loaded.append(marks["loaded"])
            status.append(timed_lines([py, "-m", "console", "status"], repo)["exit"])
            import_git.append(timed_lines([py, "-c", "import git"], ROOT)["exit"])
            bare.append(timed_lines([py, "-c", "pass"], ROOT)["exit"])
    print(f"runs: {args.runs} (medians)")
    print(f"minimal Textual app, first frame : {median(minimal):.3f} s")
    print(f"home screen, first frame         : {median(first):.3f} s   "
          f"ratio {median(first) / median(minimal):.2f} (goal <= 1.3)")
    print(f"home screen, checklist on screen : {median(shown):.3f} s   "
          f"ratio {median(shown) / median(minimal):.2f} (goal <= 1.3)")
    print(f"home screen, checklist loaded    : {median(loaded):.3f} s   "
          f"ratio {median(loaded) / median(minimal):.2f} (goal <= 1.3)")
    print(f"python -c 'import git'           : {median(import_git):.3f} s")
    print(f"release-console status           : {median(status):.3f} s   "
          f"ratio {median(status) / median(import_git):.2f} (goal <= 2)")
    print(f"python -c pass                   : {median(bare):.3f} s   "
          f"status / bare python {median(status) / median(bare):.2f}")


if __name__ == "__main__":
    main()
