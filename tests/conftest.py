"""Shared fixtures: real temporary git repositories, a fixed clock, and contexts over them."""

from __future__ import annotations

import gc
import os
import subprocess
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from services.policy import Policy, load_policy
from services.repo import Repository
from services.session import SessionStore
from services.step_protocol import Context, NonInteractive

# The fixtures of the shared helpers (the loopback GitHub ``sandbox``, a ``ready`` release, the
# gpg-agent cleanup ``stop_gpg_agent``) for every test module, without importing them one by one.
pytest_plugins = ["tests.github_helpers", "tests.signing_keys", "tests.airgap_helpers",
                  "tests.build_helpers"]

FIXED_NOW = datetime(2026, 11, 21, 12, 0, 0, tzinfo=UTC)


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                          text=True).stdout


def pytest_collection_finish(session: pytest.Session) -> None:
    """Garbage collection sized for a test worker, once every test module is imported.

    Why: a Pilot test builds and drops thousands of widgets, and Python's default thresholds
    made each worker walk every live object (Textual, PyGithub, the test modules: about 100 ms
    a time) about once a test, and a young collection every 700 allocations: a sixth of a TUI
    test file's CPU. What the imports made is frozen out of the collections (it lives as long as
    the worker), and the young generation is collected every 5,000 allocations instead of 700.
    Garbage is still collected, only in fewer, larger batches; no test's behaviour depends on
    when (four TUI test files: about 39 s of CPU before, 32 s after).
    """
    gc.freeze()
    gc.set_threshold(5000, 10, 10)


def pytest_configure(config: pytest.Config) -> None:
    """Textual's parsed CSS shared by every app a worker starts (see ``_share_parsed_css``)."""
    _share_parsed_css()


def _share_parsed_css() -> None:
    """Each Textual app parses its CSS (the app's, every widget's and screen's defaults) anew:
    a Pilot test starts an app and several screens, and parsing was about 5% of a TUI test's
    CPU, the same text with the same theme variables every time. Here a worker parses each
    text once per set of variables and every app gets the same rules (Textual does not change
    a rule set once parsed; its own cache, per app, shares them the same way). CSS that fails
    to parse is not kept, so it fails in every app as before."""
    from textual.css.stylesheet import Stylesheet

    parse_once = Stylesheet._parse_rules
    parsed: dict[tuple[Any, ...], Any] = {}

    def parse_rules(self: Stylesheet, css: str, read_from: Any, is_default_rules: bool = False,
                    tie_breaker: int = 0, scope: str = "") -> Any:
        key = (css, read_from, is_default_rules, tie_breaker, scope,
               tuple(self._variables.items()))
        if key not in parsed:
            parsed[key] = parse_once(self, css, read_from, is_default_rules, tie_breaker, scope)
        return parsed[key]

    Stylesheet._parse_rules = parse_rules  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def _network_guard_off_after_each_test() -> Iterator[None]:
    """An in-process offline context switches the network guard on for the whole process (as
    it must in the console); a test worker runs many tests, so each starts with it off."""
    yield
    from services import netguard

    netguard.deactivate()


@pytest.fixture(autouse=True)
def _secrets_registered_by_this_test_only() -> Iterator[None]:
    """The secret registry is the process's, as in the console; a test worker runs many tests,
    so what one registers (a passphrase "wrong" in test_journal) is forgotten after it: it
    masked the reason "wrong build" typed in a later test on the same worker."""
    from services import secrets

    before = secrets.registered()
    yield
    secrets.forget_all_but(before)


@pytest.fixture(autouse=True)
def _toasts_stay_until_the_test_looks(monkeypatch: pytest.MonkeyPatch) -> None:
    """A toast the TUI raises is read by the test after the workers settle; on a loaded machine
    (CI's two cores beside other work) that took longer than the step's four-second toast, which
    had gone. The tests assert what a toast says and where, not how long it stays, so a toast
    here lasts until the screen clears it."""
    from textual.notifications import Notification

    monkeypatch.setattr(Notification, "time_left", property(lambda self: 3600.0))


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory,
                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep tests away from the developer's git config, keyring and GnuPG home."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GNUPGHOME", str(home / ".gnupg"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_AUTHOR_DATE", "2026-11-21T12:00:00Z")
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2026-11-21T12:00:00Z")
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    monkeypatch.delenv("GITHUB_API_URL", raising=False)
    monkeypatch.delenv("RELEASE_CONSOLE_OFFLINE", raising=False)
    monkeypatch.delenv("MINISIGN_CONFIG_DIR", raising=False)  # minisign's key is under HOME
    monkeypatch.setenv("NO_COLOR", "1")
    (home / ".gnupg").mkdir(mode=0o700)
    (home / ".gitconfig").write_text(
        "[user]\n\tname = Casey Captain\n\temail = casey@example.org\n"
        "[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n[tag]\n\tgpgsign = false\n"
    )


