"""A demo world for hotfix tests: v1.3.0 released end to end, then a fix and a feature on main.

The release is done the way a captain does it (``release-console`` in a subprocess, the loopback
GitHub over HTTP), so the hotfix starts from a real signed, pushed and published tag.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.conftest import git, last_said, run_cli

FIX_SUBJECT = "Persistence unlock: retry on slow USB 2 sticks"
FEATURE_SUBJECT = "Flash app: dark mode"


def cli(project: Path, env: dict[str, str], *args: str) -> str:
    result = run_cli(*args, cwd=project, env=env)
    assert result.returncode == 0, f"{args}: {result.stdout}\n{result.stderr}"
    return result.stdout


def add_migration(project: Path, old: str, new: str) -> None:
    migration = project / "MIGRATION.md"
    migration.write_text(migration.read_text().replace(
        "# Migration guide\n\n", f"# Migration guide\n\n## {old} -> {new}\n\nNo migration "
        "required.\n\n", 1))


def build_isos(project: Path, tag: str) -> None:
    for arch in ("amd64", "arm64"):
        (project / "build" / f"pai-{tag}-{arch}.iso").write_bytes(
            f"PAI {tag} {arch}\n".encode() * 4096)


def finish_with_next(project: Path, env: dict[str, str], *, old: str, new: str,
                     limit: int = 30, stop_before: str = "") -> list[str]:
    """``next --yes`` until every step is done (writing the MIGRATION.md section when its step
    comes up, as the captain does); returns the step ids in the order they ran."""
    ran: list[str] = []
    status = json.loads(cli(project, env, "status", "--json"))
    step = status["next"] if status["session"] is not None else None
    for _ in range(limit):
        if step in {None, stop_before}:
            return ran
        ran.append(step)
        if step == "migration":
            add_migration(project, old, new)
        step = said_next(cli(project, env, "next", "--yes"))
    raise AssertionError(f"the release did not finish: {ran}")


def said_next(output: str) -> str | None:
    """The step a run's last line names ("Next: ID — ..."); None after "Every step is done."."""
    lines = output.strip().splitlines()
    if "Every step is done." in lines:  # a line may follow: the reopen commit left to push
        return None
    said = last_said(output)  # the last line, wrapped at the width
    assert said.startswith("Next: ") and " ".join(output.split()).endswith(said), output
    return said.removeprefix("Next: ").split(" ", 1)[0]


def smoke_sign(project: Path, env: dict[str, str]) -> None:
    for arch, hardware in (("amd64", "ThinkPad X1"), ("arm64", "MacBook Air M2")):
        cli(project, env, "smoke", "sign", "--arch", arch, "--tester", "Ana",
            "--hardware", hardware, "--pass", "all")


def release_1_3_0(project: Path, env: dict[str, str]) -> None:
    cli(project, env, "start", "1.3.0")
    cli(project, env, "checklist", "tick", "preflight", "all")
    smoke_sign(project, env)
    finish_with_next(project, env, old="v1.2.0", new="v1.3.0")
    git(project, "push", "-q", "origin", "main")


def fix_and_feature(project: Path) -> tuple[str, str]:
    """Two commits on main after v1.3.0: the fix (code only) and a feature (code + CHANGELOG)."""
    (project / "src").mkdir(exist_ok=True)
    (project / "src" / "unlock.sh").write_text("retry=3\n")
    git(project, "add", "src/unlock.sh")
    git(project, "commit", "-q", "-m", FIX_SUBJECT)
    fix = git(project, "rev-parse", "HEAD").strip()
    (project / "src" / "flash.sh").write_text("theme=dark\n")
    changelog = project / "CHANGELOG.md"
    changelog.write_text(changelog.read_text().replace(
        "## [Unreleased]\n", f"## [Unreleased]\n\n### Added\n\n- {FEATURE_SUBJECT}.\n", 1))
    git(project, "add", "src/flash.sh", "CHANGELOG.md")
    git(project, "commit", "-q", "-m", FEATURE_SUBJECT)
    feature = git(project, "rev-parse", "HEAD").strip()
    git(project, "push", "-q", "origin", "main")
    return fix, feature


def is_ancestor(repo: Path, a: str, b: str) -> bool:
    return subprocess.run(["git", "merge-base", "--is-ancestor", a, b], cwd=repo,
                          capture_output=True, check=False).returncode == 0


def signed_tag(project: Path, tag: str) -> None:
    """A release tag signed the way the demo's policy pins (ssh key, allowed signers)."""
    key = project.parent / "token" / "id_tag_ed25519"
    git(project, "-c", "gpg.format=ssh", "-c", f"user.signingKey={key}", "tag", "-s", "-m",
        f"PAI {tag}", tag)


