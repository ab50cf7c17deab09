"""The kill-everywhere harness: a demo release, killed with SIGKILL at one boundary, then resumed.

A *boundary* is the return of a child process the console runs (``git``, ``gpg``, ``minisign``,
``ssh-keygen``, through shims first on ``PATH``) or an HTTP request the loopback GitHub has
handled. Tools and server share one counter; at boundary N the console's whole process group is
killed: by the shim right after the real tool returned (the console is still waiting for it), or by
the server's ``after_handling`` hook after the request's effect is stored and before the answer is
sent (the console is still waiting for it). Both are deterministic: no timing is involved.

The harness walks one uninterrupted reference release, snapshotting the whole sandbox (project,
origin, keys, GitHub state) before each step and counting the step's boundaries. A trial restores
the snapshot before step S, runs ``next --yes`` killed at boundary N, then resumes with plain
``next --yes`` (doing only the captain's own inputs for later steps, as in the reference: the
MIGRATION.md section) until every step is done, and compares the world with the reference.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from console.demo import DEMO_REPOSITORY, build_sandbox
from console.sandbox.server import SandboxServer, start_sandbox
from services import secrets
from services.journal import Journal
from tests.forked_console import run_console

TOOLS = ("git", "gpg", "minisign", "ssh-keygen")
RUNBOOK = ("preflight", "changelog", "migration", "notes", "artifacts", "smoke", "checksums",
           "sign", "tag", "push", "draft", "review", "publish", "post-release")
TAG = "v1.3.0"
CANARY = "ghp_KILLEVERYWHERE_CANARY_5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d"
SHIM = """#!/bin/sh
"{real}" "$@"
rc=$?
if [ -n "$RC_BOUNDARY_FILE" ]; then
  n=$(flock "$RC_BOUNDARY_FILE.lock" sh -c \
'n=$(( $(cat "$0" 2>/dev/null || echo 0) + 1 )); echo $n > "$0"; echo $n' "$RC_BOUNDARY_FILE")
  printf '%s {name} %.120s\\n' "$n" "$*" >> "$RC_BOUNDARY_FILE.log"
  if [ "$n" = "$RC_KILL_AT" ]; then
    if [ -n "$RC_KILL_GROUP" ]; then kill -KILL "-$RC_KILL_GROUP"; else kill -KILL 0; fi
  fi
