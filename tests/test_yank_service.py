"""The yank service (what `release-console yank` and the TUI wizard call): one active session at a
time, even when a yank was killed half-way."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from services import engine
from services.session_lifecycle import ReleaseInProgress, ReleaseRequest, start_release
from services.step_protocol import Context
from services.steps import registry
from services.yank import YankRequest, begin_session, prepare_yank, yank_inputs, yank_release
from tests.github_helpers import (
    REPO,
    YANK_CHANGELOG,
    Sandbox,
    release_json,
    release_patches,
    yank_project,
)

Factory = Callable[..., Context]
CHANGELOG = YANK_CHANGELOG
REQUEST = YankRequest("0.2.0", "Unlock corrupts data", "0.2.1")


@pytest.fixture
def project(repo_path: Path, sandbox: Sandbox) -> Path:
    """v0.2.0 published on GitHub; no local session records it."""
    return yank_project(repo_path, sandbox, published_body="- Unlock.\n")


def active_tags(ctx: Context) -> list[str]:
    return [t for t in ctx.store.tags() if ctx.store.load(t).state == "active"]


def test_the_service_does_both_halves_and_tells_each(make_ctx: Factory, project: Path,
                                                     sandbox: Sandbox) -> None:
    told: list[tuple[str, bool]] = []
    ctx = make_ctx(assume_yes=True)
    outcome = yank_release(ctx, REQUEST, lambda line, warning: told.append((line, warning)))
    assert outcome.exit_code == 0
    assert told[0] == ("✔ Yank note in CHANGELOG.md: done.", False)
    assert told[1][0].startswith("✔ Yank on GitHub: v0.2.0 is a pre-release")
    assert release_json(sandbox, "v0.2.0")["body"].startswith("> **⚠️ YANKED** — Unlock")
    assert yank_inputs(ctx) == ("Unlock corrupts data", "0.2.1")
    assert ctx.store.load("v0.2.0").state == "completed" and active_tags(ctx) == []


def test_a_yank_does_not_start_beside_an_active_release(make_ctx: Factory, project: Path,
                                                        sandbox: Sandbox) -> None:
    ctx = make_ctx(assume_yes=True)
    start_release(ctx, ReleaseRequest(version="0.3.0"))
    sandbox.server.clear_log()
    with pytest.raises(ReleaseInProgress, match=r"session for v0\.3\.0 is already in progress") \
            as refused:
        yank_release(make_ctx(assume_yes=True), REQUEST)
    # The abandon it names is one argparse takes (--reason is required).
    assert '`release-console abandon v0.3.0 --reason "..."`' in refused.value.remedy
    assert active_tags(ctx) == ["v0.3.0"]
    assert not ctx.store.exists("v0.2.0")
    assert (project / "CHANGELOG.md").read_text() == CHANGELOG
    assert sandbox.server.requests == []  # refused before GitHub was even asked


def test_a_killed_yank_keeps_the_one_active_session_and_resumes(
        make_ctx: Factory, project: Path, sandbox: Sandbox) -> None:
    # What a yank killed after its CHANGELOG half leaves: its session, active, half done.
    killed = make_ctx(assume_yes=True)
    prepared = prepare_yank(killed, REQUEST)
    assert begin_session(killed, prepared) is True
    killed.record("yank-github", "yank requested", update=lambda s: s.data.__setitem__(
        "yank", {"reason": prepared.reason, "replacement": prepared.replacement}))
    engine.run_step(killed, registry()["yank-changelog"], confirmed=True)
    del killed

    ctx = make_ctx(assume_yes=True)
    assert active_tags(ctx) == ["v0.2.0"]
    with pytest.raises(ReleaseInProgress):
        start_release(ctx, ReleaseRequest(version="0.3.0"))
    sandbox.github().get_repo(REPO).create_git_release("v0.1.0", "PAI v0.1.0", "first",
                                                       draft=False)
    with pytest.raises(ReleaseInProgress, match=r"yank of v0\.1\.0 cannot start"):
        yank_release(ctx, YankRequest("0.1.0", "old", "0.2.1"))
    assert active_tags(ctx) == ["v0.2.0"]

    since = len(sandbox.server.requests)
    outcome = yank_release(make_ctx(assume_yes=True), REQUEST)
    assert "✔ Yank note in CHANGELOG.md: already there." in outcome.lines
    assert len(release_patches(sandbox, since)) == 1
    assert active_tags(ctx) == [] and ctx.store.load("v0.2.0").state == "completed"


def test_the_suggested_replacement_is_the_fix_already_out(make_ctx: Factory) -> None:
    """Users of 1.3.0 go to 1.3.1 (its line's newest patch) even with 1.4.0 out; a yanked or
    pre-release one is never suggested; with nothing newer out, the next untagged patch."""
    from services.yank_choices import ReleaseChoice, suggest_replacement

    def out(version: str, *, yanked: bool = False, prerelease: bool = False) -> ReleaseChoice:
        return ReleaseChoice(f"v{version}", version, yanked, prerelease, False, True)

    ctx = make_ctx()
    published = [out("1.4.0"), out("1.3.2", yanked=True), out("1.3.1"), out("1.3.0"),
                 out("1.5.0-rc.1", prerelease=True)]
    assert suggest_replacement(ctx, "1.3.0", published)[0] == "1.3.1"
    assert suggest_replacement(ctx, "1.3.1", published) == (
        "1.4.0", "the closest newer published release")
    assert suggest_replacement(ctx, "1.4.0", published) == (
        "1.4.1", "the next patch, not released yet")


def test_a_note_already_on_the_remote_is_not_offered_for_a_push_again(
        make_ctx: Factory, project: Path) -> None:
    """Walked by hand: yanking again after the note was pushed offered "Push the yank note ...?
    0 commits go up", and leaving it said the note was not pushed."""
    from services.yank_push import note_commit, push_note
    from tests.conftest import git
    from tests.github_helpers import remote

    remote(project)
    git(project, "push", "-q", "origin", "main")
    ctx = make_ctx(assume_yes=True)
    yank_release(ctx, REQUEST)
    note = note_commit(ctx)
    assert note is not None and note.subject == "Yank v0.2.0: changelog note"
    push_note(ctx, note)
    again = make_ctx()
    again.session = again.store.load("v0.2.0")  # as the wizard's next yank of v0.2.0 loads it
    assert note_commit(again) is None


def test_a_yank_on_another_branch_is_refused_before_anything_changes(
        make_ctx: Factory, project: Path, sandbox: Sandbox) -> None:
    """Walked by hand mid-hotfix (hotfix/v1.3.1 checked out): the note was committed on the
    hotfix branch, and its merge-back, which keeps main's CHANGELOG, left main without the
    YANKED mark for good. The note goes on the default branch, where users read it."""
    from services.errors import ConsoleError
    from tests.conftest import git

    git(project, "switch", "-q", "-c", "hotfix/v0.2.1")
    with pytest.raises(ConsoleError, match="the yank note goes on main, where users read "
                       r"CHANGELOG\.md, but hotfix/v0\.2\.1 is checked out\.") as refused:
        yank_release(make_ctx(assume_yes=True), REQUEST)
    assert "Switch to main (`git switch main`) and yank again" in str(refused.value)
    assert (project / "CHANGELOG.md").read_text() == CHANGELOG
    assert git(project, "log", "-1", "--format=%s").strip() != "Yank v0.2.0: changelog note"
    assert release_json(sandbox, "v0.2.0")["prerelease"] is False
    git(project, "switch", "-q", "main")
    assert yank_release(make_ctx(assume_yes=True), REQUEST).exit_code == 0


def test_the_plan_confirmed_names_the_commit_the_note_is_made_with(
        make_ctx: Factory, project: Path) -> None:
    """The yank's plan spelt the note's subject by hand, apart from the step that commits it
    (services.subjects has both now): the command the captain confirms is the commit made, and
    the hotfix picker knows that commit for the console's own."""
    from services.hotfix.bookkeeping import console_commit
    from tests.conftest import git

    ctx = make_ctx(assume_yes=True)
    shown = [c for c in prepare_yank(ctx, REQUEST).plan.commands if c.startswith("git commit")]
    assert yank_release(ctx, REQUEST).exit_code == 0
    made = git(project, "log", "-1", "--format=%s").strip()
    assert shown == [f'git commit -m "{made}"']
    assert console_commit(made, ctx.policy.tag_format) == "the yank note of v0.2.0"