def quick_world(project: Path) -> None:
    """v1.3.0 as a signed tag on a release commit (no GitHub round trip), then main moves on with
    ``src/unlock.sh`` at ``retry=1`` in the tag."""
    changelog = project / "CHANGELOG.md"
    text = changelog.read_text()
    changelog.write_text(text.replace("## [Unreleased]\n", "## [1.3.0] — 2026-11-01\n", 1)
                         .replace("compare/v1.2.0...HEAD", "compare/v1.2.0...v1.3.0", 1)
                         .replace("[Unreleased]:", "[1.3.0]:", 1))
    (project / "src").mkdir(exist_ok=True)
    (project / "src" / "unlock.sh").write_text("retry=1\n")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "Release v1.3.0")
    signed_tag(project, "v1.3.0")


def pushed_quick_world(base: Path) -> Path:
    """The demo with :func:`quick_world`'s v1.3.0, main and the tag on the remote."""
    from console.demo import build_sandbox

    path = build_sandbox(base / "demo", built="1.3.0")
    quick_world(path)
    git(path, "push", "-q", "origin", "main", "v1.3.0")
    return path


def commit(project: Path, name: str, text: str, subject: str) -> str:
    path = project / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    git(project, "add", name)
    git(project, "commit", "-q", "-m", subject)
    return git(project, "rev-parse", "HEAD").strip()


def reopen_unreleased(project: Path) -> None:
    """Main after the quick world's release: an empty [Unreleased] reopened and committed."""
    changelog = project / "CHANGELOG.md"
    changelog.write_text(changelog.read_text().replace(
        "## [1.3.0]", "## [Unreleased]\n\n## [1.3.0]", 1).replace(
        "[1.3.0]: ", "[Unreleased]: https://github.com/example-org/pai/compare/v1.3.0...HEAD\n"
        "[1.3.0]: ", 1))
    git(project, "commit", "-q", "-am", "Post-release v1.3.0: reopen [Unreleased]")


def main_moves_on(project: Path) -> None:
    """Main after the release: an [Unreleased] entry committed and pushed, which merge-back
    then meets (the hotfix's section must go below it)."""
    changelog = project / "CHANGELOG.md"
    changelog.write_text(changelog.read_text().replace(
        "## [Unreleased]\n", "## [Unreleased]\n\n### Added\n\n- Offline maps.\n", 1))
    git(project, "commit", "-q", "-am", "Offline maps")
    git(project, "push", "-q", "origin", "main")


def hotfix_changelog_tagged(project: Path, subject: str = "Release v1.3.1: changelog") -> None:
    """The hotfix's changelog step as it leaves the branch: [1.3.1] with its footer link above
    [1.3.0], committed as ``subject``, tagged v1.3.1 (signed) and pushed with the branch."""
    changelog = project / "CHANGELOG.md"
    changelog.write_text(changelog.read_text().replace(
        "## [1.3.0]", "## [1.3.1] — 2026-11-20\n\n### Fixed\n\n- Unlock: retry on slow sticks.\n\n"
        "## [1.3.0]", 1).replace(
        "[1.3.0]: ", "[1.3.1]: https://github.com/example-org/pai/compare/v1.3.0...v1.3.1\n"
        "[1.3.0]: ", 1))
    git(project, "commit", "-q", "-am", subject)
    signed_tag(project, "v1.3.1")
    git(project, "push", "-q", "origin", "hotfix/v1.3.1", "v1.3.1")


KILL_SHIM = """#!/bin/sh
"{real}" "$@"
rc=$?
if [ -n "$RC_KILL_AFTER" ] && [ "$1" = "$RC_KILL_AFTER" ]; then kill -KILL 0; fi
exit $rc
"""


def killed_after(project: Path, git_command: str, *args: str,
                 env: dict[str, str] | None = None, server: Any = None,
                 http: str | Callable[[str, str], bool] = "") -> subprocess.CompletedProcess[str]:
    """The console run as a captain does, SIGKILLed with its whole process group right after the
    first ``git GIT_COMMAND`` it runs has returned (a ``git`` shim first on ``PATH``), or once
    the loopback GitHub ``server`` has handled the first ``HTTP`` request (a method, e.g.
    "PATCH", or a test of method and path) and before it answers: the effect is made, its
    record is not."""
    import os
    import shutil
    import signal
    import sys

    shims = project.parent / "kill-shims"
    shims.mkdir(exist_ok=True)
    shim = shims / "git"
    shim.write_text(KILL_SHIM.format(real=shutil.which("git")))
    shim.chmod(0o755)
    full = {**os.environ, **(env or {}), "RC_KILL_AFTER": git_command,
            "PATH": f"{shims}{os.pathsep}{os.environ['PATH']}"}
    proc = subprocess.Popen([sys.executable, "-m", "console", *args], cwd=project, env=full,
                            text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)

    def hook(method: str, path: str, _status: int) -> None:
        if (http(method, path) if callable(http) else method == http):
            os.killpg(proc.pid, signal.SIGKILL)

    if server is not None:
        server.after_handling = hook
    try:
        out, err = proc.communicate(timeout=300)
    finally:
        if server is not None:
            server.after_handling = None
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def journal_actions(project: Path, tag: str) -> list[tuple[str, str]]:
    lines = (project / ".release" / tag / "journal.jsonl").read_text().splitlines()
    return [(json.loads(line)["step"], json.loads(line)["action"]) for line in lines]
