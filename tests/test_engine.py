"""The runbook engine: order, blockers, interrupted runs, skips and the status document."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from services import engine
from services.errors import BlockedError, ConsoleError
from services.flows import HOTFIX, RELEASE, RUNBOOKS
from services.session_lifecycle import ReleaseRequest, start_release
from services.step_protocol import Context
from services.steps import registry
from tests.conftest import commit_file, run_cli
from tests.journal_helpers import record_finished


def test_runbooks_use_known_step_ids_in_design_order() -> None:
    assert RELEASE == ("preflight", "changelog", "migration", "notes", "artifacts",
                       "handoff-out", "smoke", "checksums", "sign", "tag", "handoff-back",
                       "push", "draft", "review", "publish", "post-release")
    for ids in RUNBOOKS.values():
        assert set(ids) <= set(registry())
    assert HOTFIX[0] == "hotfix-branch" and HOTFIX[-1] == "merge-back"
    # Walked by hand: the hotfix's reopen commit stayed on the hotfix branch, never pushed.
    assert "post-release" not in HOTFIX


def test_status_json_lists_steps_in_runbook_order(repo_path: Path) -> None:
    (repo_path / "release.toml").write_text('[project]\nname = "Demo"\n')
    commit_file(repo_path, "release.toml", '[project]\nname = "Demo"\n')
    assert run_cli("start", "0.2.0", cwd=repo_path).returncode == 0
    result = run_cli("status", "--json", cwd=repo_path)
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["schema"] == 1
    assert doc["session"]["tag"] == "v0.2.0" and doc["session"]["channel"] == "stable"
    assert [s["id"] for s in doc["steps"]] == [i for i in RELEASE if not i.startswith("handoff")]
    assert doc["next"] == "preflight"
    assert doc["steps"][0]["status"] == "ready"
    later = doc["steps"][3]
    assert later["status"] == "waiting"
    assert later["blockers"][0]["reason"] == "Waiting for 'Pre-flight checks' (preflight)."


def test_status_json_has_the_documented_keys_with_no_release_in_progress(
        repo_path: Path) -> None:
    """Walked by hand: with no release in progress the document had no `journal_problem`, a
    key docs/cli.md's schema 1 shows, so `doc["journal_problem"]` in a script raised."""
    idle = json.loads(run_cli("status", "--json", cwd=repo_path).stdout)
    assert run_cli("start", "0.2.0", cwd=repo_path).returncode == 0
    active = json.loads(run_cli("status", "--json", cwd=repo_path).stdout)
    assert set(active) - set(idle) == set()
    assert idle["session"] is None and idle["steps"] == [] and idle["journal_problem"] is None


def test_run_records_evidence_and_moves_on(repo_path: Path,
                                           make_ctx: Callable[..., Context]) -> None:
    ctx = make_ctx()
    start_release(ctx, ReleaseRequest(version="0.2.0"))
    evidence = engine.run_step(ctx, registry()["preflight"])
    assert evidence["commit"] == ctx.repo.head_sha()
    assert evidence["ci"]["status"] == "deferred"
    views = engine.views(make_ctx())
    assert views[0].status == "done"
    assert engine.next_view(views).id == "changelog"  # type: ignore[union-attr]
    actions = [(e["step"], e["action"]) for e in ctx.journal.entries()]
    assert actions == [("session", "started"), ("preflight", "started"), ("preflight", "done")]


def test_done_step_is_not_done_twice(make_ctx: Callable[..., Context]) -> None:
    ctx = make_ctx()
    start_release(ctx, ReleaseRequest(version="0.2.0"))
    engine.run_step(ctx, registry()["preflight"])
    with pytest.raises(BlockedError, match="already done"):
        engine.run_step(ctx, registry()["preflight"])