fi
exit $rc
"""
EFFECTS = ("git commit", "git tag", "git push", "git -c gpg.format=ssh", "minisign -S",
           "POST ", "PATCH ", "PUT ", "DELETE ")


def make_shims(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name in TOOLS:
        real = shutil.which(name)
        if real is None:
            continue
        shim = directory / name
        shim.write_text(SHIM.format(real=real, name=name))
        shim.chmod(0o755)
    return directory


@dataclass
class Boundary:
    number: int
    what: str

    @property
    def effect(self) -> bool:
        return any(self.what.startswith(prefix) for prefix in EFFECTS) and \
            "minisign -Vm" not in self.what


@dataclass
class Demo:
    """One sandbox: the project, its origin and keys, and the loopback GitHub (a free port,
    kept for its restarts)."""

    base: Path
    work: Path  # shims, counters, snapshots: outside the sandbox
    token: str
    server: SandboxServer | None = None
    port: int = 0
    console: subprocess.Popen[str] | None = None
    kill_at: int = 0
    snapshots: dict[str, Path] = field(default_factory=dict)
    boundaries: dict[str, list[Boundary]] = field(default_factory=dict)

    @property
    def project(self) -> Path:
        return self.base / "pai"

    @property
    def counter(self) -> Path:
        return self.work / "boundaries"

    def start_server(self) -> None:
        self.server = start_sandbox(self.base / "github", self.token, port=self.port,
                                    repository=DEMO_REPOSITORY, green_ci_by_default=True)
        self.port = self.server.port
        self.server.after_handling = self._http_boundary

    def stop_server(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None

    def _bump(self, what: str) -> int:
        with open(f"{self.counter}.lock", "a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            n = int(self.counter.read_text() or 0) + 1 if self.counter.exists() else 1
            self.counter.write_text(f"{n}\n")
            with open(f"{self.counter}.log", "a") as log:
                log.write(f"{n} {what}\n")
        return n

    def _http_boundary(self, method: str, path: str, status: int) -> None:
        if self.console is None:
            return  # the harness itself looking at GitHub
        n = self._bump(f"{method} {path[:100]} {status}")
        if n == self.kill_at:
            os.killpg(self.console.pid, signal.SIGKILL)

    def reset_counter(self) -> None:
        for path in (self.counter, Path(f"{self.counter}.log")):
            path.unlink(missing_ok=True)

    def read_boundaries(self) -> list[Boundary]:
        log = Path(f"{self.counter}.log")
        if not log.exists():
            return []
        found = []
        for line in log.read_text().splitlines():
            number, _, what = line.partition(" ")
            found.append(Boundary(int(number), what))
        return sorted(found, key=lambda b: b.number)

    def cli(self, *args: str, kill_at: int = 0, count: bool = False) -> subprocess.CompletedProcess[str]:
        """The console as a captain runs it; one counted or killed runs in a new interpreter in its
        own process group (the unit killed)."""
        assert self.server is not None
        env = {**os.environ, "GITHUB_API_URL": self.server.api_url, "GITHUB_TOKEN": self.token,
               "PATH": f"{self.work / 'shims'}{os.pathsep}{os.environ['PATH']}"}
        if count or kill_at:
            self.reset_counter()  # boundaries are counted per command
            env["RC_BOUNDARY_FILE"] = str(self.counter)
            env["RC_KILL_AT"] = str(kill_at) if kill_at else ""
        else:
            # Nothing is counted or killed (setting up, resuming): a forked console will do.
            return run_console(args, cwd=self.project, env=env)
        self.kill_at = kill_at
        # The shim kills the console's whole group, named here ($$ is the interpreter after
        # exec): "its own group" was a detached tool's (a bounded `git ls-remote` runs in a
        # session of its own), and the kill then hit git alone while the console went on.
        self.console = subprocess.Popen(["/bin/sh", "-c", 'RC_KILL_GROUP=$$ exec "$0" -m console "$@"',
                                         sys.executable, *args],
                                        cwd=self.project, env=env, text=True,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        start_new_session=True)
        try:
            out, err = self.console.communicate(timeout=300)
            return subprocess.CompletedProcess(self.console.args, self.console.returncode,
                                               out, err)
        finally:
            self.console = None
            self.kill_at = 0

    def ok(self, *args: str) -> str:
        result = self.cli(*args)
        assert result.returncode == 0, f"{args}: {result.stderr}{result.stdout}"
        return result.stdout

    # --- the captain's own inputs -----------------------------------------------------------
    def session(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(
            (self.project / ".release" / TAG / "session.json").read_text())
        return data

    def next_step(self) -> str:
        steps = self.session()["steps"]
        for step in RUNBOOK:
            if steps.get(step, {}).get("status") not in ("done", "skipped"):
                return step
        return ""

    def prepare(self, step: str) -> None:
        """What the captain does by hand before a step, as in the reference walk."""
        if step == "migration":
            migration = self.project / "MIGRATION.md"
            text = migration.read_text()
            if "## v1.2.0 -> v1.3.0" not in text:
                migration.write_text(text.replace(
                    "# Migration guide\n\n", "# Migration guide\n\n## v1.2.0 -> v1.3.0\n\n"
                    "No migration required.\n\n"))

    def begin(self) -> None:
        self.ok("start", "--bump", "minor")
        self.ok("checklist", "tick", "preflight", "all")
        for arch, hardware in (("amd64", "ThinkPad X1"), ("arm64", "MacBook Air M2")):
            self.ok("smoke", "sign", "--arch", arch, "--tester", "Ana", "--hardware", hardware,
                    "--pass", "all")

    def resume(self) -> list[str]:
        """Plain ``next --yes`` until every step is done; returns what each run said."""
        said: list[str] = []
        for _ in range(3 * len(RUNBOOK)):
            step = self.next_step()
            if not step:
                return said
            self.prepare(step)
            result = self.cli("next", "--yes")
            said.append(result.stdout + result.stderr)
            assert result.returncode == 0, (
                f"resuming at {step} failed (exit {result.returncode}): {result.stderr}")
        raise AssertionError(f"the release did not finish: {said[-3:]}")

    # --- snapshots ---------------------------------------------------------------------------
    def snapshot(self, name: str) -> None:
        target = self.work / "snapshots" / name
        shutil.copytree(self.base, target, symlinks=True)
        self.snapshots[name] = target

    def restore(self, name: str) -> None:
        self.stop_server()
        shutil.rmtree(self.base)
        shutil.copytree(self.snapshots[name], self.base, symlinks=True)
        self.start_server()

    # --- the world ---------------------------------------------------------------------------
    def world(self) -> dict[str, Any]:
        """Everything an uninterrupted release leaves behind that a user or auditor sees."""
        def git(cwd: Path, *args: str) -> str:
            return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                                  text=True).stdout

        origin = self.base / "origin.git"
        assert self.server is not None
        releases = [r for r in self.server.release_data(DEMO_REPOSITORY)
                    if r.get("tag_name") == TAG]
        ids = {r["id"] for r in releases}
        with self.server.state.lock:
            stored = list(self.server.state.data["repos"][DEMO_REPOSITORY]["assets"].values())
        assets = []
        for asset in (a for a in stored if a["release_id"] in ids):
            data = self.server.state.asset_path(int(asset["id"])).read_bytes()
            local = self.project / "build" / asset["name"]
            same = local.is_file() and local.read_bytes() == data
            # A minisign signature carries its own timestamp, so two runs never make the same
            # bytes: it must be the local signature byte for byte, and verify.
            digest = hashlib.sha256(data).hexdigest()
            if asset["name"].endswith(".minisig"):
                digest = "verifies" if subprocess.run(
                    ["minisign", "-Vm", str(local.with_suffix("")), "-x", str(local), "-p",
                     str(self.project / "minisign.pub")], capture_output=True,
                    check=False).returncode == 0 else "DOES NOT VERIFY"
            assets.append((asset["name"], asset.get("state", ""), digest, same))
        assets.sort()
        session = self.session()
        journal = Journal(self.project / ".release" / TAG / "journal.jsonl")
        return {
            "commits": git(self.project, "log", "--format=%s %T", "main").splitlines(),
            "dirty": git(self.project, "status", "--porcelain"),
            "tags": git(self.project, "tag", "--points-at", f"{TAG}^{{commit}}").split(),
            "tagged": git(self.project, "rev-parse", f"{TAG}^{{commit}}").strip(),
            "tag_verifies": subprocess.run(
                ["git", "-c", "gpg.ssh.allowedSignersFile=allowed_signers", "verify-tag", TAG],
                cwd=self.project, capture_output=True, check=False).returncode == 0,
            "origin": git(origin, "rev-parse", "main", f"{TAG}^{{commit}}").split(),
            "releases": [(r["draft"], r["prerelease"], r["name"]) for r in releases],
            "assets": assets,
            "steps": {s: session["steps"].get(s, {}).get("status") for s in RUNBOOK},
            "state": session["state"],
            "journal": [p.message for p in journal.verify(
                expected_head=session["journal"]["head"],
                expected_count=session["journal"]["count"])],
        }


def new_demo(root: Path, token: str) -> Demo:
    secrets.register(token)
    base = root / "demo"
    build_sandbox(base, built="1.3.0")
    demo = Demo(base=base, work=root / "work", token=token)
    make_shims(demo.work / "shims")
    demo.start_server()
    assert demo.server is not None
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=demo.project, capture_output=True,
                          text=True, check=True).stdout.strip()
    demo.server.add_status(DEMO_REPOSITORY, head, "ci/build-amd64", "success")
    return demo


def reference_walk(demo: Demo) -> dict[str, Any]:
    """The uninterrupted release: snapshot before each step, count each step's boundaries."""
    demo.begin()
    for step in RUNBOOK:
        demo.prepare(step)
        demo.snapshot(step)
        demo.reset_counter()
        result = demo.cli("next", "--yes", count=True)
        assert result.returncode == 0, f"{step}: {result.stderr}"
        assert demo.session()["steps"][step]["status"] == "done", step
        demo.boundaries[step] = demo.read_boundaries()
    return demo.world()


