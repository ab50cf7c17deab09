"""The whole PAI release, end to end, as a captain does it from the command line.

It runs on the demo sandbox (``release-console demo``): a real git repository with a bare origin,
a real minisign key, and the loopback GitHub over real HTTP, with every response validated against
GitHub's OpenAPI description. The token is a canary that must not appear anywhere afterwards.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from console.demo import DEMO_REPOSITORY, build_sandbox, start_github
from console.sandbox.server import SandboxServer
from console.sandbox.validation import OpenAPIValidator
from tests.conftest import git, run_cli

CANARY = "ghp_WALKTHROUGH_CANARY_0f1e2d3c4b5a69788796a5b4c3d2e1f0"


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[tuple[Path, SandboxServer, dict[str, str]]]:
    project = build_sandbox(tmp_path / "demo", built="1.3.0")
    server, token = start_github(tmp_path / "demo", project, token=CANARY)
    validator = OpenAPIValidator()
    server.validator = validator
    env = {"GITHUB_API_URL": server.api_url, "GITHUB_TOKEN": token}
    try:
        yield project, server, env
    finally:
        server.stop()
    assert validator.errors == [], validator.errors


def api_get(server: SandboxServer, env: dict[str, str], path: str) -> Any:
    """GET the API as any GitHub client would: over HTTP, with the token header."""
    request = urllib.request.Request(server.api_url + path,
                                     headers={"Authorization": f"token {env['GITHUB_TOKEN']}"})
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())


def cli(project: Path, env: dict[str, str], *args: str) -> str:
    result = run_cli(*args, cwd=project, env=env)
    assert result.returncode == 0, f"{args}: {result.stderr}"
    assert CANARY not in result.stdout + result.stderr
    return result.stdout


def verification_blocks(body: str) -> list[list[str]]:
    """The shell blocks of the notes' Verification section, each as its list of commands."""
    section = body[body.index("### Verification"):]
    return [block.splitlines() for block in re.findall(r"```sh\n(.*?)```", section, re.DOTALL)]


