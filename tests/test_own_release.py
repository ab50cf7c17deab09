"""The console's own release.toml, as README's "Releasing Release Console itself" walks it.

Found rehearsing that release against the loopback server: the policy named no file carrying the
version, so after v0.1.0 the next release's changelog commit left pyproject.toml at 0.1.0,
`python -m build` made release_console-0.1.0-* files and the artifacts step could only say the
new version's wheel was missing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from services import engine
from services.session_lifecycle import ReleaseRequest, start_release
from services.step_protocol import Context
from tests.conftest import commit_file

ROOT = Path(__file__).resolve().parent.parent
CHANGELOG = ("# Changelog\n\n## [Unreleased]\n\n### Added\n\n- A new step.\n\n"
             "## [0.1.0] — 2026-11-26\n\n### Added\n\n- First release.\n\n"
             "[Unreleased]: https://github.com/release-console/release-console/compare/v0.1.0...main\n"
             "[0.1.0]: https://github.com/release-console/release-console/releases/tag/v0.1.0\n")


def test_the_next_release_commit_bumps_the_version_the_build_names_its_files_with(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    current = re.search(r'^version = "([^"]+)"', (ROOT / "pyproject.toml").read_text(),
                        re.MULTILINE)
    assert current is not None
    for name in ("release.toml", "pyproject.toml", "console/__init__.py"):
        text = (ROOT / name).read_text(encoding="utf-8")
        if name != "release.toml":  # as they were when v0.1.0 (repo_path's tag) was released
            text = text.replace(f'"{current.group(1)}"', '"0.1.0"')
        commit_file(repo_path, name, text)
    commit_file(repo_path, "CHANGELOG.md", CHANGELOG)
    ctx = make_ctx()
    start_release(ctx, ReleaseRequest(version="0.2.0"))

    plan = engine.find_step(ctx, "changelog").plan(ctx)

    diffs = {change.path: change.diff for change in plan.changes}
    assert list(diffs) == ["CHANGELOG.md", "pyproject.toml", "console/__init__.py"]
    assert '-version = "0.1.0"\n+version = "0.2.0"\n' in diffs["pyproject.toml"]
    assert '-__version__ = "0.1.0"\n+__version__ = "0.2.0"\n' in diffs["console/__init__.py"]
    assert 'python_version = "3.11"' not in diffs["pyproject.toml"]  # only the version line
