"""The GitHub commands as a captain runs them, in a subprocess, against the loopback GitHub."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from services.step_protocol import Context
from tests.conftest import run_cli
from tests.github_helpers import (
    CANARY,
    REPO,
    Sandbox,
    cli_env,
    complete_steps_before,
    git,
    prepare_release,
    release_json,
    run,
    scan_for,
)

Factory = Callable[..., Context]
KEYRING = {"PYTHON_KEYRING_BACKEND": "tests.github_helpers.FileKeyring"}


def test_draft_review_publish_from_the_command_line_never_leaks_the_token(
        make_ctx: Factory, repo_path: Path, sandbox: Sandbox) -> None:
    ctx = prepare_release(make_ctx, repo_path, sandbox)
    complete_steps_before(ctx, "draft")
    outputs = []

    draft = run_cli("draft", cwd=repo_path, env=cli_env())
    outputs.append(draft)
    assert draft.returncode == 0, draft.stderr
    assert "upload pai-v0.2.0-amd64.iso: 39.1 KiB of 39.1 KiB (100%)" in draft.stderr

    review = run_cli("review", "--json", cwd=repo_path, env=cli_env())
    outputs.append(review)
    assert review.returncode == 0, review.stderr
    assert '"clean": true' in review.stdout

    asked = run_cli("publish", cwd=repo_path, env=cli_env())
    outputs.append(asked)
    assert asked.returncode == 2  # needs an answer and there is no terminal: a usage error
    assert "PATCH /repos/acme/pai/releases/" in asked.stdout  # the plan was shown
    assert "It becomes the latest release." in asked.stdout
    assert "--yes" in asked.stderr
    assert release_json(sandbox, "v0.2.0")["draft"] is True

    published = run_cli("publish", "--yes", cwd=repo_path, env=cli_env())
    outputs.append(published)
    assert published.returncode == 0, published.stderr
    assert release_json(sandbox, "v0.2.0")["draft"] is False

    status = run_cli("github", "status", cwd=repo_path, env=cli_env())
    outputs.append(status)
    assert "Token: from the environment (GITHUB_TOKEN)." in status.stdout
    assert f"Repository: {REPO} is reachable with this token." in status.stdout

    for proc in outputs:
        assert CANARY not in proc.stdout and CANARY not in proc.stderr
    assert scan_for(CANARY, repo_path, sandbox.state_dir) == []


def test_review_exit_code_and_table_when_something_is_missing(
        make_ctx: Factory, repo_path: Path, sandbox: Sandbox) -> None:
    ctx = prepare_release(make_ctx, repo_path, sandbox)
    complete_steps_before(ctx, "draft")
    run(ctx, "draft")
    rel = next(iter(sandbox.github().get_repo(REPO).get_releases()))
    next(a for a in rel.get_assets() if a.name.endswith("amd64.iso.sha256")).delete_asset()
    proc = run_cli("review", cwd=repo_path, env=cli_env())
    assert proc.returncode == 1
    assert "✘ pai-v0.2.0-amd64.iso.sha256" in proc.stdout
    assert "not attached" in proc.stdout and "Blocks publishing:" in proc.stdout


def test_a_stopped_github_server_is_named_and_exits_3(make_ctx: Factory, repo_path: Path,
                                                      sandbox: Sandbox) -> None:
    ctx = prepare_release(make_ctx, repo_path, sandbox)
    complete_steps_before(ctx, "draft")
    sandbox.server.stop()
    proc = run_cli("review", cwd=repo_path, env=cli_env())
    assert proc.returncode == 3  # an environment problem, not a bad release
    assert "Nothing answers at 127.0.0.1:" in proc.stderr
    assert "so GitHub cannot be reached" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_login_status_logout_with_a_keyring(repo_path: Path, sandbox: Sandbox) -> None:
    (repo_path / "release.toml").write_text(
        f'[project]\nrepository = "{REPO}"\n[github]\napi_url = "{sandbox.api_url}"\n')
    env = {**cli_env(KEYRING), "GITHUB_TOKEN": ""}
    login = run_cli("github", "login", "--with-token", cwd=repo_path, env=env,
                    input_text=CANARY + "\n")
    assert login.returncode == 0, login.stderr
    assert "Stored the GitHub token for 127.0.0.1:" in login.stdout
    status = run_cli("github", "status", cwd=repo_path, env=env)
    assert "Token: from the keyring." in status.stdout and "is reachable" in status.stdout
    logout = run_cli("github", "logout", cwd=repo_path, env=env)
    assert "Removed the GitHub token" in logout.stdout
    status = run_cli("github", "status", cwd=repo_path, env=env)
    assert status.returncode == 3 and "Token: none" in status.stdout  # README: no token is 3
    for proc in (login, status, logout):
        assert CANARY not in proc.stdout + proc.stderr
    assert scan_for(CANARY, repo_path) == []


def test_login_without_a_keyring_points_to_github_token(repo_path: Path) -> None:
    proc = run_cli("github", "login", "--with-token", cwd=repo_path,
                   env={**cli_env(), "GITHUB_TOKEN": ""}, input_text=CANARY + "\n")
    assert proc.returncode == 3
    assert "no usable keyring" in proc.stderr and "GITHUB_TOKEN" in proc.stderr
    assert CANARY not in proc.stdout + proc.stderr


def test_login_with_token_and_nothing_on_standard_input_says_how_to_give_it(
        repo_path: Path) -> None:
    """Walked by hand: `github login --with-token` with an empty pipe said to paste the token
    when asked, though --with-token asks nothing."""
    proc = run_cli("github", "login", "--with-token", cwd=repo_path,
                   env={**cli_env(), "GITHUB_TOKEN": ""}, input_text="")
    said = " ".join(proc.stderr.split())
    assert proc.returncode == 2 and "Traceback" not in said
    assert "Standard input held no token (--with-token reads its first line)" in said
    assert "`release-console github login --with-token < token-file`" in said
    assert "when asked" not in said


def test_yank_does_github_and_changelog_together(make_ctx: Factory, repo_path: Path,
                                                 sandbox: Sandbox) -> None:
    changelog = repo_path / "CHANGELOG.md"
    changelog.write_text(
        "# Changelog\n\n## [Unreleased]\n\n## [0.2.0] — 2026-11-21\n\n### Added\n\n- Unlock.\n\n"
        "## [0.1.0] — 2026-10-01\n\n- First.\n")
    git(repo_path, "add", "CHANGELOG.md")
    git(repo_path, "commit", "-q", "-m", "changelog")
    ctx = prepare_release(make_ctx, repo_path, sandbox)
    complete_steps_before(ctx, "draft")
    for step in ("draft", "review", "publish"):
        run(ctx, step)
    sandbox.server.clear_log()
    proc = run_cli("yank", "0.2.0", "--reason", "Unlock corrupts data", "--replacement",
                   "0.2.1", "--yes", cwd=repo_path, env=cli_env())
    assert proc.returncode == 0, proc.stderr + proc.stdout
    assert proc.stdout.count("Nothing is deleted: the tag and every asset stay.") == 1
    assert proc.stdout.count("every asset stay") == 1  # walked: said twice in other words
    text = changelog.read_text()
    assert "YANKED" in text and "0.2.1" in text
    rel = release_json(sandbox, "v0.2.0")
    assert rel["prerelease"] is True and rel["body"].startswith("> **⚠️ YANKED** — Unlock")
    assert "Use **v0.2.1** instead." in rel["body"]
    assert "GitHub now shows no release as latest" in proc.stdout
    again = run_cli("yank", "0.2.0", "--reason", "Unlock corrupts data", "--replacement",
                    "0.2.1", "--yes", cwd=repo_path, env=cli_env())
    assert again.returncode == 0, again.stderr
    assert release_json(sandbox, "v0.2.0")["body"].count("YANKED") == 1
    assert not sandbox.requests("DELETE")


@pytest.mark.parametrize("args", [("yank", "0.2.0", "--reason", "x", "--replacement", "0.2.0")])
def test_yank_refuses_itself_as_replacement(repo_path: Path, args: tuple[str, ...]) -> None:
    proc = run_cli(*args, "--yes", cwd=repo_path, env=cli_env())
    assert proc.returncode == 1 and "cannot be 0.2.0 itself" in proc.stderr


@pytest.fixture
def drafting(ready: Context, repo_path: Path) -> Path:
    return repo_path


def test_no_token_and_no_keyring_exit_3_and_lead_with_github_token(drafting: Path,
                                                                   sandbox: Sandbox) -> None:
    proc = run_cli("draft", cwd=drafting, env={**cli_env(), "GITHUB_TOKEN": ""})
    assert proc.returncode == 3, proc.stderr
    assert "No GitHub token for 127.0.0.1:" in proc.stderr
    remedy = proc.stderr.split("keep one.", 1)[1]
    assert remedy.lstrip().startswith("Set GITHUB_TOKEN in the environment")
    assert sandbox.server.release_data(REPO) == []


def test_a_bad_token_exits_3(drafting: Path, sandbox: Sandbox) -> None:
    proc = run_cli("draft", cwd=drafting, env=cli_env({"GITHUB_TOKEN": "ghp_not_the_token"}))
    assert proc.returncode == 3, proc.stderr
    assert "refused the token from the environment (GITHUB_TOKEN) (401 Bad credentials)" \
        in proc.stderr
    assert "ghp_not_the_token" not in proc.stdout + proc.stderr


@pytest.mark.parametrize("command", [("draft",), ("run", "draft")])
def test_offline_flag_exits_3_and_changes_nothing(drafting: Path, sandbox: Sandbox,
                                                  command: tuple[str, ...]) -> None:
    session = (drafting / ".release" / "v0.2.0" / "session.json").read_bytes()
    offline = run_cli("--offline", *command, cwd=drafting, env=cli_env())
    assert offline.returncode == 3, offline.stderr
    assert "'GitHub draft and uploads' cannot run here" in offline.stderr
    assert "this workstation is offline" in offline.stderr
    assert "Traceback" not in offline.stderr
    assert (drafting / ".release" / "v0.2.0" / "session.json").read_bytes() == session
    assert sandbox.server.requests == []


def test_connection_refused_exits_3(drafting: Path, sandbox: Sandbox) -> None:
    sandbox.server.stop()
    refused = run_cli("draft", cwd=drafting, env=cli_env())
    assert refused.returncode == 3
    assert "Nothing answers at 127.0.0.1:" in refused.stderr


def test_review_json_prints_an_error_object_when_it_fails(drafting: Path,
                                                          sandbox: Sandbox) -> None:
    sandbox.server.stop()
    proc = run_cli("review", "--json", cwd=drafting, env=cli_env())
    assert proc.returncode == 3
    error = json.loads(proc.stdout)["error"]
    assert error["exit_code"] == 3
    assert error["message"].startswith("Nothing answers at 127.0.0.1:")


def test_upload_retries_are_announced(capsys: pytest.CaptureFixture[str]) -> None:
    from console.progress import ProgressRenderer
    from services.progress import ProgressEvent

    printer = ProgressRenderer(bars=False)
    printer(ProgressEvent("upload", "pai.iso", 512, 1024))
    printer(ProgressEvent("upload", "pai.iso", attempt=2, reason="GitHub answered 502"))
    err = capsys.readouterr().err
    assert "  upload pai.iso: 512 B of 1.0 KiB (50%)\n" in err
    assert "  retrying pai.iso (attempt 2): GitHub answered 502\n" in err


def test_a_token_with_a_line_break_is_refused_and_never_written(
        make_ctx: Factory, repo_path: Path, sandbox: Sandbox) -> None:
    """Found by a helper: a token pasted with a line break reached the HTTP library, whose error
    quoted it with the break written as `\\n`; scrubbing looked for the raw value, so the token
    went into the journal, session.json and stderr."""
    ctx = prepare_release(make_ctx, repo_path, sandbox)
    complete_steps_before(ctx, "draft")
    token = "ghp_MULTILINE_SENTINEL_0123456789\nsecondline"
    refused = run_cli("draft", cwd=repo_path, env=cli_env({"GITHUB_TOKEN": token}))
    assert refused.returncode == 3, refused.stderr
    assert ("The GitHub token from the environment (GITHUB_TOKEN) has a line break, a space or "
            "another character a token never has.") in refused.stderr
    assert "Traceback" not in refused.stderr
    assert "MULTILINE_SENTINEL" not in refused.stdout + refused.stderr
    assert scan_for("MULTILINE_SENTINEL", repo_path) == []


@pytest.mark.parametrize("url", ["127.0.0.1:8080/api/v3", "htp://127.0.0.1/api/v3",
                                 "http://127.0.0.1:99999/api/v3", "http://[::1/api/v3"])
def test_a_mistyped_api_url_is_one_sentence_naming_it(
        make_ctx: Factory, repo_path: Path, sandbox: Sandbox, url: str) -> None:
    ctx = prepare_release(make_ctx, repo_path, sandbox)
    complete_steps_before(ctx, "draft")
    policy = repo_path / "release.toml"
    policy.write_text("\n".join(line for line in policy.read_text().splitlines()
                                if not line.startswith("api_url")) + "\n")
    refused = run_cli("draft", cwd=repo_path, env=cli_env({"GITHUB_API_URL": url}))
    assert refused.returncode == 3, refused.stderr
    assert "Traceback" not in refused.stderr
    assert "The GitHub API URL in GITHUB_API_URL" in refused.stderr
    assert "is not an http(s) address with a host and a valid port." in refused.stderr


@pytest.mark.parametrize(("status", "says"), [
    (422, "Correct what GitHub names, then run the step again; it picks up where it stopped."),
    (404, "Correct what GitHub names, then run the step again; it picks up where it stopped."),
    (403, "The token from the environment (GITHUB_TOKEN) may lack write access to acme/pai; "
     "check it with `release-console github status`, then run the step again."),
])
def test_a_refusal_from_github_says_what_to_do(drafting: Path, sandbox: Sandbox, status: int,
                                               says: str) -> None:
    """Found walking the clear-errors standard: a 4xx GitHub gave no special meaning to was
    'GitHub answered 422 (...) while trying to ...' and nothing about what to do next."""
    session = (drafting / ".release" / "v0.2.0" / "session.json").read_bytes()
    sandbox.server.faults.fail(status=status, method="GET", path_contains="/releases", times=9)
    proc = run_cli("draft", cwd=drafting, env=cli_env())
    assert proc.returncode == 1
    assert f"GitHub answered {status} (" in proc.stderr and says in proc.stderr
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert (drafting / ".release" / "v0.2.0" / "session.json").read_bytes() == session
