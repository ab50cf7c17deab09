"""A draft edited on GitHub, or notes fixed locally, can be repaired from the console; and once the
release is published, reviewing it only reports (review issue 5, items 2, 3 and 9)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from services import engine
from services.errors import BlockedError, ConsoleError
from services.github import wiring
from services.session import Session
from services.step_protocol import Context, StepFailed
from services.step_status import StepStatus
from services.steps import registry
from tests.conftest import run_cli
from tests.github_helpers import (
    REPO,
    Sandbox,
    cli_env,
    complete_steps_before,
    prepare_release,
    release_json,
    run,
)
from tests.journal_helpers import record_finished

Factory = Callable[..., Context]
REDO = 'release-console redo draft --reason "..."'


@pytest.fixture
def reviewed(make_ctx: Factory, repo_path: Path, sandbox: Sandbox) -> Context:
    """Pushed (done, irreversible), drafted and cleanly reviewed."""
    ctx = prepare_release(make_ctx, repo_path, sandbox)
    complete_steps_before(ctx, "push")

    def pushed(session: Session) -> None:
        session.step("push").status = StepStatus.DONE

    record_finished(ctx, "push recorded", pushed)
    run(ctx, "draft")
    run(ctx, "review")
    return ctx


def the_draft(sandbox: Sandbox) -> Any:
    return next(iter(sandbox.github().get_repo(REPO).get_releases()))


def redo_draft(ctx: Context, reason: str) -> list[str]:
    return engine.redo_step(ctx, registry()["draft"], reason)


def status_of(ctx: Context, step_id: str) -> engine.StepView:
    return next(v for v in engine.views(ctx) if v.id == step_id)


def test_a_deleted_asset_is_refused_then_repaired_by_redoing_the_draft(
        reviewed: Context, sandbox: Sandbox) -> None:
    name = "pai-v0.2.0-arm64.iso.minisig"
    next(a for a in the_draft(sandbox).get_assets() if a.name == name).delete_asset()
    with pytest.raises(StepFailed) as caught:
        run(reviewed, "publish")
    assert f"{name} is not attached to the draft" in str(caught.value)
    assert REDO in str(caught.value)
    assert REDO in status_of(reviewed, "review").record.reason
    assert redo_draft(reviewed, "minisig deleted on GitHub") == ["draft", "review", "publish"]
    evidence = run(reviewed, "draft")
    assert (evidence["created"], evidence["uploaded"], evidence["kept"]) == (False, 1, 5)
    run(reviewed, "review")
    run(reviewed, "publish")
    rel = release_json(sandbox, "v0.2.0")
    assert rel["draft"] is False and len(rel["asset_ids"]) == 6
    assert len(sandbox.server.release_data(REPO)) == 1


def test_an_edited_body_and_title_are_put_back_by_the_redone_draft(
        reviewed: Context, sandbox: Sandbox) -> None:
    rel = the_draft(sandbox)
    rel.update_release("PAI v0.2.0 (draft)", rel.body + "Sneaky line.\n", draft=True)
    with pytest.raises(StepFailed, match="redo draft"):
        run(reviewed, "publish")
    redo_draft(reviewed, "body edited on GitHub")
    evidence = run(reviewed, "draft")
    assert evidence["repaired"] == ["title", "body"] and evidence["uploaded"] == 0
    run(reviewed, "review")
    run(reviewed, "publish")
    notes = (reviewed.store.directory("v0.2.0") / "notes.md").read_text()
    rel_json = release_json(sandbox, "v0.2.0")
    assert (rel_json["name"], rel_json["body"], rel_json["draft"]) == ("PAI v0.2.0", notes, False)


def test_a_changed_tag_and_an_extra_asset_are_repaired_on_the_same_draft(
        reviewed: Context, sandbox: Sandbox, tmp_path: Path) -> None:
    rel = the_draft(sandbox)
    rel.update_release(rel.name, rel.body, draft=True, tag_name="v0.2.1")
    extra = tmp_path / "debug.log"
    extra.write_text("oops")
    rel.upload_asset(str(extra), content_type="text/plain")
    redo_draft(reviewed, "tag changed on GitHub")
    evidence = run(reviewed, "draft")
    assert evidence["repaired"] == ["tag"] and evidence["removed"] == ["debug.log"]
    assert run(reviewed, "review")["clean"] is True
    assert [r["tag_name"] for r in sandbox.server.release_data(REPO)] == ["v0.2.0"]


def test_notes_fixed_after_the_review_make_the_draft_stale_until_it_is_redone(
        reviewed: Context, sandbox: Sandbox) -> None:
    notes = reviewed.store.directory("v0.2.0") / "notes.md"
    notes.write_text(notes.read_text().replace("Persistence", "Persistent"))  # the typo fix
    assert status_of(reviewed, "draft").status == "stale"
    with pytest.raises(BlockedError) as caught:
        run(reviewed, "publish")
    assert "redo draft" in str(caught.value)
    redo_draft(reviewed, "typo in the notes")
    assert run(reviewed, "draft")["repaired"] == ["body"]
    run(reviewed, "review")
    run(reviewed, "publish")
    assert release_json(sandbox, "v0.2.0")["body"] == notes.read_text()


def test_after_publish_the_draft_cannot_be_redone(reviewed: Context) -> None:
    run(reviewed, "publish")
    with pytest.raises(ConsoleError, match="'Publish' is already done and cannot be undone"):
        redo_draft(reviewed, "too late")


def test_review_after_publish_only_reports(reviewed: Context, repo_path: Path,
                                           sandbox: Sandbox) -> None:
    run(reviewed, "publish")
    before = reviewed.store.load("v0.2.0")
    proc = run_cli("review", cwd=repo_path, env=cli_env())
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Release review for v0.2.0" in proc.stdout
    assert "✔ State   published" in proc.stdout
    assert "The published release matches the local files." in proc.stdout
    assert "this review only reports; nothing was recorded" in proc.stdout
    as_json = run_cli("review", "--json", cwd=repo_path, env=cli_env())
    data = json.loads(as_json.stdout)
    assert (as_json.returncode, data["clean"], data["recorded"]) == (0, True, False)
    after = reviewed.store.load("v0.2.0")
    assert after.steps["review"] == before.steps["review"]
    assert after.steps["publish"] == before.steps["publish"]
    reviewed.session = after
    assert status_of(reviewed, "review").status == "done"
    assert not any("Review" in str(b) for b in status_of(reviewed, "post-release").blockers)


def test_the_body_diff_says_which_side_is_github(reviewed: Context,
                                                 sandbox: Sandbox) -> None:
    rel = the_draft(sandbox)
    rel.update_release(rel.name, rel.body + "Sneaky line.\n", draft=True)
    diff = wiring.review_now(reviewed, wiring.client_for(reviewed)).body_diff
    assert diff.startswith("--- notes.md (local)\n+++ body of the release on GitHub\n")
    assert "+Sneaky line." in diff