def test_full_release_from_the_command_line(demo: tuple[Path, SandboxServer, dict[str, str]],
                                            tmp_path: Path) -> None:
    project, server, env = demo
    cli(project, env, "start", "--bump", "minor")
    early = run_cli("push", "--rest", cwd=project, env=env)  # what a finished release leaves
    assert early.returncode == 2 and "v1.3.0 is in progress" in early.stderr, early.stderr
    cli(project, env, "checklist", "tick", "preflight", "all")
    assert "green" in cli(project, env, "run", "preflight")
    cli(project, env, "run", "changelog", "--yes")
    migration = project / "MIGRATION.md"
    migration.write_text(migration.read_text().replace(
        "# Migration guide\n\n", "# Migration guide\n\n## v1.2.0 -> v1.3.0\n\n"
        "No migration required.\n\n"))
    for step in ("migration", "notes", "artifacts"):
        cli(project, env, "run", step)
    for arch, hardware in (("amd64", "ThinkPad X1"), ("arm64", "MacBook Air M2")):
        cli(project, env, "smoke", "sign", "--arch", arch, "--tester", "Ana",
            "--hardware", hardware, "--pass", "all")
    for step in ("smoke", "checksums", "sign", "tag"):
        cli(project, env, "run", step)
    cli(project, env, "run", "push", "--yes")
    cli(project, env, "run", "draft")
    cli(project, env, "run", "review")
    cli(project, env, "run", "publish", "--yes")
    # the run that ends the release says what is left: the reopen commit is still local
    assert "Still to do: push the 1 commit left after the release (the reopen commit): " \
        "`release-console push --rest`." in " ".join(cli(project, env, "run",
                                                         "post-release").split())

    # What a user downloading the release sees: published, latest, six verified assets.
    release = api_get(server, env, f"/repos/{DEMO_REPOSITORY}/releases/tags/v1.3.0")
    assert api_get(server, env, f"/repos/{DEMO_REPOSITORY}/releases/latest")["id"] == release["id"]
    assert release["tag_name"] == "v1.3.0" and release["draft"] is False
    assert release["name"] == "PAI v1.3.0"
    names = sorted(a["name"] for a in release["assets"])
    # the demo publishes its keys: users verify with the minisign.pub downloaded beside the files
    assert names == sorted([*(f"pai-v1.3.0-{arch}.iso{suffix}" for arch in ("amd64", "arm64")
                              for suffix in ("", ".sha256", ".minisig")),
                            "minisign.pub", "allowed_signers"])
    download = tmp_path / "download"
    download.mkdir()
    for name in names:
        (download / name).write_bytes(server.asset_bytes(DEMO_REPOSITORY, name, tag="v1.3.0"))
    for arch in ("amd64", "arm64"):
        iso = f"pai-v1.3.0-{arch}.iso"
        digest = hashlib.sha256((download / iso).read_bytes()).hexdigest()
        asset = next(a for a in release["assets"] if a["name"] == iso)
        assert asset["digest"] == f"sha256:{digest}"
    # ... and follows the notes' Verification block as written: the download commands where the
    # files are, the tag's in a fresh clone, with no git configuration of the user's own
    blocks = verification_blocks(release["body"])
    assert len(blocks) == 2 and "minisign -Vm pai-v1.3.0-arm64.iso -p minisign.pub" in blocks[0]
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(project.parent / "origin.git"), str(clone))
    home = tmp_path / "home"
    home.mkdir()
    user = {**os.environ, "HOME": str(home), "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": os.devnull}
    for where, commands in ((download, blocks[0]), (clone, blocks[1])):
        for command in commands:
            ran = subprocess.run(["sh", "-c", command], cwd=where, env=user, capture_output=True,
                                 text=True, check=False)
            assert ran.returncode == 0, (command, ran.stdout, ran.stderr)

    # The repository: tag on origin, release commits, [Unreleased] reopened, tree clean.
    origin = project.parent / "origin.git"
    assert git(origin, "tag", "--list").split() == ["v1.1.0", "v1.2.0", "v1.3.0"]
    log = git(project, "log", "--format=%s", "-3").splitlines()
    assert log == ["Post-release v1.3.0: reopen [Unreleased]",
                   "Release v1.3.0: migration notes", "Release v1.3.0: changelog"]
    changelog = (project / "CHANGELOG.md").read_text()
    assert "## [Unreleased]\n\n## [1.3.0] — " in changelog
    assert "[Unreleased]: https://github.com/example-org/pai/compare/v1.3.0...HEAD" in changelog
    assert git(project, "status", "--porcelain") == ""
    verified = subprocess.run(["git", "-c", "gpg.ssh.allowedSignersFile=allowed_signers",
                               "verify-tag", "v1.3.0"], cwd=project, capture_output=True,
                              text=True, check=False)
    assert verified.returncode == 0, verified.stderr
    assert 'Good "git" signature for captain@pai.example' in verified.stderr

    # The audit trail is whole, and no file the console wrote holds the token.
    assert "chain intact" in cli(project, env, "journal", "verify", "--tag", "v1.3.0")
    status = json.loads(cli(project, env, "status", "--json"))
    assert status["session"] is None
    assert "the last session: v1.3.0 released" in cli(project, env, "status")
    # `next` after the last step (say, after a kill right there) says it is done, not an error
    done = cli(project, env, "next")
    assert "Every step is done: v1.3.0 released." in done and "push --rest" in done

    # The reopen commit is left local; the command line pushes it as the TUI's summary does.
    reopen = git(project, "rev-parse", "HEAD").strip()
    said = cli(project, env, "status")  # one commit: "push it" (walked: "1 commit ... them")
    assert "push the 1 commit left" in said
    assert "Push it with `release-console push --rest`" in said
    planned = cli(project, env, "push", "--rest", "--dry-run")
    # the plan's sentences are wrapped at 80 columns (a long path goes whole to its own line)
    assert f"Remote origin: {origin}" in " ".join(planned.split())
    assert "reopen [Unreleased]" in planned
    assert git(origin, "rev-parse", "main").strip() != reopen  # a dry run pushes nothing
    # the remote gone (a moved origin, no network): the push's plain sentence, as the steps say
    git(project, "remote", "set-url", "origin", str(project.parent / "moved.git"))
    gone = run_cli("push", "--rest", "--yes", cwd=project, env=env)
    assert gone.returncode == 3, gone.stdout + gone.stderr
    assert f"Cannot reach the remote origin ({project.parent / 'moved.git'})" in gone.stderr
    git(project, "remote", "set-url", "origin", str(origin))
    assert f"Pushed {reopen[:12]} to origin" in cli(project, env, "push", "--rest", "--yes")
    assert git(origin, "rev-parse", "main").strip() == reopen
    assert "Nothing left to push after v1.3.0" in cli(project, env, "push", "--rest")
    assert "chain intact" in cli(project, env, "journal", "verify", "--tag", "v1.3.0")
    assert '"action": "pushed"' in cli(project, env, "journal", "show", "--tag", "v1.3.0", "--json")
    for path in (project / ".release").rglob("*"):
        if path.is_file():
            assert CANARY.encode() not in path.read_bytes(), path
    assert not [r for r in server.requests if r.method == "DELETE"]
