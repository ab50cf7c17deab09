"""``release-console demo --no-tui``: the environment lines, and a server that keeps serving."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

from tests.conftest import run_cli


def test_demo_without_tui_prints_the_environment_and_serves_until_ctrl_c(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "console", "--offline", "demo", "--no-tui",
         "--dir", str(tmp_path / "demo")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ})
    assert proc.stdout is not None
    lines: list[str] = []
    try:
        for line in proc.stdout:
            lines.append(line.strip())
            if line.startswith("Ctrl-C"):
                break
        env = dict(line.removeprefix("export ").split("=", 1) for line in lines
                   if line.startswith("export "))
        assert set(env) == {"GITHUB_API_URL", "GITHUB_TOKEN", "RELEASE_CONSOLE_OFFLINE"}
        project = Path(next(x for x in lines if x.startswith("cd ")).removeprefix("cd "))
        # the lines work as printed: the CLI reaches the still-running sandbox GitHub
        request = urllib.request.Request(
            env["GITHUB_API_URL"] + "/repos/example-org/pai",
            headers={"Authorization": f"token {env['GITHUB_TOKEN']}"})
        with urllib.request.urlopen(request, timeout=5) as response:
            assert json.loads(response.read())["full_name"] == "example-org/pai"
        assert run_cli("start", "--bump", "minor", cwd=project, env=env).returncode == 0
        status = run_cli("status", cwd=project, env=env)
        assert status.returncode == 0 and "v1.3.0 · stable · release · main · offline" in \
            status.stdout
    finally:
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0
    assert "Stopped the sandbox GitHub." in out
