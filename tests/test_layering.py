"""The import contract: services stay free of the UI; UI-less commands stay free of Textual."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import services

ROOT = Path(__file__).resolve().parent.parent


def service_modules() -> list[str]:
    return sorted(m.name for m in pkgutil.walk_packages(services.__path__, "services."))


def imported_after(code: str, cwd: Path = ROOT) -> set[str]:
    probe = code + "\nimport sys\nprint('\\n'.join(sorted(sys.modules)))\n"
    proc = subprocess.run([sys.executable, "-c", probe], cwd=cwd, capture_output=True,
                          text=True, check=True)
    return set(proc.stdout.split())


def forbidden(modules: set[str], prefixes: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in prefixes)


def test_there_are_service_modules_to_check() -> None:
    assert "services.engine" in service_modules()
    assert "services.steps.preflight" in service_modules()


@pytest.mark.parametrize("module", service_modules())
def test_service_module_imports_no_ui(module: str) -> None:
    loaded = imported_after(f"import {module}")
    assert forbidden(loaded, ("textual", "screens", "console")) == []


def run_main(repo: Path, *args: str) -> str:
    return ("from console.cli import main\n"
            f"rc = main(['--repo', {str(repo)!r}, {', '.join(repr(a) for a in args)}])\n"
            "assert rc == 0, rc\n")


def test_status_command_imports_neither_textual_nor_pygithub(repo_path: Path) -> None:
    loaded = imported_after(run_main(repo_path, "status"))
    assert forbidden(loaded, ("textual", "github", "keyring", "gnupg")) == []


@pytest.mark.parametrize("args", [("status",), ("status", "--json"), ("journal", "show"),
                                  ("journal", "verify"), ("run", "preflight", "--dry-run")])
def test_session_commands_import_no_ui_and_no_pygithub(repo_path: Path,
                                                      args: tuple[str, ...]) -> None:
    from services.policy import Policy
    from services.repo import Repository
    from services.session import SessionStore
    from services.session_lifecycle import ReleaseRequest, start_release
    from services.step_protocol import Context
    from tests.conftest import FIXED_NOW

    repo = Repository(repo_path)
    ctx = Context(policy=Policy(), repo=repo, store=SessionStore(repo.root),
                  clock=lambda: FIXED_NOW)
    start_release(ctx, ReleaseRequest(version="0.2.0"))
    loaded = imported_after(run_main(repo_path, *args))
    assert forbidden(loaded, ("textual", "github", "screens")) == []
    if args[0] == "status":  # GitPython's import was a third of status's time; git answers it
        assert forbidden(loaded, ("git",)) == []


def test_file_commands_import_no_ui(tmp_path: Path) -> None:
    artifact = tmp_path / "a.iso"
    artifact.write_bytes(b"iso")
    loaded = imported_after(run_main(tmp_path, "checksums", str(artifact)), cwd=ROOT)
    assert forbidden(loaded, ("textual", "github", "screens")) == []


def test_status_help_does_not_import_textual() -> None:
    code = (
        "from console.cli import main\n"
        "try:\n    main(['status', '--help'])\nexcept SystemExit as e:\n    assert e.code == 0\n"
    )
    assert forbidden(imported_after(code), ("textual",)) == []


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """The import-linter contract of pyproject.toml, as `./dev.sh test` runs it, on ``root``."""
    executable = Path(sys.executable).with_name("lint-imports")
    return subprocess.run([str(executable), "--no-logo", "--no-cache", "pyproject.toml"],
                          cwd=root, capture_output=True, text=True)


def test_import_contract_fails_when_a_service_imports_textual(tmp_path: Path) -> None:
    import shutil

    for package in ("console", "screens", "services"):
        shutil.copytree(ROOT / package, tmp_path / package,
                        ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    kept = lint_imports(tmp_path)
    assert kept.returncode == 0, kept.stdout  # the code as it is keeps the contract
    marks = tmp_path / "services" / "marks.py"
    marks.write_text(marks.read_text() + "\nimport textual  # a service reaching for the UI\n")
    broken = lint_imports(tmp_path)
    assert broken.returncode != 0
    assert "services.marks -> textual" in broken.stdout