def trial(demo: Demo, step: str, n: int) -> tuple[dict[str, Any], str]:
    """Kill the console at boundary ``n`` of ``step``, resume, and return the world."""
    demo.restore(step)
    demo.reset_counter()
    killed = demo.cli("next", "--yes", kill_at=n)
    assert killed.returncode == -signal.SIGKILL, (
        f"{step} boundary {n} was not reached ({killed.returncode}): {killed.stderr}")
    said = demo.resume()
    return demo.world(), "\n".join(said)


def isolated_env(mp: Any, root: Path) -> None:
    """What tests/conftest.py's per-test isolation sets, for fixtures that outlive one test
    (``mp`` is a pytest MonkeyPatch)."""
    home = root / "home"
    (home / ".gnupg").mkdir(parents=True, mode=0o700, exist_ok=True)
    (home / ".gitconfig").write_text(
        "[user]\n\tname = Casey Captain\n\temail = casey@example.org\n"
        "[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n[tag]\n\tgpgsign = false\n")
    for key, value in (("HOME", str(home)), ("GNUPGHOME", str(home / ".gnupg")),
                       ("GIT_CONFIG_NOSYSTEM", "1"), ("NO_COLOR", "1"),
                       ("GIT_AUTHOR_DATE", "2026-11-21T12:00:00Z"),
                       ("GIT_COMMITTER_DATE", "2026-11-21T12:00:00Z")):
        mp.setenv(key, value)
    for key in ("GITHUB_TOKEN", "GITHUB_API_URL", "RELEASE_CONSOLE_OFFLINE"):
        mp.delenv(key, raising=False)
