"""CI gate (green/pending/red) and GitHub failures as one-sentence errors a captain can act on."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from services.errors import ConsoleError
from services.github import credentials
from services.github.ci import ci_status
from services.github.client import GitHubClient, connect, translate
from services.policy import load_policy
from services.session_lifecycle import ReleaseRequest, start_release
from services.step_protocol import Context, StepFailed
from services.steps.preflight_ci import ci_gate
from tests.conftest import run_cli
from tests.github_helpers import (
    CANARY,
    REPO,
    Sandbox,
    cli_env,
    write_policy,
)

Factory = Callable[..., Context]
SHA = "c" * 40


@pytest.fixture
def ctx(make_ctx: Factory, repo_path: Path, sandbox: Sandbox) -> Context:
    write_policy(repo_path, sandbox.api_url)
    context = make_ctx()
    start_release(context, ReleaseRequest(version="0.2.0"))
    return context


def test_ci_green_when_every_status_and_check_passed(ctx: Context, sandbox: Sandbox) -> None:
    sandbox.server.add_status(REPO, SHA, "ci/build-amd64", "success")
    sandbox.server.add_check_run(REPO, SHA, "smoke-arm64", conclusion="success")
    evidence = ci_gate(ctx, SHA)
    assert evidence["status"] == "green"
    assert evidence["passing"] == ["ci/build-amd64 (status)", "smoke-arm64 (check)"]


def test_ci_red_names_the_failing_contexts(ctx: Context, sandbox: Sandbox) -> None:
    sandbox.server.add_status(REPO, SHA, "ci/build-amd64", "success")
    sandbox.server.add_status(REPO, SHA, "ci/build-arm64", "failure")
    sandbox.server.add_check_run(REPO, SHA, "lint", conclusion="timed_out")
    with pytest.raises(StepFailed) as caught:
        ci_gate(ctx, SHA)
    assert "ci/build-arm64 (status): failure" in str(caught.value)
    assert "lint (check): timed_out" in str(caught.value)


def test_ci_pending_while_a_check_is_running(ctx: Context, sandbox: Sandbox) -> None:
    sandbox.server.add_status(REPO, SHA, "ci/build-amd64", "success")
    sandbox.server.add_check_run(REPO, SHA, "smoke", status="in_progress")
    with pytest.raises(StepFailed, match="still running on cccccccccccc: smoke"):
        ci_gate(ctx, SHA)


def test_ci_with_no_results_is_none_not_green(ctx: Context) -> None:
    result = ci_status(connect(ctx.policy), SHA)
    assert result.state == "none"
    assert result.summary() == "No CI has reported on cccccccccccc."


def test_preflight_passes_a_commit_without_ci_and_says_so(ctx: Context) -> None:
    evidence = ci_gate(ctx, SHA)
    assert evidence["status"] == "none"
    assert "the draft step requires CI on the release commit" in evidence["note"]


def test_next_on_the_command_line_says_no_ci_reported(ctx: Context, repo_path: Path) -> None:
    """Releasing Release Console itself: `next` printed pre-flight's commit and branch but not
    its CI line, whose note made it too long, so the captain never read that no CI reported."""
    done = run_cli("next", cwd=repo_path, env=cli_env())
    assert done.returncode == 0, done.stderr
    head = ctx.repo.head_sha()
    assert f"  ci: status=none, commit={head}\n" in done.stdout
    assert "    note: no CI has reported on this commit; if the project has CI, wait for it" \
        in done.stdout


def test_ci_gate_is_deferred_offline(make_ctx: Factory, ctx: Context, sandbox: Sandbox) -> None:
    offline = make_ctx(offline=True)
    assert ci_gate(offline, SHA)["status"] == "deferred"
    assert not sandbox.requests()


def test_no_token_says_how_to_get_one(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_TOKEN")
    with pytest.raises(ConsoleError) as caught:
        connect(ctx.policy)
    text = str(caught.value)
    assert "No GitHub token for 127.0.0.1:" in text
    assert "no usable keyring" in text and "GITHUB_TOKEN" in text
    assert "github login" in text


def test_bad_token_is_a_401_sentence(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_wrong_token_value")
    with pytest.raises(ConsoleError, match=r"refused the token .*401 Bad credentials") as caught:
        connect(ctx.policy).repo()
    assert "ghp_wrong_token_value" not in str(caught.value)


def test_missing_repository_is_a_404_sentence(repo_path: Path, sandbox: Sandbox) -> None:
    (repo_path / "release.toml").write_text(
        f'[project]\nrepository = "acme/nope"\n[github]\napi_url = "{sandbox.api_url}"\n')
    policy = load_policy(repo_path / "release.toml")
    with pytest.raises(ConsoleError, match=r"has no repository acme/nope.*404"):
        connect(policy).repo()


def test_a_local_server_that_is_not_running_is_named_as_such(repo_path: Path,
                                                              sandbox: Sandbox) -> None:
    """Walked by hand: the demo's server had stopped, and the draft step said the machine
    looked offline. Nothing listening on loopback is a server to start, not a network."""
    url = sandbox.api_url
    sandbox.server.stop()
    (repo_path / "release.toml").write_text(
        f'[project]\nrepository = "{REPO}"\n[github]\napi_url = "{url}"\n')
    with pytest.raises(ConsoleError) as caught:
        connect(load_policy(repo_path / "release.toml")).repo()
    host = url.split("//")[1].split("/")[0]
    assert caught.value.message == (f"Nothing answers at {host} on this machine, so GitHub "
                                    "cannot be reached.")
    assert "`release-console demo --serve`" in caught.value.remedy


def test_an_unreachable_remote_github_says_the_machine_looks_offline() -> None:
    client = GitHubClient(gh=None, api_url="https://api.github.com", host="api.github.com",
                          repository=REPO, token_source="keyring")
    said = translate(ConnectionRefusedError(111, "Connection refused"), what="read", client=client)
    assert str(said) == ("Cannot reach GitHub at api.github.com: the machine looks offline; "
                         "push, draft, review and publish wait for the online side.")


def test_rate_limit_says_when_it_resets(ctx: Context, sandbox: Sandbox) -> None:
    reset = int(time.time()) + 1800
    sandbox.server.faults.rate_limit(nth=1, reset=reset)
    with pytest.raises(ConsoleError) as caught:
        connect(ctx.policy).repo()
    expected = time.strftime("%H:%M UTC", time.gmtime(reset))
    assert f"resets at {expected}" in str(caught.value)
    assert re.search(r"\d\d:\d\d UTC", str(caught.value))


def test_api_url_policy_then_environment_then_github(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_API_URL", "https://ghe.example.org/api/v3/")
    assert credentials.api_url("http://127.0.0.1:9/api/v3") == "http://127.0.0.1:9/api/v3"
    assert credentials.api_url("") == "https://ghe.example.org/api/v3"
    monkeypatch.delenv("GITHUB_API_URL")
    assert credentials.api_url("") == "https://api.github.com"
    assert credentials.host_of("https://api.github.com") == "github.com"
    assert credentials.host_of("https://ghe.example.org/api/v3") == "ghe.example.org"


def test_token_from_environment_is_registered_as_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    from services.secrets import scrub

    monkeypatch.setenv("GITHUB_TOKEN", CANARY)
    token = credentials.find_token("github.com")
    assert token is not None and token.source == "environment (GITHUB_TOKEN)"
    assert CANARY not in repr(token)
    assert CANARY not in scrub(f"oops {CANARY}")


def test_transport_failures_become_one_sentence_errors() -> None:
    """requests/urllib3 failures other than a refused connection are no traceback either."""
    import requests
    import urllib3

    from services.github.client import GitHubClient, GitHubError, Transient, translate
    from services.secrets import register

    client = GitHubClient(gh=None, api_url="http://127.0.0.1:9/api/v3", host="127.0.0.1:9",
                          repository=REPO, token_source="environment")
    broke = translate(requests.exceptions.ChunkedEncodingError("Connection broken: IncompleteRead"),
                      what="list the assets of v0.2.0", client=client)
    assert isinstance(broke, Transient)  # retried like a 5xx
    assert str(broke).startswith("The connection to GitHub at 127.0.0.1:9 broke off while "
                                 "trying to list the assets of v0.2.0.")
    register(CANARY)  # as a token read from the environment is
    odd = translate(requests.exceptions.TooManyRedirects(f"Exceeded 30 redirects {CANARY}\nmore"),
                    what="read release 7", client=client)
    assert isinstance(odd, GitHubError) and not isinstance(odd, Transient)
    assert odd.message.startswith("The request to GitHub at 127.0.0.1:9 failed while trying to "
                                  "read release 7 (TooManyRedirects: Exceeded 30 redirects ")
    assert CANARY not in odd.message and "\n" not in odd.message and "more" not in odd.message
    assert isinstance(translate(urllib3.exceptions.ProtocolError("reset"), what="x",
                                client=client), Transient)
    bug = KeyError("a bug stays a bug")
    assert translate(bug, what="x", client=client) is bug


def test_github_errors_carry_the_status(ctx: Context, sandbox: Sandbox) -> None:
    from services.github.client import GitHubError

    sandbox.server.faults.fail(status=422, method="GET", path_contains="/commits/")
    client = connect(ctx.policy)
    repo = client.repo()
    with pytest.raises(GitHubError) as caught:
        client.call("read the commit", lambda: repo.get_commit(SHA))
    assert caught.value.status == 422
    assert str(caught.value).startswith("GitHub answered 422 (")


def test_a_secret_is_masked_also_as_an_error_message_quotes_it() -> None:
    """An HTTP library quoting a bad header value writes a line break as the two characters
    `\\n` (repr, JSON): that form is masked too."""
    from services.secrets import register, scrub

    register("ghp_QUOTED_SENTINEL_42\nrest")
    said = scrub("InvalidHeader: 'token ghp_QUOTED_SENTINEL_42\\nrest' and "
                 '{"token": "ghp_QUOTED_SENTINEL_42\\nrest"}')
    assert "QUOTED_SENTINEL" not in said and said.count("********") == 2


def test_a_step_failing_for_want_of_a_token_keeps_the_tuis_words(
        ctx: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pre-flight is where a captain without a token meets it first: its failure, wrapped as the
    step's, still says "run the command again" on the command line and its own words in the TUI."""
    from services import engine

    monkeypatch.delenv("GITHUB_TOKEN")
    with pytest.raises(StepFailed) as caught:
        engine.run_step(ctx, engine.find_step(ctx, "preflight"))
    failure = caught.value
    assert str(failure).startswith("'Pre-flight checks' failed: no GitHub token for 127.0.0.1:")
    assert str(failure).endswith("and run the command again; `release-console github login` "
                                 "needs a system keyring.")
    assert failure.tui_text.endswith("start the console again, then press r on the step.")
    assert "run the command again" not in failure.tui_text
