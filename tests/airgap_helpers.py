"""Two workstations for the air-gapped tests: the demo's online and offline clones, a usb/
folder, the loopback GitHub for the online side, and contexts over each clone."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from console.demo import build_sandbox, start_github
from console.sandbox.server import SandboxServer
from console.sandbox.validation import OpenAPIValidator
from services import checklist, engine, netguard, smoke
from services.bundle.export import export_bundle
from services.bundle.import_ import apply, verify_bundle
from services.policy import load_policy
from services.repo import Repository
from services.session import SessionStore, utc_now
from services.session_lifecycle import ReleaseRequest, start_release
from services.step_protocol import Context, NonInteractive
from tests.conftest import FIXED_NOW, run_cli, sign_off

CANARY = "ghp_AIRGAP_CANARY_1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b"


@dataclass
class Workstations:
    base: Path
    online: Path
    offline: Path
    usb: Path
    server: SandboxServer
    env: dict[str, str]

    def ctx(self, side: str, *, clock: Callable[[], datetime] = lambda: FIXED_NOW) -> Context:
        root = self.online if side == "online" else self.offline
        repo = Repository(root)
        store = SessionStore(repo.root)
        ctx = Context(policy=load_policy(root / "release.toml"), repo=repo, store=store,
                      clock=clock, prompter=NonInteractive(assume_yes=True),
                      offline=side == "offline")
        ctx.session = store.active()
        return ctx

    def cli(self, side: str, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
        root = self.online if side == "online" else self.offline
        env = dict(self.env) if side == "online" else {"RELEASE_CONSOLE_OFFLINE": "1"}
        result = run_cli(*args, cwd=root, env=env)
        if ok:
            assert result.returncode == 0, f"{side} {args}: {result.stdout}{result.stderr}"
        assert CANARY not in result.stdout + result.stderr
        return result


@pytest.fixture
def stations(tmp_path: Path) -> Iterator[Workstations]:
    base = tmp_path / "airgap"
    online = build_sandbox(base, air_gapped=True, built="1.3.0")
    server, token = start_github(base, online, token=CANARY)
    validator = OpenAPIValidator()
    server.validator = validator
    env = {"GITHUB_API_URL": server.api_url, "GITHUB_TOKEN": token}
    try:
        yield Workstations(base, online, base / "offline" / "pai", base / "usb", server, env)
    finally:
        server.stop()
    assert validator.errors == [], validator.errors


def prepare_online(ws: Workstations, *, by_cli: bool = False) -> None:
    """Online: start, pre-flight, changelog, migration, notes, artifacts.

    ``by_cli``: as a captain types them (``test_release_across_the_air_gap`` walks it so).
    Otherwise the same services in this process, on the real clock and with the loopback
    GitHub's environment, as the CLI would: the tests that start from here are about what comes
    after, and nine console starts a test were a tenth of the suite's time."""
    if by_cli:
        ws.cli("online", "start", "--bump", "minor")
        ws.cli("online", "checklist", "tick", "preflight", "all")
        ws.cli("online", "run", "preflight")
        ws.cli("online", "run", "changelog", "--yes")
    else:
        with pytest.MonkeyPatch.context() as mp:
            for key, value in ws.env.items():
                mp.setenv(key, value)
            ctx = ws.ctx("online", clock=utc_now)
            start_release(ctx, ReleaseRequest(bump="minor"))
            checklist.tick(ctx.policy, ctx.require_session(), ctx.record, "preflight", "all",
                           actor=ctx.actor, now=ctx.now_iso())
            run(ctx, "preflight")
            run(ctx, "changelog")
    migration = ws.online / "MIGRATION.md"
    migration.write_text(migration.read_text().replace(
        "# Migration guide\n\n", "# Migration guide\n\n## v1.2.0 -> v1.3.0\n\n"
        "No migration required.\n\n"))
    for step in ("migration", "notes", "artifacts"):
        if by_cli:
            ws.cli("online", "run", step)
        else:
            run(ws.ctx("online", clock=utc_now), step)


def prepare_and_export(ws: Workstations) -> Path:
    """:func:`prepare_online`, then the hand-off bundle written to usb/out.tar in this process
    (the service ``bundle export --output`` calls, on the real clock); the tests that read what
    the command prints type it themselves."""
    prepare_online(ws)
    return export_bundle(ws.ctx("online", clock=utc_now), ws.usb / "out.tar").path


def run(ctx: Context, step_id: str) -> dict[str, Any]:
    from services.steps import registry

    return engine.run_step(ctx, registry()[step_id], confirmed=True)


def next_id(ctx: Context) -> str:
    """The step the checklist names after Next: on this workstation."""
    view = engine.next_view(engine.views(ctx))
    assert view is not None, "every step is finished"
    return view.step.id


def hashed_offline(ws: Workstations) -> Context:
    """The signing workstation up to signing: usb/out.tar imported, smoke-tested and hashed."""
    offline = ws.ctx("offline")
    apply(offline, verify_bundle(offline, ws.usb / "out.tar"))
    offline = ws.ctx("offline")
    for arch in ("amd64", "arm64"):
        sign_off(offline, arch=arch, hardware="X1", tester="Ana",
                 marks=[smoke.Mark("pass", "all")])
    for step in ("smoke", "checksums"):
        run(offline, step)
    return offline


def signed_offline(ws: Workstations) -> None:
    """The signing workstation's part up to the tag: usb/out.tar imported, smoke-tested, hashed,
    signed and tagged; the signed bundle is not written yet."""
    offline = hashed_offline(ws)
    for step in ("sign", "tag"):
        run(offline, step)


def offline_half(ws: Workstations) -> Path:
    with netguard.guarded() as guard:
        signed_offline(ws)
        export_bundle(ws.ctx("offline"), ws.usb / "back.tar")
        assert guard.attempts == []
    return ws.usb / "back.tar"
