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


def test_status_command_imports_neither_textual_nor_pygithub(repo_path: Path) -> None:
    code = (
        "from console.cli import main\n"
        f"rc = main(['--repo', {str(repo_path)!r}, 'status'])\n"
        "assert rc == 0, rc\n"
    )
    loaded = imported_after(code)
    assert forbidden(loaded, ("textual", "github", "keyring", "gnupg")) == []


def test_status_help_does_not_import_textual() -> None:
    code = (
        "from console.cli import main\n"
        "try:\n    main(['status', '--help'])\nexcept SystemExit as e:\n    assert e.code == 0\n"
    )
    assert forbidden(imported_after(code), ("textual",)) == []
