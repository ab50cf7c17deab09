"""A hotfix across the air gap. Found walking the demo: the hotfix branch is made on the online
machine, so the signing workstation's clone does not have it, and the import refused the bundle
with "`git checkout hotfix/v1.3.1`, then import again", a command that fails there (no such
branch). The import now makes the branch at the verified release commit and checks it out."""

from __future__ import annotations

import pytest

from services import checklist, smoke
from services.bundle.export import export_bundle
from services.bundle.import_ import apply, verify_bundle
from services.bundle.manifest import BundleError
from services.hotfix.start import HotfixRequest, start_hotfix
from services.session import SessionStore, utc_now
from tests.airgap_helpers import Workstations, next_id, run
from tests.conftest import git, sign_off
from tests.hotfix_helpers import add_migration, build_isos

BRANCH = "hotfix/v1.2.1"


def hotfix_online(ws: Workstations) -> None:
    """Online: hotfix 1.2.1 from v1.2.0 with the last commit on main picked, up to artifacts,
    and the bundle for the signing workstation written."""
    fix = git(ws.online, "log", "-1", "--format=%H", "main").strip()
    with pytest.MonkeyPatch.context() as mp:
        for key, value in ws.env.items():
            mp.setenv(key, value)
        ctx = ws.ctx("online", clock=utc_now)
        start_hotfix(ctx, HotfixRequest(version="1.2.1", picks=[fix]))
        run(ctx, "hotfix-branch")
        checklist.tick(ctx.policy, ctx.require_session(), ctx.record, "preflight", "all",
                       actor=ctx.actor, now=ctx.now_iso())
        for step in ("preflight", "changelog"):
            run(ws.ctx("online", clock=utc_now), step)
        add_migration(ws.online, "v1.2.0", "v1.2.1")
        build_isos(ws.online, "v1.2.1")
        for step in ("migration", "notes", "artifacts"):
            run(ws.ctx("online", clock=utc_now), step)
        export_bundle(ws.ctx("online", clock=utc_now), ws.usb / "out.tar")


def test_the_signing_workstation_makes_the_hotfix_branch_the_bundle_brings(
        stations: Workstations) -> None:
    ws = stations
    hotfix_online(ws)
    release_commit = git(ws.online, "rev-parse", "HEAD").strip()
    assert git(ws.offline, "branch", "--list", BRANCH) == ""
    offline_head = git(ws.offline, "rev-parse", "main").strip()

    offline = ws.ctx("offline")
    prepared = verify_bundle(offline, ws.usb / "out.tar")
    assert (f"branch {BRANCH} is not in this clone: it will be made at the release commit "
            f"{release_commit[:12]} and checked out") in prepared.checks
    assert f"make the branch {BRANCH} there and check it out" in prepared.plan_summary()
    assert git(ws.offline, "branch", "--show-current").strip() == "main"  # verifying moved nothing
    apply(offline, prepared)

    assert git(ws.offline, "branch", "--show-current").strip() == BRANCH
    assert git(ws.offline, "rev-parse", "HEAD").strip() == release_commit
    assert git(ws.offline, "rev-parse", "main").strip() == offline_head  # main is left as it was
    offline = ws.ctx("offline")
    for arch in ("amd64", "arm64"):
        sign_off(offline, arch=arch, hardware="X1", tester="Ana",
                 marks=[smoke.Mark("pass", "all")])
    for step in ("smoke", "checksums", "sign", "tag"):
        run(ws.ctx("offline"), step)
    export_bundle(ws.ctx("offline"), ws.usb / "back.tar")

    online = ws.ctx("online")
    apply(online, verify_bundle(online, ws.usb / "back.tar"))
    online = ws.ctx("online")
    assert next_id(online) == "push"
    assert git(ws.online, "rev-parse", "v1.2.1^{commit}").strip() == release_commit


