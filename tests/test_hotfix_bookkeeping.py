"""The console's own commits on the default branch (the reopened [Unreleased], a release's
changelog, a yank's note) are no fixes: the picker leaves them out, saying so, and `hotfix --pick`
refuses them in one sentence."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList

from console.app import ReleaseConsoleApp
from console.demo import build_sandbox
from console.wiring import Options
from services.hotfix.bookkeeping import console_commit
from services.session import Session
from services.step_protocol import Context
from services.steps import changelog, hotfix_branch, migration, post_release, yank_changelog
from tests.conftest import git, run_cli
from tests.hotfix_helpers import commit, quick_world, reopen_unreleased
from tests.tui_helpers import open_picker, text_of


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """v1.3.0 shipped; on main since: the reopened [Unreleased] (as post-release writes it), a
    fix, and the rc changelog commit of the next minor."""
    path = build_sandbox(tmp_path / "demo", built="1.3.0")
    quick_world(path)
    reopen_unreleased(path)  # "Post-release v1.3.0: reopen [Unreleased]"
    commit(path, "src/unlock.sh", "retry=2\n", "Unlock: two retries")
    commit(path, "CHANGELOG.md", (path / "CHANGELOG.md").read_text() + "\n",
           "Release v1.4.0-rc.1: changelog")
    return path


@pytest.mark.parametrize(("module", "kind", "tag"), [
    (changelog, "release", "v1.4.0"),
    (changelog, "rc", "v1.4.0-rc.1"),
    (migration, "release", "v1.4.0"),
    (post_release, "release", "v1.4.0"),
    (post_release, "promote", "v1.4.0"),
    (yank_changelog, "yank", "v1.2.0"),
    (hotfix_branch, "hotfix", "v1.3.1"),
])
def test_every_subject_the_steps_commit_with_is_recognised(
        make_ctx: Callable[..., Context], module: object, kind: str, tag: str) -> None:
    ctx = make_ctx()
    ctx.session = Session(version=tag[1:], tag=tag, kind=kind)
    message = (module.note_subject(ctx) if module is yank_changelog
               else module.commit_message(ctx))  # type: ignore[attr-defined]
    assert console_commit(message, "v{version}").endswith(tag)


@pytest.mark.parametrize("subject", [
    "Release v1.3.0: changelog fixes",  # more after the subject
    "Docs: Release v1.3.0: changelog",  # more before it
    "Release notes: changelog",  # not a tag
    "Release 1.3.0: changelog",  # not the policy's tag format
    "Post-release v1.3.0: [Unreleased] compares from v1.2.0",  # two different tags
    "Post-release tidy-up of the CHANGELOG",
])
def test_lookalike_subjects_are_the_captains_own_commits(subject: str) -> None:
    assert console_commit(subject, "v{version}") == ""


def test_the_list_leaves_them_out_and_a_pick_of_one_is_refused(project: Path) -> None:
    listed = run_cli("hotfix", "1.3.1", "--list", "--json", cwd=project)
    assert listed.returncode == 0, listed.stderr
    data = json.loads(listed.stdout)
    assert [c["subject"] for c in data["commits"]] == ["Unlock: two retries"]
    assert [c["subject"] for c in data["left_out"]] == [
        "Release v1.4.0-rc.1: changelog", "Post-release v1.3.0: reopen [Unreleased]"]
    text = run_cli("hotfix", "1.3.1", "--list", cwd=project).stdout
    assert "Not listed: 2 commits the console made itself" in text

    reopen = git(project, "rev-parse", "HEAD~2").strip()
    refused = run_cli("hotfix", "1.3.1", "--yes", "--pick", reopen, cwd=project)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert refused.stderr.strip().splitlines() == [
        f"error: {reopen[:12]} (Post-release v1.3.0: reopen [Unreleased]) is the post-release "
        "commit of v1.3.0, which the console made itself; it is not a fix, so nothing was "
        "changed. Pick the fix's own commits (`release-console hotfix VERSION --list` lists "
        "them)."]
    assert not (project / ".release").exists()
    assert git(project, "branch", "--show-current").strip() == "main"


async def picker_rows(pilot: Pilot[None]) -> list[str]:
    """The hotfix picker opened from the palette's action, and the commits it lists."""
    app = pilot.app
    await open_picker(pilot)
    listing = app.screen.query_one("#commits", OptionList)
    return [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]


async def test_the_picker_lists_only_the_fix_and_says_what_it_left_out(project: Path) -> None:
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(80, 24)) as pilot:
        shown = await picker_rows(pilot)
        assert len(shown) == 1 and "Unlock: two retries" in shown[0]
        assert text_of(app.screen, "#left-out") == (
            'Not listed: 2 commits the console made itself ("Release v1.4.0-rc.1: changelog"; '
            '"Post-release v1.3.0: reopen [Unreleased]"); they are not fixes.')


def a_second_hotfix_line(tmp_path: Path) -> tuple[Path, str, str]:
    """v1.3.1 shipped with the fix cherry-picked (-x) from main and merged back; main then gets
    another fix. Returns (project, the first fix on main, its pick in v1.3.1)."""
    path = build_sandbox(tmp_path / "demo", built="1.3.0")
    quick_world(path)
    fix = commit(path, "src/unlock.sh", "retry=2\n", "Unlock: two retries")
    git(path, "switch", "-q", "--no-track", "-c", "hotfix/v1.3.1", "v1.3.0")
    git(path, "cherry-pick", "-x", fix)
    git(path, "tag", "v1.3.1")
    picked = git(path, "rev-parse", "HEAD").strip()
    git(path, "switch", "-q", "main")
    git(path, "merge", "-q", "--no-ff", "-m", "Merge hotfix v1.3.1 into main", "v1.3.1")
    commit(path, "src/flash.sh", "verify=1\n", "Flash app: verify before writing")
    return path, fix, picked


async def test_a_fix_an_earlier_hotfix_shipped_is_not_offered_again(tmp_path: Path) -> None:
    """Walked: the picker of 1.3.2 listed the fix v1.3.1 already carries (cherry-picked with -x,
    merged back), as if it could be picked again; picking it is refused ("was already picked
    into v1.3.1"). It is left out, and the line under the list says where it went."""
    project, fix, picked = a_second_hotfix_line(tmp_path)
    said = (f'Not listed: 1 commit already picked into v1.3.1 (as {picked[:12]}): "Unlock: two '
            'retries".')
    text = run_cli("hotfix", "1.3.2", "--list", cwd=project).stdout
    listed = text.split("Not listed")[0]
    assert "Flash app: verify before writing" in listed and "Unlock: two retries" not in listed
    assert said in text
    data = json.loads(run_cli("hotfix", "1.3.2", "--list", "--json", cwd=project).stdout)
    assert [c["subject"] for c in data["commits"]] == ["Flash app: verify before writing"]
    assert data["already_picked"] == [{"sha": fix, "subject": "Unlock: two retries",
                                       "picked_as": picked}]
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(80, 24)) as pilot:
        shown = await picker_rows(pilot)
        assert len(shown) == 1 and "Flash app: verify before writing" in shown[0]
        assert said in text_of(app.screen, "#left-out")
