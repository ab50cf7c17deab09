"""--repo, --config and --offline work after the command as well as before it.

Found on a captain's walk: `release-console bundle import FILE --offline` was refused with
"unrecognized arguments", because the global options were taken only before the command."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.cli import build_parser, tui_arguments
from tests.conftest import run_cli


@pytest.mark.parametrize("words", [
    ["bundle", "import", "usb/bundle.tar", "--offline", "--repo", "/elsewhere"],
    ["--offline", "--repo", "/elsewhere", "bundle", "import", "usb/bundle.tar"],
    ["--offline", "bundle", "import", "usb/bundle.tar", "--repo", "/elsewhere"],
    ["bundle", "--offline", "import", "usb/bundle.tar", "--repo", "/elsewhere"],
])
def test_global_options_are_taken_before_or_after_the_command(words: list[str]) -> None:
    args = build_parser().parse_args(words)
    assert args.offline is True
    assert args.repo == Path("/elsewhere")
    assert args.file == Path("usb/bundle.tar")


def test_a_command_given_no_global_option_keeps_the_defaults() -> None:
    """The subcommand's copy of an option must not reset one given before the command, nor
    leave the defaults unset when none is given."""
    args = build_parser().parse_args(["run", "tag"])
    assert args.offline is False and args.config is None and args.repo == Path.cwd()
    before = build_parser().parse_args(["--config", "other.toml", "run", "tag"])
    assert before.config == Path("other.toml")


def test_status_from_elsewhere_with_the_options_after_it(repo_path: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    started = run_cli("start", "0.2.0", "--repo", str(repo_path), cwd=outside)
    assert started.returncode == 0, started.stderr
    result = run_cli("status", "--repo", str(repo_path), "--offline", cwd=outside)
    assert result.returncode == 0, result.stderr
    assert "· OFFLINE" in result.stdout
    imported = run_cli("bundle", "import", str(outside / "bundle.tar"), "--offline",
                       "--repo", str(repo_path), cwd=outside)
    assert "unrecognized arguments" not in imported.stderr
    assert f"The bundle {outside / 'bundle.tar'} does not exist" in imported.stderr


def test_the_help_of_a_command_lists_them_apart() -> None:
    result = run_cli("bundle", "import", "--help", cwd=Path.cwd())
    assert result.returncode == 0
    options, _, global_part = result.stdout.partition("global options (before or after the "
                                                      "command):")
    assert "--repo PATH" in global_part and "--offline" in global_part
    assert "--offline" not in options.split("options:")[1]


def test_the_tui_quick_path_still_opens_only_with_no_command(tmp_path: Path) -> None:
    quick = tui_arguments(["--repo", str(tmp_path), "--offline"])
    assert quick is not None and quick.offline is True and quick.repo == tmp_path
    assert tui_arguments(["status", "--offline"]) is None
