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
        assert status.returncode == 0 and "v1.3.0 · stable · release · main · OFFLINE" in \
            status.stdout
    finally:
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0
    assert "Stopped the sandbox GitHub." in out


def test_the_practice_world_has_a_history_and_builds_any_version(tmp_path: Path) -> None:
    from console.demo import build_sandbox
    from tests.conftest import git

    project = build_sandbox(tmp_path / "demo")
    for tag in ("v1.1.0", "v1.2.0"):  # each release tagged on its own release commit
        assert git(project, "log", "-1", "--format=%s", tag).strip() == \
            f"Release {tag}: changelog"
        assert f"## [{tag[1:]}] — " in git(project, "show", f"{tag}:CHANGELOG.md")
        # signed with the demo's key, so a hotfix can branch from it
        verified = subprocess.run(["git", "-c", "gpg.ssh.allowedSignersFile=allowed_signers",
                                   "tag", "-v", tag], cwd=project, capture_output=True, text=True)
        assert verified.returncode == 0, verified.stderr
        assert 'Good "git" signature for captain@pai.example' in verified.stderr
    after = git(project, "log", "--reverse", "--format=%s", "v1.2.0..HEAD").splitlines()
    assert after[0] == "Post-release v1.2.0: reopen [Unreleased]" and len(after) >= 3
    assert "## v1.1.0 -> v1.2.0" in (project / "MIGRATION.md").read_text()

    # a patch release has no images yet: the artifacts step says how to build them
    env = {"RELEASE_CONSOLE_OFFLINE": "1"}
    assert run_cli("start", "--bump", "patch", cwd=project, env=env).returncode == 0
    from console.wiring import Options, build_context
    from services.steps import registry

    ctx = build_context(Options(repo=project, offline=True))
    blockers = registry()["artifacts"].check(ctx)
    assert "pai-v1.2.1-amd64.iso" in blockers[0].reason
    assert "`./build.sh 1.2.1`" in blockers[0].remedy
    built = subprocess.run(["./build.sh", "1.2.1"], cwd=project, capture_output=True, text=True,
                           check=True)
    assert "build/pai-v1.2.1-arm64.iso" in built.stdout
    assert (project / "build" / "pai-v1.2.1-amd64.iso").stat().st_size > 0
    # a candidate and its stable release, one commit: the same images, so promotion can reuse
    # the candidate's smoke sign-offs
    for version in ("1.3.0-rc.1", "1.3.0"):
        subprocess.run(["./build.sh", version], cwd=project, check=True, capture_output=True)
    assert (project / "build" / "pai-v1.3.0-rc.1-arm64.iso").read_bytes() == \
        (project / "build" / "pai-v1.3.0-arm64.iso").read_bytes()


def test_air_gapped_demo_prints_lines_that_work_and_keeps_the_token_offline(tmp_path: Path) -> None:
    base = tmp_path / "ag"
    proc = subprocess.Popen(
        [sys.executable, "-m", "console", "demo", "--air-gapped", "--dir", str(base)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ})
    assert proc.stdout is not None
    lines: list[str] = []
    try:
        for line in proc.stdout:
            lines.append(line.strip())
            if "bundle import" in line and "back.tar" in line:
                break
        online_line = next(x for x in lines if x.startswith("online$  cd "))
        exports = dict(part.split("=", 1) for part in online_line.split("export ", 1)[1].split())
        # the token is printed to be copied (the sandbox's own), and it works on the sandbox
        request = urllib.request.Request(
            exports["GITHUB_API_URL"] + "/repos/example-org/pai",
            headers={"Authorization": f"token {exports['GITHUB_TOKEN']}"})
        with urllib.request.urlopen(request, timeout=5) as response:
            assert json.loads(response.read())["full_name"] == "example-org/pai"
        # the signing keys live only on the offline side
        assert (base / "offline" / "token" / "minisign.key").is_file()
        assert not list((base / "online").rglob("minisign.key"))
        assert (base / "usb").is_dir() and (base / "offline" / "pai" / ".git").is_dir()
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=30)
    assert proc.returncode == 0
