"""Promoting a release candidate across the air gap. Found walking the demo: the stable release
stands on the candidate's commit, and the candidate's reopen commit is on top of it by then, so
the online export refused ("HEAD must be the release commit … Check out main at the release
commit", which would drop the pushed reopen commit); and "Reuse the candidate's smoke sign-offs"
sat on the online side after the hand-off, so the signing workstation waited for the online one
and the online one for the bundle. Now the bundle carries the branch at the candidate's commit,
the signing workstation reuses the sign-offs (it holds the candidate's session), and the online
import takes a branch that has moved past the signed commit."""

from __future__ import annotations

import shutil

import pytest

from services import checklist
from services.bundle.export import export_bundle
from services.bundle.import_ import apply, verify_bundle
from services.promote import start_promotion
from services.session import utc_now
from services.session_lifecycle import ReleaseRequest, start_release
from tests.airgap_helpers import Workstations, next_id, offline_half, run
from tests.conftest import flat, git
from tests.hotfix_helpers import add_migration, build_isos


def online(ws: Workstations, *steps: str) -> None:
    for step in steps:
        run(ws.ctx("online", clock=utc_now), step)


def use(ws: Workstations, side: str, bundle: str) -> None:
    ctx = ws.ctx(side)
    apply(ctx, verify_bundle(ctx, ws.usb / bundle))


def test_a_candidate_signed_offline_is_promoted_across_the_air_gap(
        stations: Workstations, monkeypatch: pytest.MonkeyPatch) -> None:
    ws = stations
    for key, value in ws.env.items():
        monkeypatch.setenv(key, value)
    # v1.3.0-rc.1 across the gap and published, its reopen commit pushed on top.
    ctx = ws.ctx("online", clock=utc_now)
    start_release(ctx, ReleaseRequest(bump="minor", channel="rc"))
    checklist.tick(ctx.policy, ctx.require_session(), ctx.record, "preflight", "all",
                   actor=ctx.actor, now=ctx.now_iso())
    online(ws, "preflight", "changelog")
    add_migration(ws.online, "v1.2.0", "v1.3.0")
    build_isos(ws.online, "v1.3.0-rc.1")
    online(ws, "migration", "notes", "artifacts")
    candidate = git(ws.online, "rev-parse", "HEAD").strip()
    export_bundle(ws.ctx("online", clock=utc_now), ws.usb / "out.tar")
    offline_half(ws)
    use(ws, "online", "back.tar")
    online(ws, "push", "draft", "review", "publish", "post-release")
    git(ws.online, "push", "-q", "origin", "main")
    assert git(ws.online, "rev-parse", "HEAD").strip() != candidate

    # v1.3.0 on the candidate's commit; the stable ISOs are the candidate's bytes.
    start_promotion(ws.ctx("online", clock=utc_now), "v1.3.0-rc.1")
    online(ws, "promote", "notes")
    for arch in ("amd64", "arm64"):
        shutil.copyfile(ws.online / "build" / f"pai-v1.3.0-rc.1-{arch}.iso",
                        ws.online / "build" / f"pai-v1.3.0-{arch}.iso")
    online(ws, "artifacts")
    export_bundle(ws.ctx("online", clock=utc_now), ws.usb / "promote.tar")

    use(ws, "offline", "promote.tar")
    # the push says, on both machines, that only the tag goes up (the candidate's commit is on
    # main); online, before the signed tag is back, it claims nothing about the remote
    there = flat(ws.cli("offline", "run", "push", "--dry-run", ok=False).stdout)
    assert ("it pushes only the signed tag v1.3.0 (the candidate's commit is on main already) "
            "to origin, once the signed bundle is imported there.") in there, there
    here = flat(ws.cli("online", "run", "push", "--dry-run", ok=False).stdout)  # wrapped at 80
    assert here.startswith("Push only tag v1.3.0 to origin: the candidate's commit is on main "
                           "already, so no branch moves. "), here
    assert ("Tag v1.3.0 is not here yet: the signing workstation's tag step makes it on the "
            "candidate's commit, and the signed bundle brings it here.") in here, here
    assert "refs/heads/" not in here and "goes up" not in here
    offline = ws.ctx("offline")
    assert next_id(offline) == "reuse-signoffs"
    reused = run(offline, "reuse-signoffs")
    assert set(reused["reused"]) == {"amd64", "arm64"}
    for step in ("smoke", "checksums", "sign", "tag"):
        run(ws.ctx("offline"), step)
    export_bundle(ws.ctx("offline"), ws.usb / "promote-back.tar")

    use(ws, "online", "promote-back.tar")
    assert git(ws.online, "rev-parse", "v1.3.0^{commit}").strip() == candidate
    online(ws, "push", "draft", "review", "publish")
    state = ws.server.state
    repo = state.repo("example-org", "pai")
    assert repo is not None
    latest = state.latest(repo)
    assert latest is not None and latest["tag_name"] == "v1.3.0"
    assert not latest["draft"] and not latest["prerelease"]
    assert latest["target_commitish"] == candidate