def test_dirty_tree_blocks_preflight(repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    ctx = make_ctx()
    start_release(ctx, ReleaseRequest(version="0.2.0"))
    (repo_path / "README.md").write_text("changed\n")
    result = run_cli("run", "preflight", cwd=repo_path)
    assert result.returncode == 1
    assert "uncommitted changes: README.md" in result.stderr
    assert make_ctx().require_session().steps.get("preflight") is None


def test_killed_step_is_reported_interrupted(repo_path: Path,
                                             make_ctx: Callable[..., Context]) -> None:
    ctx = make_ctx()
    start_release(ctx, ReleaseRequest(version="0.2.0"))

    def crashed(session):  # type: ignore[no-untyped-def]
        record = session.step("preflight")
        record.status, record.pid, record.started_at = "running", 2**22 + 12345, "then"

    ctx.record("preflight", "started", update=crashed)
    views = engine.views(make_ctx())
    assert views[0].status == "interrupted"
    assert "was interrupted" in views[0].blockers[0].reason
    status = run_cli("status", cwd=repo_path)
    assert "interrupted" in status.stdout and "run it again" in status.stdout
    rerun = run_cli("run", "preflight", cwd=repo_path)
    assert rerun.returncode == 0, rerun.stderr
    actions = [e["action"] for e in make_ctx().journal.entries()]
    assert actions[-2:] == ["resumed", "done"]


def test_skip_needs_reason_and_a_skippable_step(make_ctx: Callable[..., Context]) -> None:
    ctx = make_ctx()
    start_release(ctx, ReleaseRequest(version="0.2.0"))
    with pytest.raises(ConsoleError, match="cannot be skipped") as refused:
        engine.skip_step(ctx, registry()["preflight"], "no time")
    assert refused.value.remedy == ("Do it (`release-console status` says what it waits for), or "
                                    'abandon the release (`release-console abandon v0.2.0 '
                                    '--reason "..."`).')
    with pytest.raises(ConsoleError, match="needs a reason"):
        engine.skip_step(ctx, registry()["hotfix-branch"], "  ")


def test_offline_blocks_network_steps_with_a_reason(make_ctx: Callable[..., Context]) -> None:
    ctx = make_ctx(offline=True)
    start_release(ctx, ReleaseRequest(version="0.2.0"))
    push = registry()["push"]
    assert push.needs_network
    blockers = engine.own_blockers(ctx, push)
    assert "offline" in blockers[0].reason


def test_dry_run_changes_nothing(repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    start_release(make_ctx(), ReleaseRequest(version="0.2.0"))
    session_file = repo_path / ".release" / "v0.2.0" / "session.json"
    before = session_file.read_bytes()
    result = run_cli("run", "preflight", "--dry-run", cwd=repo_path)
    assert result.returncode == 0, result.stderr
    assert "dry run: nothing was changed" in result.stdout
    assert session_file.read_bytes() == before


def test_next_runs_the_next_step(repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    start_release(make_ctx(), ReleaseRequest(version="0.2.0"))
    result = run_cli("next", cwd=repo_path)
    assert result.returncode == 0, result.stderr
    assert "Pre-flight checks: done" in result.stdout


def test_catalogue_agrees_with_each_step_implementation() -> None:
    import importlib

    from services.steps import CATALOGUE

    for info in CATALOGUE:
        real = importlib.import_module(f"services.steps.{info.module}").STEP
        assert (real.id, real.title, real.needs_network, real.needs_token, real.irreversible,
                real.skippable) == (info.id, info.title, info.needs_network, info.needs_token,
                                    info.irreversible, info.skippable), info.id
        assert real.description, info.id
        # The catalogue is the one source: no step class writes its own title, description or flags.
        own = {name for cls in type(real).__mro__ if cls.__module__.startswith("services.steps.")
               for name in vars(cls)}
        assert own.isdisjoint({"title", "description", "needs_network", "needs_token", "irreversible",
                               "skippable"}), info.id


def test_every_catalogued_question_fills_in_from_the_policy() -> None:
    """A step's confirmation is its catalogue entry's ``ask``: each fills in (a misspelt {field}
    would be a KeyError in the run worker, after the captain pressed r), and no irreversible step
    has one (the engine asks those itself, over the plan)."""
    from services.asks import question
    from services.policy import Policy
    from services.steps import CATALOGUE

    asking = {info.id for info in CATALOGUE if info.ask}
    assert asking == {"changelog", "migration", "tag", "post-release", "hotfix-branch"}
    assert not any(info.ask and info.irreversible for info in CATALOGUE)
    for step_id in asking:
        assert "{" not in question(step_id, Policy(), "v1.2.3"), step_id
    assert question("tag", Policy(), "v1.2.3") == "Create and sign the tag v1.2.3?"
    assert question("hotfix-branch", Policy(), "v1.2.3") == (
        "Make the hotfix branch for v1.2.3: pick the fixes and commit their CHANGELOG.md entries?")


def test_every_step_screen_is_mapped_explicitly_to_a_catalogued_step() -> None:
    import pkgutil

    import screens.steps
    from screens.step import StepScreen, screen_for
    from screens.steps import SCREENS
    from services.steps import CATALOGUE

    modules = {m.name for m in pkgutil.iter_modules(screens.steps.__path__)}
    assert {where.split(":")[0].rsplit(".", 1)[1] for where in SCREENS.values()} == modules
    assert set(SCREENS) <= {info.id for info in CATALOGUE}
    for step_id in SCREENS:
        screen = screen_for(step_id)
        assert type(screen) is not StepScreen and screen.step.id == step_id
    assert type(screen_for("notes")) is StepScreen  # no screen of its own: the generic one


class _Flag:
    """A stand-in for something a done step relied on, changed later by the test."""

    broken = False


def test_stale_step_holds_back_later_steps_until_redone(
        repo_path: Path, make_ctx: Callable[..., Context],
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from console.cli import main
    from services.step_protocol import Blocker

    ctx = make_ctx()
    start_release(ctx, ReleaseRequest(version="0.2.0"))
    preflight = registry()["preflight"]
    engine.run_step(ctx, preflight)
    real = preflight.real  # type: ignore[attr-defined]
    monkeypatch.setattr(real, "revalidate", lambda c: [Blocker("the branch moved.")]
                        if _Flag.broken else [])
    _Flag.broken = True
    views = engine.views(make_ctx())
    assert views[0].status == "stale" and views[1].status == "waiting"
    assert main(["--repo", str(repo_path), "status"]) == 0
    shown = capsys.readouterr().out
    assert "↺ preflight" in shown and "stale" in shown and "the branch moved." in shown
    with pytest.raises(BlockedError, match="redo preflight"):
        engine.run_step(make_ctx(), registry()["changelog"])
    reopened = engine.redo_step(make_ctx(), preflight, "branch moved")
    assert reopened == ["preflight"]
    _Flag.broken = False
    assert engine.views(make_ctx())[0].status == "ready"
    actions = [e["action"] for e in make_ctx().journal.entries()]
    assert actions[-1] == "reopened"


def test_redo_is_refused_once_a_tag_is_made(make_ctx: Callable[..., Context]) -> None:
    ctx = make_ctx()
    start_release(ctx, ReleaseRequest(version="0.2.0"))

    def tagged(session):  # type: ignore[no-untyped-def]
        for step_id in ("preflight", "changelog", "tag"):
            session.step(step_id).status = "done"

    record_finished(ctx, "setup", tagged)
    with pytest.raises(ConsoleError, match="'Signed tag' is already done and cannot be undone"):
        engine.redo_step(make_ctx(), registry()["changelog"], "rebuilt")
    with pytest.raises(ConsoleError, match="needs a reason"):
        engine.redo_step(make_ctx(), registry()["changelog"], " ")


def test_offline_run_of_a_network_step_is_an_environment_problem(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    ctx = make_ctx()
    start_release(ctx, ReleaseRequest(version="0.2.0"))

    def before_push(session):  # type: ignore[no-untyped-def]
        for step_id in RELEASE[:RELEASE.index("push")]:
            session.step(step_id).status = "skipped"

    record_finished(ctx, "setup", before_push)
    result = run_cli("--offline", "run", "push", cwd=repo_path)
    assert result.returncode == 3
    assert "cannot run here: this step needs the network and this workstation is offline" \
        in result.stderr


def test_handoff_is_not_needed_on_one_machine_but_says_export_across_the_air_gap(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    ctx = make_ctx()
    start_release(ctx, ReleaseRequest(version="0.2.0"))
    assert registry()["handoff-out"].check(ctx) == []
    assert registry()["handoff-out"].run(ctx)["needed"] is False

    (repo_path / "release.toml").write_text('[signing]\nworkstation = "air-gapped"\n')
    online = make_ctx()
    blockers = registry()["handoff-out"].check(online)
    assert "release-console bundle export" in blockers[0].remedy
    assert ".release/v0.2.0/outbox/" in blockers[0].remedy
    waiting = engine.own_blockers(online, registry()["sign"])[0]
    assert waiting.reason == "Waits for the offline side."
    # the online machine is told what comes back and how to take it in, in each one's terms
    assert "when the signed bundle comes back, run `release-console bundle import FILE` here" \
        in waiting.remedy
    assert "when the signed bundle comes back, press i here to import it" in waiting.tui_remedy
    offline = make_ctx(offline=True)
    waiting = engine.own_blockers(offline, registry()["push"])[0]
    assert waiting.reason == "Waits for the online side."
    assert "import it there (i on its checklist)" in waiting.tui_remedy
    assert engine.own_blockers(offline, registry()["sign"]) != engine.own_blockers(
        online, registry()["sign"])


def test_a_second_runner_is_refused_and_a_live_pid_without_the_lock_is_interrupted(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    ctx = make_ctx()
    start_release(ctx, ReleaseRequest(version="0.2.0"))
    with ctx.store.run_lock("v0.2.0"):  # another console is running a step right now
        refused = run_cli("run", "preflight", cwd=repo_path)
        assert refused.returncode == 1
        assert "Another Release Console is running a step of v0.2.0" in refused.stderr
        assert engine.views(make_ctx())[0].status == "ready"

    def crashed_long_ago(session):  # type: ignore[no-untyped-def]
        session.step("preflight").status, session.step("preflight").pid = "running", 1

    ctx.record("preflight", "started", update=crashed_long_ago)  # pid 1 is alive, but no lock
    assert engine.views(make_ctx())[0].status == "interrupted"
    with ctx.store.run_lock("v0.2.0"):
        assert engine.views(make_ctx())[0].status == "running"


def test_a_step_finished_by_another_console_meanwhile_is_not_run_again(
        make_ctx: Callable[..., Context]) -> None:
    """`run X` racing `next`: the loser read the session before the winner finished the step;
    after taking the run lock it reads it again and refuses instead of running X twice."""
    loser = make_ctx()
    start_release(loser, ReleaseRequest(version="0.2.0"))
    winner = make_ctx()
    engine.run_step(winner, registry()["preflight"])
    assert loser.session is not None and "preflight" not in loser.session.steps  # stale view
    with pytest.raises(BlockedError, match="already done"):
        engine.run_step(loser, registry()["preflight"])
    actions = [e["action"] for e in loser.journal.entries() if e["step"] == "preflight"]
    assert actions == ["started", "done"]


def test_a_check_that_raises_keeps_its_remedy_apart(repo_path: Path) -> None:
    """A step's check that raises a refusal becomes a blocker with the refusal's remedy on its
    own (the TUI's "→" line, `status --json`'s remedy), not one run-on reason."""
    from tests.conftest import git

    assert run_cli("start", "0.2.0", cwd=repo_path).returncode == 0
    git(repo_path, "tag", "v0.3.0")  # a later release appeared meanwhile
    said = json.loads(run_cli("status", "--json", cwd=repo_path).stdout)
    preflight = next(step for step in said["steps"] if step["id"] == "preflight")
    assert {"reason": "Version 0.2.0 is not greater than the last release v0.3.0.",
            "remedy": "Pick a version above 0.3.0, for example 0.3.1."} in preflight["blockers"]
