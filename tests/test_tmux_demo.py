"""The real ``release-console demo`` in a real terminal (tmux) at 80x24, read with capture-pane.

What a captain sees first: the checklist, then ``n`` opens the step to do with its whole text (no
line cut at 80 columns). tmux is one of the tools ./dev.sh installs. The screen is polled until
the expected text appears (a terminal has nothing to await), with a deadline.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

SESSION = "rc-demo-test"


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[str]:
    if shutil.which("tmux") is None:
        pytest.fail("tmux is not installed; ./dev.sh installs it")
    name = f"{SESSION}-{os.getpid()}-{tmp_path.name}"  # two test runs at once never collide
    console = Path(sys.executable).with_name("release-console")
    subprocess.run(["tmux", "new-session", "-d", "-s", name, "-x", "80", "-y", "24",
                    f"{console} demo --dir {tmp_path / 'demo'}"], check=True)
    try:
        yield name
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], check=False)


def screen(name: str) -> str:
    return subprocess.run(["tmux", "capture-pane", "-p", "-t", name], capture_output=True,
                          text=True, check=False).stdout  # "" once the app has quit


def wait_for(name: str, *texts: str, deadline: float = 60) -> str:
    end = time.monotonic() + deadline
    shown = ""
    while time.monotonic() < end:
        shown = screen(name)
        if all(t in shown for t in texts):
            return shown
        time.sleep(0.1)  # polling the terminal, not timing the app
    raise AssertionError(f"never shown: {texts}\n{shown}")


def keys(name: str, *sent: str) -> None:
    subprocess.run(["tmux", "send-keys", "-t", name, *sent], check=True)


def test_demo_in_a_real_terminal_at_80x24(tmux: str) -> None:
    # the footer's keys, drawn a frame after the checklist
    wait_for(tmux, "Runbook", "Pre-flight checks", "Reopen [Unreleased]",
             "No release in progress. Press s to start one.", "q Quit")
    keys(tmux, "s")
    wait_for(tmux, "Start a release", "The [Unreleased] entries call for 1.3.0.",
             "Enter starts v1.3.0 (stable).")
    keys(tmux, "Enter")
    wait_for(tmux, "PAI · v1.3.0 · stable · release · main · online")
    keys(tmux, "n")
    step = wait_for(tmux, "Manual checklist", "[ ] Docs in docs/ reflect the release")
    for whole in ("• Checklist item not ticked: Docs in docs/ reflect the release.",
                  "→ Tick it in the checklist below with space when it is true."):
        # (the hint line under them may sit below the "Started" toast for a few seconds)
        assert whole in step, step
    keys(tmux, "Space")
    wait_for(tmux, "[x] Docs in docs/ reflect the release")
    keys(tmux, "n")  # runs pre-flight and opens the changelog step
    # the whole hint line, uncut; a "done" toast may sit over its end for a few seconds first
    wait_for(tmux, "The entries call for a MINOR release (next: 1.3.0 from 1.2.0):",
             "n: asks, runs it and opens the next step · r: run it here.")
    keys(tmux, "q")
    end = time.monotonic() + 30
    while time.monotonic() < end and "Runbook" in screen(tmux):
        time.sleep(0.1)
    assert "Runbook" not in screen(tmux)