# A minisign public key (its secret half was thrown away): what pre-flight finds committed.
PINNED_PUBLIC_KEY = ("untrusted comment: minisign public key 4C2F4A6E1E2B2D3C\n"
                     "RWQ8LS0e4kovTM1oD7vJmWq2wC1bXyYyH3n4ZgkVbV6Yp6yJmG0F3f2a\n")


@pytest.fixture
def repo_path(tmp_path: Path) -> Path:
    """A git repository with one commit (README, and the minisign public key the default
    policy pins, as a project commits it) on main and a v0.1.0 tag."""
    path = tmp_path / "project"
    path.mkdir()
    git(path, "init", "-q", "-b", "main")
    (path / "README.md").write_text("# Project\n")
    (path / "minisign.pub").write_text(PINNED_PUBLIC_KEY)
    git(path, "add", "README.md", "minisign.pub")
    git(path, "commit", "-q", "-m", "Initial commit")
    git(path, "tag", "v0.1.0")
    return path


def commit_file(repo: Path, name: str, text: str, message: str = "") -> None:
    target = repo / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)
    git(repo, "add", name)
    git(repo, "commit", "-q", "-m", message or f"Add {name}")


@pytest.fixture
def make_ctx(repo_path: Path) -> Callable[..., Context]:
    """Build a Context over ``repo_path`` with the fixed clock; the active session is loaded."""

    def build(policy: Policy | None = None, *, offline: bool = False,
              assume_yes: bool = False) -> Context:
        repo = Repository(repo_path)
        if policy is None:
            policy = load_policy(repo_path / "release.toml")
        store = SessionStore(repo.root)
        ctx = Context(policy=policy, repo=repo, store=store, clock=lambda: FIXED_NOW,
                      prompter=NonInteractive(assume_yes=assume_yes), offline=offline)
        ctx.session = store.active()
        return ctx

    return build


def run_cli(*args: str, cwd: Path, env: dict[str, str] | None = None,
            input_text: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m console`` as a user would, in a process of its own (forked from one that
    has the libraries imported already: ``tests/forked_console.py`` says why)."""
    from tests.forked_console import run_console

    return run_console(args, cwd=cwd, env={**os.environ, **(env or {})}, input_text=input_text)


def flat(out: str) -> str:
    """``out`` with every run of spaces and line breaks made one space: the CLI wraps its
    sentences at the terminal's width (80 in a test), so a sentence is looked for in this."""
    return " ".join(out.split())


def last_said(out: str, first: str = "Next: ") -> str:
    """The last line of ``out`` that starts with ``first`` (``Next: ``, ``blocked: ``), its
    wrapped lines joined again: the CLI wraps them at the terminal's width (80 in a test), the
    lines after the first indented under its text."""
    lines = out.rstrip().splitlines()
    start = max(i for i, line in enumerate(lines) if line.startswith(first))
    said = [lines[start]]
    for line in lines[start + 1:]:
        if not line.startswith(" " * len(first)) or line.startswith(first):
            break
        said.append(line.strip())
    return " ".join(said)


@pytest.fixture(scope="session")
def kill_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, dict[str, Any]]]:
    """The demo release walked once without interruption (snapshots before each step, boundary
    counts) and its final world, shared by the kill-everywhere and dead-end tests."""
    from tests.kill_harness import CANARY, isolated_env, new_demo, reference_walk

    root = tmp_path_factory.mktemp("kill")
    with pytest.MonkeyPatch.context() as mp:
        isolated_env(mp, root)
        demo = new_demo(root, CANARY)
        try:
            yield demo, reference_walk(demo)
        finally:
            demo.stop_server()


def sign_off(ctx: Context, **given: Any) -> dict[str, Any]:
    """``smoke.sign_off`` for ``ctx``'s release in progress, as the CLI and the smoke screen call
    it (the tests record many sign-offs)."""
    from services import smoke

    return smoke.sign_off(ctx.policy, ctx.repo, ctx.require_session(), ctx.record,
                          now=ctx.now_iso(), progress=ctx.progress, **given)