def test_a_release_branch_that_is_here_but_not_checked_out_is_refused_by_name(
        stations: Workstations) -> None:
    ws = stations
    hotfix_online(ws)
    git(ws.offline, "branch", BRANCH, "v1.2.0")  # an earlier attempt's branch, say

    offline = ws.ctx("offline")
    with pytest.raises(BundleError) as refused:
        verify_bundle(offline, ws.usb / "out.tar")
    assert f"This clone is on main, the release on {BRANCH}; nothing was changed." in \
        refused.value.message
    assert f"`git checkout {BRANCH}` if it holds this release" in (refused.value.remedy or "")
    assert git(ws.offline, "branch", "--show-current").strip() == "main"
    assert offline.store.active() is None

    # An earlier attempt's branch: set aside as the remedy says, the import makes it anew.
    aside = f"git branch -m {BRANCH} {BRANCH}-abandoned"
    assert f"(`{aside}`, nothing is deleted)" in (refused.value.remedy or "")
    git(ws.offline, *aside.split()[1:])
    offline = ws.ctx("offline")
    apply(offline, verify_bundle(offline, ws.usb / "out.tar"))
    assert git(ws.offline, "branch", "--show-current").strip() == BRANCH
    assert git(ws.offline, "rev-parse", f"{BRANCH}-abandoned").strip() == \
        git(ws.offline, "rev-parse", "v1.2.0^{commit}").strip()


class Killed(BaseException):
    """What a SIGKILL leaves: the process stops between two writes."""


def test_an_import_killed_after_making_the_branch_is_finished_by_importing_again(
        stations: Workstations, monkeypatch: pytest.MonkeyPatch) -> None:
    ws = stations
    hotfix_online(ws)
    release_commit = git(ws.online, "rev-parse", "HEAD").strip()
    offline = ws.ctx("offline")
    prepared = verify_bundle(offline, ws.usb / "out.tar")

    def killed(*_args: object, **_kwargs: object) -> None:
        raise Killed()

    monkeypatch.setattr(SessionStore, "save", killed)  # the last write: the branch is made
    with pytest.raises(Killed):
        apply(offline, prepared)
    monkeypatch.undo()
    assert git(ws.offline, "branch", "--show-current").strip() == BRANCH

    offline = ws.ctx("offline")
    again = verify_bundle(offline, ws.usb / "out.tar")
    assert not again.new_branch  # made by the killed run: this one goes on from there
    apply(offline, again)
    offline = ws.ctx("offline")
    assert offline.repo.head_sha() == release_commit
    assert next_id(offline) == "smoke"
    assert "chain intact" in ws.cli("offline", "journal", "verify").stdout


def test_the_next_release_checks_out_the_default_branch_the_hotfix_left_behind(
        stations: Workstations) -> None:
    """After a hotfix the signing workstation's clone stays on the hotfix branch; the next
    release's bundle (on main) checks main out instead of refusing, and the hotfix branch stays
    as it is."""
    from tests.airgap_helpers import prepare_and_export

    ws = stations
    git(ws.offline, "switch", "-q", "-c", BRANCH, "v1.2.0")  # as the last hotfix left it
    hotfix_tip = git(ws.offline, "rev-parse", BRANCH).strip()
    prepare_and_export(ws)
    release_commit = git(ws.online, "rev-parse", "HEAD").strip()

    offline = ws.ctx("offline")
    prepared = verify_bundle(offline, ws.usb / "out.tar")
    assert (f"this clone is on {BRANCH}: main will be checked out and brought to the release "
            f"commit ({BRANCH} stays as it is)") in prepared.checks
    assert f"check out main ({BRANCH} stays as it is)" in prepared.plan_summary()
    assert git(ws.offline, "branch", "--show-current").strip() == BRANCH  # verifying moved nothing
    apply(offline, prepared)

    assert git(ws.offline, "branch", "--show-current").strip() == "main"
    assert git(ws.offline, "rev-parse", "HEAD").strip() == release_commit
    assert git(ws.offline, "rev-parse", BRANCH).strip() == hotfix_tip
    assert next_id(ws.ctx("offline")) == "smoke"


def test_a_default_branch_with_commits_of_its_own_is_refused_before_anything_moves(
        stations: Workstations) -> None:
    from tests.airgap_helpers import prepare_and_export

    ws = stations
    git(ws.offline, "commit", "-q", "--allow-empty", "-m", "Made on the signing workstation")
    git(ws.offline, "switch", "-q", "-c", BRANCH, "v1.2.0")
    prepare_and_export(ws)

    with pytest.raises(BundleError, match=r"main here is [0-9a-f]{12}, neither the release "
                                          r"commit [0-9a-f]{12} nor behind it; nothing was"):
        verify_bundle(ws.ctx("offline"), ws.usb / "out.tar")
    assert git(ws.offline, "branch", "--show-current").strip() == BRANCH
