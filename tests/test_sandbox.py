"""The loopback GitHub itself: auth, shapes, drafts, pagination, persistence and fault injection."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from github.GithubException import BadCredentialsException, GithubException

from console.sandbox import SandboxServer
from console.sandbox.validation import OpenAPIValidator
from tests.github_helpers import CANARY, REPO, Sandbox


def call(url: str, *, token: str | None = CANARY, method: str = "GET",
         body: Any = None) -> tuple[int, dict[str, str], Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    if token:
        request.add_header("Authorization", f"token {token}")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            raw = response.read()
            return response.status, dict(response.headers), json.loads(raw) if raw else None
    except urllib.error.HTTPError as err:
        raw = err.read()
        return err.code, dict(err.headers), json.loads(raw) if raw else None


def test_tokens_are_checked(sandbox: Sandbox) -> None:
    url = f"{sandbox.api_url}/repos/{REPO}"
    assert call(url, token=None)[0] == 401
    status, _headers, body = call(url, token="wrong")
    assert (status, body["message"]) == (401, "Bad credentials")
    with pytest.raises(BadCredentialsException):
        sandbox.github("wrong").get_repo(REPO)
    assert call(url)[0] == 200


def test_urls_point_back_at_the_sandbox(sandbox: Sandbox) -> None:
    rel = sandbox.github().get_repo(REPO).create_git_release("v1.0.0", "t", "b", draft=True)
    assert rel.url.startswith(sandbox.api_url + "/repos/acme/pai/releases/")
    assert rel.upload_url.startswith(sandbox.server.url + "/api/uploads/repos/acme/pai/")
    status, _h, body = call(f"{sandbox.api_url}/repos/{REPO}")
    assert status == 200
    strings = [v for v in body.values() if isinstance(v, str) and v.startswith("http")]
    assert len(strings) > 30
    assert all(s.startswith(sandbox.server.url + "/") for s in strings)


def test_drafts_are_not_found_by_tag_and_duplicates_are_refused(
        sandbox: Sandbox, tmp_path: Path) -> None:
    repo = sandbox.github().get_repo(REPO)
    draft = repo.create_git_release("v1.0.0", "PAI v1.0.0", "notes", draft=True)
    assert call(f"{sandbox.api_url}/repos/{REPO}/releases/tags/v1.0.0")[0] == 404
    asset = tmp_path / "a.iso"
    asset.write_bytes(b"iso bytes")
    uploaded = draft.upload_asset(str(asset), content_type="application/octet-stream")
    assert uploaded.digest == "sha256:" + hashlib.sha256(b"iso bytes").hexdigest()
    assert uploaded.state == "uploaded"
    with pytest.raises(GithubException) as caught:
        draft.upload_asset(str(asset), content_type="application/octet-stream")
    assert caught.value.status == 422
    assert caught.value.data["errors"][0]["code"] == "already_exists"
    draft.update_release(draft.name, draft.body, draft=False, make_latest="true")
    assert repo.get_release("v1.0.0").id == draft.id
    assert repo.get_latest_release().id == draft.id


def test_a_release_body_over_githubs_limit_is_refused_as_github_refuses_it(
        sandbox: Sandbox) -> None:
    """A rehearsal against the sandbox meets the limit a release on GitHub would."""
    url = f"{sandbox.api_url}/repos/{REPO}/releases"
    status, _h, body = call(url, method="POST", body={"tag_name": "v1.0.0", "body": "x" * 125_001})
    assert status == 422
    assert body["errors"] == [{"resource": "Release", "code": "custom", "field": "body",
                               "message": "body is too long (maximum is 125000 characters)"}]
    assert call(url, method="POST", body={"tag_name": "v1.0.0", "body": "x" * 125_000})[0] == 201


def test_list_releases_paginates_with_link_headers(sandbox: Sandbox) -> None:
    repo = sandbox.github().get_repo(REPO)
    for n in range(35):
        repo.create_git_release(f"v0.0.{n}", f"r{n}", "", draft=True)
    assert len(list(repo.get_releases())) == 35
    status, headers, body = call(f"{sandbox.api_url}/repos/{REPO}/releases?per_page=10&page=2")
    assert status == 200 and len(body) == 10
    link = headers["Link"]
    assert f'<{sandbox.api_url}/repos/{REPO}/releases?per_page=10&page=3>; rel="next"' in link
    assert 'page=4>; rel="last"' in link and 'rel="prev"' in link


def test_state_survives_a_restart(sandbox: Sandbox, tmp_path: Path) -> None:
    repo = sandbox.github().get_repo(REPO)
    rel = repo.create_git_release("v1.0.0", "PAI v1.0.0", "notes", draft=False)
    asset = tmp_path / "a.iso"
    asset.write_bytes(b"persisted")
    rel.upload_asset(str(asset), content_type="application/octet-stream")
    sandbox.server.stop()
    with SandboxServer(sandbox.state_dir, validator=sandbox.validator) as again:
        status, _h, body = call(f"{again.api_url}/repos/{REPO}/releases/tags/v1.0.0")
        assert status == 200 and body["assets"][0]["name"] == "a.iso"
        assert body["url"].startswith(again.api_url)
        with urllib.request.urlopen(body["assets"][0]["browser_download_url"]) as download:
            assert download.read() == b"persisted"
    assert CANARY.encode() not in (sandbox.state_dir / "state.json").read_bytes()


def test_faults_fire_on_the_nth_matching_request(sandbox: Sandbox) -> None:
    url = f"{sandbox.api_url}/repos/{REPO}"
    sandbox.server.faults.fail(nth=2, status=502)
    assert call(url)[0] == 200
    assert call(url)[0] == 502
    assert call(url)[0] == 200
    sandbox.server.faults.drop(nth=1)
    with pytest.raises((urllib.error.URLError, ConnectionError)):
        call(url)
    reset = int(time.time()) + 600
    sandbox.server.faults.rate_limit(nth=1, reset=reset)
    status, headers, body = call(url)
    assert status == 403 and body["message"].startswith("API rate limit exceeded")
    assert headers["X-RateLimit-Reset"] == str(reset) and headers["X-RateLimit-Remaining"] == "0"
    sandbox.server.faults.slow(nth=1, seconds=0.05)
    started = time.monotonic()
    assert call(url)[0] == 200
    assert time.monotonic() - started >= 0.05
    log = [(r.method, r.status) for r in sandbox.server.requests]
    assert log == [("GET", 200), ("GET", 502), ("GET", 200), ("GET", 0), ("GET", 403),
                   ("GET", 200)]


def test_an_upload_cut_midway_stays_open(sandbox: Sandbox, tmp_path: Path) -> None:
    draft = sandbox.github().get_repo(REPO).create_git_release("v1.0.0", "t", "b", draft=True)
    asset = tmp_path / "big.iso"
    asset.write_bytes(b"z" * 300_000)
    sandbox.server.faults.drop_mid_upload(nth=1, after_bytes=100_000)
    with pytest.raises(Exception):  # noqa: B017 - requests' ConnectionError family
        draft.upload_asset(str(asset), content_type="application/octet-stream")
    [partial] = list(draft.get_assets())
    assert partial.state == "open" and partial.size == 100_000 and partial.digest is None


def test_the_validator_catches_a_wrong_shape() -> None:
    validator = OpenAPIValidator()
    validator.check("GET", "/repos/{owner}/{repo}/releases/{release_id}", 200,
                    {"id": "not-an-int", "tag_name": "v1"})
    assert validator.errors and any("required" in e or "not of type" in e
                                    for e in validator.errors)
    validator = OpenAPIValidator()
    validator.check("GET", "/repos/{owner}/{repo}/releases/{release_id}", 418, None)
    assert validator.errors  # an undeclared status is reported too


def test_module_entry_point_serves(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "console.sandbox", "--state", str(tmp_path / "st"), "--port", "0",
         "--repo", REPO], cwd=Path(__file__).parent.parent, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, env={"SANDBOX_TOKEN": CANARY, "PATH": "/usr/bin"})
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        api = line.split(" on ", 1)[1].split(" ", 1)[0]
        status, _h, body = call(f"{api}/repos/{REPO}")
        assert status == 200 and body["full_name"] == REPO
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert "--token" not in " ".join(proc.args)  # type: ignore[arg-type]


def test_a_deleted_partial_upload_leaves_no_part_file(sandbox: Sandbox, tmp_path: Path) -> None:
    draft = sandbox.github().get_repo(REPO).create_git_release("v1.0.0", "t", "b", draft=True)
    asset = tmp_path / "big.iso"
    asset.write_bytes(b"z" * 300_000)
    sandbox.server.faults.drop_mid_upload(nth=1, after_bytes=100_000)
    with pytest.raises(Exception):  # noqa: B017 - requests' ConnectionError family
        draft.upload_asset(str(asset), content_type="application/octet-stream")
    assert [p.suffix for p in (sandbox.state_dir / "assets").iterdir()] == [".part"]
    [partial] = list(draft.get_assets())
    partial.delete_asset()
    assert list((sandbox.state_dir / "assets").iterdir()) == []


def test_green_ci_by_default_is_a_demo_switch(tmp_path: Path) -> None:
    sha = "d" * 40
    with SandboxServer(tmp_path / "plain", token=CANARY) as plain:
        plain.create_repo(REPO)
        _s, _h, body = call(f"{plain.api_url}/repos/{REPO}/commits/{sha}/status")
        assert (body["state"], body["statuses"]) == ("pending", [])
    validator = OpenAPIValidator()
    with SandboxServer(tmp_path / "demo", token=CANARY, green_ci_by_default=True,
                       validator=validator) as demo:
        demo.create_repo(REPO)
        _s, _h, body = call(f"{demo.api_url}/repos/{REPO}/commits/{sha}/status")
        assert body["state"] == "success"
        assert [s["context"] for s in body["statuses"]] == ["sandbox/demo-ci"]
        demo.add_status(REPO, sha, "ci/build", "failure")  # real results always win
        _s, _h, body = call(f"{demo.api_url}/repos/{REPO}/commits/{sha}/status")
        assert body["state"] == "failure"
        assert [s["context"] for s in body["statuses"]] == ["ci/build"]
    assert validator.checked == 2 and validator.errors == []
