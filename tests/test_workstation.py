"""Whether this machine is offline is machine-local: the flag, the environment or the settings
file outside the repository, never the policy both machines share."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from services import workstation
from services.errors import UsageError
from services.session_lifecycle import ReleaseRequest, start_release
from services.step_protocol import Context
from tests.conftest import commit_file, run_cli


def test_the_settings_file_makes_this_machine_offline(repo_path: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      make_ctx: Callable[..., Context]) -> None:
    start_release(make_ctx(), ReleaseRequest(version="0.2.0"))
    config = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    assert workstation.is_offline() is False
    settings = config / "release-console" / "workstation.toml"
    settings.parent.mkdir(parents=True)
    settings.write_text("offline = true\n")
    assert workstation.is_offline() is True
    result = run_cli("status", cwd=repo_path, env={"XDG_CONFIG_HOME": str(config)})
    assert result.returncode == 0 and "· OFFLINE" in result.stdout

    settings.write_text('offline = "yes"\n')
    with pytest.raises(UsageError, match="key 'offline' must be true or false"):
        workstation.is_offline()
    broken = run_cli("status", cwd=repo_path, env={"XDG_CONFIG_HOME": str(config)})
    assert broken.returncode == 2 and f"{settings}" in broken.stderr
    assert "Traceback" not in broken.stderr


def test_the_environment_and_flag_make_it_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    assert workstation.is_offline(True) is True
    monkeypatch.setenv("RELEASE_CONSOLE_OFFLINE", "1")
    assert workstation.is_offline() is True


def test_the_shared_policy_cannot_say_a_machine_is_offline(repo_path: Path) -> None:
    commit_file(repo_path, "release.toml", "[workstation]\noffline = true\n")
    result = run_cli("status", cwd=repo_path)
    assert result.returncode != 0
    assert "key 'workstation.offline' is true, but whether a machine is offline" in result.stderr
    assert "workstation.toml" in result.stderr


def test_status_and_next_say_which_side_acts_next(repo_path: Path,
                                                  make_ctx: Callable[..., Context]) -> None:
    commit_file(repo_path, "release.toml", '[signing]\nworkstation = "air-gapped"\n')
    start_release(make_ctx(), ReleaseRequest(version="0.2.0"))
    offline = run_cli("--offline", "next", cwd=repo_path)
    assert offline.returncode == 1
    assert "Waits for the online side." in offline.stderr
    assert "bundle import" in offline.stderr
