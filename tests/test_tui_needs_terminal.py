"""The TUI refuses, in one sentence, where there is no terminal to draw on, instead of drawing to a
pipe and spinning a core until killed; the demo refuses before it builds anything."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def without_a_terminal(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """A new interpreter with stdin from /dev/null and stdout a pipe, bounded: before the refusal
    the TUI ran on with nothing to draw on, and this test would have hung instead of failing."""
    return subprocess.run([sys.executable, "-m", "console", *args], cwd=cwd, env=dict(os.environ),
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)


def test_the_demo_without_a_terminal_says_so_and_builds_nothing(tmp_path: Path) -> None:
    result = without_a_terminal("demo", "--dir", str(tmp_path / "demo"), cwd=tmp_path)
    assert result.returncode == 2
    assert "The TUI needs a terminal" in result.stderr
    assert "release-console demo --no-tui" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "demo").exists()


def test_no_command_without_a_terminal_names_the_commands_instead(repo_path: Path) -> None:
    result = without_a_terminal("--repo", str(repo_path), cwd=repo_path)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1  # one sentence, no traceback
    assert "The TUI needs a terminal" in result.stderr
    assert "`release-console status`" in result.stderr
