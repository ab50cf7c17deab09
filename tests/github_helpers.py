"""Fixtures for the GitHub side: a loopback GitHub per test, a token, a project ready to release.

Every response the sandbox sends during a test is validated against the OpenAPI schema of its
operation; a test that provoked an invalid answer fails at teardown. The token is a canary: tests
scan what the console wrote and printed for it.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from jaraco.classes import properties
from keyring.backend import KeyringBackend

from console.sandbox import SandboxServer, start_sandbox
from console.sandbox.validation import OpenAPIValidator
from services import engine
from services.flows import runbook
from services.session import Session
from services.session_lifecycle import ReleaseRequest, start_release
from services.step_protocol import Context
from services.step_status import StepStatus
from tests.journal_helpers import record_finished

REPO = "acme/pai"
CANARY = "ghp_CANARY_7f3e9a1b2c4d5e6f7a8b9c0d1e2f3a4b5c6d"
NOTES = "## [0.2.0] — 2026-11-21\n\n### Added\n\n- Persistence unlock screen.\n"


@dataclass
class Sandbox:
    server: SandboxServer
    validator: OpenAPIValidator
    state_dir: Path

    @property
    def api_url(self) -> str:
        return self.server.api_url

    def requests(self, method: str = "", contains: str = "") -> list[Any]:
        return [r for r in self.server.requests
                if (not method or r.method == method) and contains in r.path]

    def github(self, token: str = CANARY) -> Any:
        from github import Auth, Github

        return Github(auth=Auth.Token(token), base_url=self.api_url, timeout=5, retry=None,
                      seconds_between_requests=None, seconds_between_writes=None)


@pytest.fixture
def sandbox(tmp_path_factory: pytest.TempPathFactory,
            monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    """A loopback GitHub with repository acme/pai; GITHUB_TOKEN is set to the canary."""
    import services.github.client as client_module

    monkeypatch.setattr(client_module, "BACKOFF_SECONDS", (0.0, 0.0, 0.0))
    monkeypatch.setenv("GITHUB_TOKEN", CANARY)
    state = tmp_path_factory.mktemp("sandbox-state")
    validator = OpenAPIValidator()
    server = start_sandbox(state, CANARY, repository=REPO, validator=validator)
    try:
        yield Sandbox(server, validator, state)
    finally:
        server.stop()
    assert validator.errors == [], "responses that break the OpenAPI schema:\n" + "\n".join(
        validator.errors)


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                          text=True).stdout


POLICY = """\
[project]
name = "PAI"
repository = "{repo}"

[release]
title = "PAI {{tag}}"

[artifacts]
dir = "build"
[[artifacts.files]]
arch = "amd64"
name = "pai-{{tag}}-amd64.iso"
[[artifacts.files]]
arch = "arm64"
name = "pai-{{tag}}-arm64.iso"

[checksums]
{checksums}

[signing]
backend = "minisign"

[github]
api_url = "{api}"
"""


PER_FILE = 'per_file = "{name}.sha256"'


def write_policy(repo: Path, api_url: str, extra: str = "", *, checksums: str = PER_FILE) -> None:
    """The project's release.toml; ``checksums`` is the body of its [checksums] table."""
    (repo / "release.toml").write_text(POLICY.format(repo=REPO, api=api_url,
                                                     checksums=checksums) + extra)
    git(repo, "add", "release.toml")
    git(repo, "commit", "-q", "-m", "Add release policy")


