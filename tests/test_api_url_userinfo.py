"""A token written into GITHUB_API_URL (https://user:TOKEN@host) is never shown."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_cli

TOKEN = "ghp_USERINFO_CANARY_9f8e7d6c5b4a39281706f5e4d3c2b1a0"


def test_userinfo_in_the_api_url_is_masked_in_github_status(repo_path: Path) -> None:
    (repo_path / "release.toml").write_text('[project]\nrepository = "example-org/pai"\n')
    env = {"GITHUB_API_URL": f"https://x-access-token:{TOKEN}@127.0.0.1:9/api/v3",
           "RELEASE_CONSOLE_OFFLINE": "1"}
    result = run_cli("github", "status", cwd=repo_path, env=env)
    said = result.stdout + result.stderr
    assert "GitHub API: https://***@127.0.0.1:9/api/v3" in said
    assert "Token: none for 127.0.0.1:9" in said  # the host, not the user:token@ part
    assert TOKEN not in said and "x-access-token" not in said
