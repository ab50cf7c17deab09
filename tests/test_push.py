"""Push: the release commit and the tag reach a real (bare) remote; a pushed tag is never moved."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable
from pathlib import Path

import pytest

from services.reconcile import ADOPTED, Diverged
from services.step_protocol import Context, StepFailed
from services.step_status import StepStatus
from tests.conftest import flat, run_cli
from tests.github_helpers import (
    Sandbox,
    cli_env,
    complete_steps_before,
    git,
    prepare_release,
    run,
)

Factory = Callable[..., Context]
READY_FOR = "push"  # the `ready` fixture finishes every step before push


def test_push_sends_commit_and_tag_to_the_remote(ready: Context, repo_path: Path) -> None:
    evidence = run(ready, "push")
    bare = repo_path.parent / "remote.git"
    commit = git(repo_path, "rev-parse", "v0.2.0^{commit}").strip()
    assert git(bare, "rev-parse", "refs/heads/main").strip() == commit
    assert git(bare, "rev-parse", "refs/tags/v0.2.0").strip() == evidence["tag_object"]
    assert evidence["tag_already_there"] is False
    assert evidence["url"].endswith("remote.git")


def test_push_accepts_the_same_tag_already_on_the_remote(ready: Context,
                                                         repo_path: Path) -> None:
    git(repo_path, "push", "-q", "origin", "refs/tags/v0.2.0")
    evidence = run(ready, "push")
    assert evidence["tag_already_there"] is True


def test_push_refuses_a_different_tag_on_the_remote(ready: Context, repo_path: Path) -> None:
    other = repo_path.parent / "other"
    git(repo_path.parent, "clone", "-q", str(repo_path.parent / "remote.git"), "other")
    git(repo_path, "push", "-q", "origin", "main")
    git(other, "pull", "-q", "origin", "main")
    git(other, "tag", "-a", "v0.2.0", "-m", "someone else's tag")
    git(other, "push", "-q", "origin", "refs/tags/v0.2.0")
    before = git(repo_path.parent / "remote.git", "rev-parse", "refs/tags/v0.2.0")
    with pytest.raises(StepFailed, match=r"already has a different tag v0\.2\.0"):
        run(ready, "push")
    assert git(repo_path.parent / "remote.git", "rev-parse", "refs/tags/v0.2.0") == before


def journal_actions(repo_path: Path) -> list[tuple[str, str]]:
    lines = (repo_path / ".release" / "v0.2.0" / "journal.jsonl").read_text().splitlines()
    return [(json.loads(line)["step"], json.loads(line)["action"]) for line in lines]


def test_push_made_but_not_recorded_is_adopted_from_the_remote(ready: Context,
                                                                repo_path: Path) -> None:
    """A kill after `git push` and before its record: the branch and the tag are on the
    remote at exactly the release commit and tag object; the rerun records them as adopted."""
    commit = git(repo_path, "rev-parse", "v0.2.0^{commit}").strip()
    git(repo_path, "push", "-q", "origin", f"{commit}:refs/heads/main", "refs/tags/v0.2.0")
    evidence = run(ready, "push")
    assert evidence["adopted"] is True and evidence["commit"] == commit
    assert evidence["tag_object"] == git(repo_path, "rev-parse", "refs/tags/v0.2.0").strip()
    assert journal_actions(repo_path)[-1] == ("push", ADOPTED)
    assert ready.store.load("v0.2.0").steps["push"].status == StepStatus.DONE


def test_push_stops_when_the_remote_tag_is_on_another_commit(ready: Context,
                                                             repo_path: Path) -> None:
    bare = repo_path.parent / "remote.git"
    git(repo_path, "tag", "-a", "-m", "someone else's tag", "elsewhere", "v0.2.0^{commit}~1")
    git(repo_path, "push", "-q", "origin", "refs/tags/elsewhere:refs/tags/v0.2.0")
    git(repo_path, "tag", "-d", "elsewhere")
    before = git(bare, "for-each-ref")
    session = (repo_path / ".release" / "v0.2.0" / "session.json").read_bytes()
    with pytest.raises(Diverged) as raised:
        run(ready, "push")
    said = str(raised.value)
    other = git(repo_path, "rev-parse", "v0.2.0^{commit}~1").strip()
    assert "origin already has a different tag v0.2.0" in said
    assert f"at commit {other[:12]}, not the release commit" in said
    assert "nothing was pushed" in said and "never moved or deleted" in raised.value.remedy
    assert git(bare, "for-each-ref") == before  # neither the branch nor the tag went up
    assert (repo_path / ".release" / "v0.2.0" / "session.json").read_bytes() == session


def test_push_is_blocked_without_the_tag(make_ctx: Factory, repo_path: Path,
                                         sandbox: Sandbox) -> None:
    from services.errors import BlockedError

    ctx = prepare_release(make_ctx, repo_path, sandbox)
    git(repo_path, "tag", "-d", "v0.2.0")
    complete_steps_before(ctx, "push")
    with pytest.raises(BlockedError, match=r"cannot run yet: tag v0\.2\.0 does not exist"):
        run(ctx, "push")


def test_push_without_the_remote_is_blocked_in_one_sentence(ready: Context,
                                                            repo_path: Path) -> None:
    from services.errors import BlockedError

    git(repo_path, "remote", "remove", "origin")
    with pytest.raises(BlockedError, match="cannot run yet: this repository has no remote named 'origin'"):
        run(ready, "push")


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_push_to_an_unreachable_remote_says_so_and_exits_3(ready: Context,
                                                            repo_path: Path) -> None:
    git(repo_path, "remote", "set-url", "origin", f"git://127.0.0.1:{closed_port()}/pai.git")
    proc = run_cli("push", "--yes", cwd=repo_path, env=cli_env())
    assert proc.returncode == 3, proc.stderr
    assert "Cannot reach the remote origin (git://127.0.0.1:" in proc.stderr
    assert "Connection refused" in proc.stderr
    assert "push, draft, review and publish wait for the online side" in proc.stderr
    assert "and the repository exists" not in proc.stderr
    assert "Traceback" not in proc.stderr


def test_the_push_confirmation_never_shows_credentials_in_the_remote_url(
        ready: Context, repo_path: Path) -> None:
    """A remote URL may carry a token (https://user:TOKEN@host/...): the plan the captain confirms
    names the remote without it, for the release push and for the push of what a release leaves."""
    from services.steps import registry
    from services.summary import push_plan_lines

    git(repo_path, "remote", "set-url", "origin", "https://ci-bot:s3cr3t-token@example.test/p.git")
    summary = registry()["push"].plan(ready).summary
    _, rest = push_plan_lines(ready, ready.require_session())
    for text in (summary, "\n".join(rest)):
        assert "Remote origin: https://example.test/p.git" in text
        assert "s3cr3t-token" not in text


def test_a_remote_branch_that_moved_is_named_and_a_merge_lets_the_tag_go_up(
        ready: Context, repo_path: Path) -> None:
    """Found by a helper: someone pushed to main after the release began. The confirmation
    said the commits would go up, then git refused with its advice to pull (a rebase would
    leave the signed tag off main), and that text became the step's failure."""
    bare = repo_path.parent / "remote.git"
    git(repo_path, "push", "-q", "origin", "v0.1.0^{commit}:refs/heads/main")
    other = repo_path.parent / "other"
    git(repo_path.parent, "clone", "-q", str(bare), "other")
    (other / "NEWS").write_text("news\n")
    git(other, "add", "NEWS")
    git(other, "-c", "user.name=O", "-c", "user.email=o@x", "commit", "-q", "-m", "News")
    git(other, "push", "-q", "origin", "main")
    moved_tip = git(bare, "rev-parse", "main").strip()

    with pytest.raises(StepFailed) as refused:
        run(ready, "push")
    said = str(refused.value)
    assert (f"origin/main has moved: its tip {moved_tip[:12]} is not in the release commit's "
            "history (someone pushed after this release began), so the push would be refused; "
            "nothing was pushed.") in said
    assert "never rebase" in said and "git merge origin/main" in said
    assert git(bare, "rev-parse", "main").strip() == moved_tip
    assert git(bare, "tag", "--list").strip() == ""

    git(repo_path, "fetch", "-q", "origin")
    git(repo_path, "merge", "-q", "--no-edit", "origin/main")
    git(repo_path, "push", "-q", "origin", "main")
    evidence = run(ready, "push")
    release = git(repo_path, "rev-parse", "v0.2.0^{commit}").strip()
    assert git(bare, "rev-parse", "refs/tags/v0.2.0").strip() == evidence["tag_object"]
    assert git(bare, "merge-base", "--is-ancestor", release, "main") == ""  # on main, merged
    assert evidence["branch_holds_it"] == git(bare, "rev-parse", "main").strip()


def test_a_push_cut_off_after_the_branch_says_no_commit_goes_up(ready: Context,
                                                                 repo_path: Path) -> None:
    """Walked by hand: a console killed while `git push` sent the branch, before the tag; the
    plan of the rerun said "0 commits go up to main:" above an empty list."""
    from services.steps import registry

    commit = git(repo_path, "rev-parse", "v0.2.0^{commit}").strip()
    git(repo_path, "push", "-q", "origin", f"{commit}:refs/heads/main")
    summary = registry()["push"].plan(ready).summary
    assert "No commit goes up to main: origin has every one already." in summary
    assert "0 commits" not in summary
    assert "Ref refs/tags/v0.2.0 goes up" in summary
    evidence = run(ready, "push")
    assert git(repo_path.parent / "remote.git", "rev-parse", "refs/tags/v0.2.0").strip() == \
        evidence["tag_object"]


def test_a_dry_run_after_a_push_killed_before_its_record_says_the_tag_is_adopted(
        ready: Context, repo_path: Path) -> None:
    """Found walking the CLI: after `run push` was killed with the tag on the remote and no
    record, `run push --dry-run` (and `next --dry-run`) said the tag "goes up" and listed both
    pushes, while the real run then adopted what was there and pushed nothing."""
    from tests.journal_helpers import killed_at_record

    killed = killed_at_record(repo_path, "done", "before", "run", "push", "--yes", env=cli_env())
    assert killed.returncode == -9, killed.stderr
    bare = repo_path.parent / "remote.git"
    tag_object = git(bare, "rev-parse", "refs/tags/v0.2.0").strip()
    for args in (("run", "push", "--dry-run"), ("next", "--dry-run")):
        dry = run_cli(*args, cwd=repo_path, env=cli_env())
        assert dry.returncode == 0, dry.stderr
        assert ("Tag v0.2.0 is already on origin (this very tag object) and main is at the "
                "release commit: nothing goes up; the run records the push as done (adopted, "
                "as after an interruption).") in flat(dry.stdout)
        assert "goes up (new on origin)" not in dry.stdout
        assert "git push" not in dry.stdout
    real = run_cli("run", "push", "--yes", cwd=repo_path, env=cli_env())
    assert real.returncode == 0, real.stderr
    assert journal_actions(repo_path)[-1] == ("push", ADOPTED)
    assert git(bare, "rev-parse", "refs/tags/v0.2.0").strip() == tag_object


def test_the_plan_sends_only_what_the_remote_lacks_and_names_a_different_tag(
        ready: Context, repo_path: Path) -> None:
    """The tag there without the branch (pushed by hand): the plan sends the branch only, as the
    run does; a different tag of that name: the plan says the run stops and sends nothing."""
    from services.steps import registry

    git(repo_path, "push", "-q", "origin", "refs/tags/v0.2.0")
    plan = registry()["push"].plan(ready)
    assert ("Ref refs/tags/v0.2.0 is already on origin (this very tag object): the run records "
            "it and does not send it again.") in plan.summary
    # the tag took every commit up already: main only moves to the release commit
    assert "No commit goes up to main: origin has every one already." in plan.summary
    assert [c.split()[-1] for c in plan.commands] == [
        f"{git(repo_path, 'rev-parse', 'v0.2.0^{commit}').strip()}:refs/heads/main"]
    evidence = run(ready, "push")
    assert evidence["tag_already_there"] is True

    bare = repo_path.parent / "remote.git"
    git(bare, "tag", "-d", "v0.2.0")
    git(repo_path, "tag", "-a", "-f", "-m", "someone else's tag", "elsewhere", "v0.2.0")
    git(repo_path, "push", "-q", "origin", "refs/tags/elsewhere:refs/tags/v0.2.0")
    plan = registry()["push"].plan(ready)
    assert "origin already has a different tag v0.2.0" in plan.summary
    assert "the run stops and pushes nothing" in plan.summary
    assert plan.commands == []


def test_the_plan_counts_only_commits_the_remote_lacks_through_a_tag_pushed_by_hand(
        ready: Context, repo_path: Path) -> None:
    """main is not on the remote yet, but a tag pushed by hand (no remote-tracking ref here)
    already took the history up to the release commit's parent there: the plan said every
    commit of the new branch goes up ("2 commits go up to main"), counted from this clone's
    remote-tracking refs only. It now counts from what `git ls-remote` says the remote has;
    offline it keeps the count from this clone's refs."""
    from services.steps import registry

    commit = git(repo_path, "rev-parse", "v0.2.0^{commit}").strip()
    before = git(repo_path, "log", "--format=%h %s", commit).strip().splitlines()
    assert len(before) >= 2 and not git(repo_path, "branch", "-r").strip()
    git(repo_path, "push", "-q", "origin", f"{commit}~1:refs/tags/by-hand")
    assert not git(repo_path, "branch", "-r").strip()  # nothing here says the remote has them

    summary = registry()["push"].plan(ready).summary
    assert "1 commit goes up to main (a new branch on origin):" in summary, summary
    assert f"  {before[0]}" in summary and f"  {before[1]}" not in summary

    git(repo_path, "push", "-q", "origin", f"{commit}:refs/tags/all-of-it")
    summary = registry()["push"].plan(ready).summary
    assert "No commit goes up to main: origin has every one already." in summary
    assert "Ref refs/tags/v0.2.0 goes up (new on origin)." in summary

    dry = run_cli("run", "push", "--dry-run", cwd=repo_path, env=cli_env())
    assert dry.returncode == 0, dry.stderr
    assert "No commit goes up to main: origin has every one already." in dry.stdout

    offline = run_cli("--offline", "run", "push", "--dry-run", cwd=repo_path, env=cli_env())
    assert f"{len(before)} commits go up to main (a new branch on origin):" in offline.stdout, \
        offline.stdout + offline.stderr