def write_artifacts(repo: Path, tag: str, *, size: int = 40_000) -> dict[str, bytes]:
    """Artifacts, .sha256 and .minisig files as the earlier steps would have left them."""
    build = repo / "build"
    build.mkdir(exist_ok=True)
    files: dict[str, bytes] = {}
    for arch in ("amd64", "arm64"):
        name = f"pai-{tag}-{arch}.iso"
        data = (arch.encode() * (size // len(arch) + 1))[:size]
        files[name] = data
        files[f"{name}.sha256"] = f"{hashlib.sha256(data).hexdigest()}  {name}\n".encode()
        files[f"{name}.minisig"] = f"untrusted comment: signature of {name}\nRWQ...\n".encode()
    for name, data in files.items():
        (build / name).write_bytes(data)
    return files


def remote(repo: Path) -> Path:
    bare = repo.parent / "remote.git"
    if not bare.exists():
        subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
        git(repo, "remote", "add", "origin", str(bare))
    return bare


def prepare_release(ctx_factory: Callable[..., Context], repo: Path, sandbox: Sandbox, *,
                    version: str = "0.2.0", channel: str = "stable",
                    ci: str | None = "success", checksums: str = PER_FILE,
                    api_url: str | None = None) -> Context:
    """Policy, session, signed-off tag, notes and artifacts: ready for push/draft/review.

    ``ci`` is the CI status the sandbox reports for the tagged commit (None: nothing reported);
    ``checksums`` is the policy's [checksums] table; ``api_url`` its [github] api_url (the
    sandbox's by default; "" leaves it to GITHUB_API_URL, keeping the port out of the commits).
    """
    write_policy(repo, sandbox.api_url if api_url is None else api_url, checksums=checksums)
    exclude = repo / ".git" / "info" / "exclude"
    exclude.write_text(exclude.read_text() + "build/\n" if exclude.exists() else "build/\n")
    ctx = ctx_factory()
    session = start_release(ctx, ReleaseRequest(version=version, channel=channel))
    git(repo, "tag", "-a", session.tag, "-m", f"PAI {session.tag}")
    if ci is not None:
        sandbox.server.add_status(REPO, git(repo, "rev-parse", "HEAD").strip(), "ci/build", ci)
    notes = ctx.store.directory(session.tag) / "notes.md"
    notes.write_text(NOTES.replace("0.2.0", session.version))
    write_artifacts(repo, session.tag)
    remote(repo)
    return ctx


def complete_steps_before(ctx: Context, step_id: str) -> None:
    """Mark every runbook step before ``step_id`` finished (their own tests cover them).

    They are marked skipped, not done: a done step is revalidated from its evidence, which these
    tests do not fake. A test that needs a step's evidence records it itself.
    """
    session = ctx.require_session()
    ids = [s.id for s in runbook(session.kind)]

    def mark(s: Session) -> None:
        for sid in ids[: ids.index(step_id)]:
            rec = s.step(sid)
            if rec.status not in engine.FINISHED:
                rec.status, rec.reason = StepStatus.SKIPPED, "covered by its own tests"

    record_finished(ctx, "earlier steps marked done", mark)


@pytest.fixture
def ready(request: pytest.FixtureRequest, make_ctx: Callable[..., Context], repo_path: Path,
          sandbox: Sandbox) -> Context:
    """A release prepared for one step, every earlier step finished: the step is the test
    module's ``READY_FOR`` (``"draft"`` when it names none)."""
    ctx = prepare_release(make_ctx, repo_path, sandbox)
    complete_steps_before(ctx, getattr(request.module, "READY_FOR", "draft"))
    return ctx


def run(ctx: Context, step_id: str, *, confirmed: bool = True) -> dict[str, Any]:
    from services.steps import registry

    return engine.run_step(ctx, registry()[step_id], confirmed=confirmed)


def release_patches(sandbox: Sandbox, since: int = 0) -> list[Any]:
    """PATCH requests GitHub answered on a release itself (not an asset) after log index
    ``since``: what publishing, editing or yanking a release sends."""
    return [r for r in sandbox.server.requests[since:]
            if r.method == "PATCH" and r.template == "/repos/{owner}/{repo}/releases/{release_id}"
            and r.status == 200]


def scan_for(secret: str, *roots: Path) -> list[Path]:
    """Every file under ``roots`` whose bytes contain ``secret``."""
    needle = secret.encode()
    hits = []
    for root in roots:
        for path in root.rglob("*"):
            if path.is_file() and needle in path.read_bytes():
                hits.append(path)
    return hits


def cli_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {"GITHUB_TOKEN": CANARY, "NO_COLOR": "1", "PYTHONPATH": str(Path(__file__).parent.parent)}
    env.update(extra or {})
    return env


def release_json(sandbox: Sandbox, tag: str) -> dict[str, Any]:
    for rel in sandbox.server.release_data(REPO):
        if rel["tag_name"] == tag:
            return dict(rel)
    raise KeyError(tag)


def dump(data: Any) -> str:
    return json.dumps(data, indent=1, default=str)


def environ_without_token() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "GITHUB_TOKEN"}



class FileKeyring(KeyringBackend):
    """A keyring for tests (``PYTHON_KEYRING_BACKEND=tests.github_helpers.FileKeyring``).

    It keeps passwords in ``$HOME/test-keyring.json``: the isolated test HOME, never the repo.
    """

    @properties.classproperty
    def priority(cls) -> float:
        """Not a candidate for keyring's automatic choice: used only when asked for by name."""
        if os.environ.get("PYTHON_KEYRING_BACKEND") != "tests.github_helpers.FileKeyring":
            raise RuntimeError("the test keyring is used only via PYTHON_KEYRING_BACKEND")
        return 1.0

    @staticmethod
    def _path() -> Path:
        return Path(os.environ["HOME"]) / "test-keyring.json"

    def _load(self) -> dict[str, str]:
        path = self._path()
        return dict(json.loads(path.read_text())) if path.exists() else {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._load()
        data[f"{service}/{username}"] = password
        self._path().write_text(json.dumps(data))

    def delete_password(self, service: str, username: str) -> None:
        from keyring.errors import PasswordDeleteError

        data = self._load()
        if data.pop(f"{service}/{username}", None) is None:
            raise PasswordDeleteError("not found")
        self._path().write_text(json.dumps(data))


YANK_CHANGELOG = ("# Changelog\n\n## [Unreleased]\n\n## [0.2.0] — 2026-11-21\n\n### Added\n\n"
                  "- Unlock.\n\n## [0.1.0] — 2026-10-01\n\n- First.\n")


def yank_project(repo_path: Path, sandbox: Sandbox, published_body: str | None = None) -> Path:
    """A project whose CHANGELOG lists 0.2.0 and 0.1.0, its policy pointing at the sandbox;
    with ``published_body``, v0.2.0 is also published on GitHub (no local session records it)."""
    (repo_path / "CHANGELOG.md").write_text(YANK_CHANGELOG)
    git(repo_path, "add", "CHANGELOG.md")
    git(repo_path, "commit", "-q", "-m", "changelog")
    write_policy(repo_path, sandbox.api_url)
    if published_body is not None:
        sandbox.github().get_repo(REPO).create_git_release("v0.2.0", "PAI v0.2.0",
                                                           published_body, draft=False)
    return repo_path
