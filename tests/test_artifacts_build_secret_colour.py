"""A registered secret a build prints in colour is masked wherever its output goes.

Found in review: a line of the build's output was scrubbed with its escape codes in it, and a
short secret is masked only where no letter or digit touches it; ``\\x1b[1mhunter2\\x1b[0m`` has an
``m`` on each side, so it passed, and the journal's ``last_lines`` (escape codes stripped after
the scrub), the failed build's quote and the output on the screen showed ``hunter2``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from console.app import ReleaseConsoleApp
from console.wiring import Options
from screens.steps.artifacts import ArtifactsScreen
from services import build, secrets
from services.build_record import BUILD_FAILED
from services.session_lifecycle import ReleaseRequest, start_release
from services.step_protocol import Context
from tests.build_helpers import NO_SIGNING
from tests.conftest import git, run_cli
from tests.signing_keys import POLICY_BASE, advance_to, write_policy
from tests.tui_helpers import open_step, settle, text_of

SECRET = "hunter2"  # short: masked only where it stands alone
# bold, yellow, and `tput sgr0`'s reset (``\033(B\033[m``) touching it; then the build fails
LOUD = """#!/bin/sh
printf 'compiling\\n'
printf '\\033[1mhunter2\\033[0m\\n'
printf 'signing with \\033[33mhunter2\\033[0m now\\n'
printf '\\033(B\\033[mhunter2\\n'
exit 3
"""


@pytest.fixture
def loud(repo_path: Path, make_ctx: Callable[..., Context]) -> Context:
    """Release 0.2.0 at its artifacts step, its build printing the registered secret in colour."""
    secrets.register(SECRET)
    (repo_path / "loud.sh").write_text(LOUD)
    (repo_path / "loud.sh").chmod(0o755)
    git(repo_path, "add", "loud.sh")
    git(repo_path, "commit", "-q", "-m", "Add the build")
    write_policy(repo_path, NO_SIGNING,
                 base=POLICY_BASE.replace('dir = "build"\n', 'dir = "build"\nbuild = "./loud.sh"\n'))
    ctx = make_ctx()
    start_release(ctx, ReleaseRequest(version="0.2.0"))
    advance_to(ctx, "artifacts")
    return ctx


def test_the_journal_and_the_error_never_hold_a_secret_printed_in_colour(loud: Context) -> None:
    lines: list[str] = []
    with pytest.raises(build.BuildFailed) as failed:
        build.run_build(loud, lines.append)
    assert all(SECRET not in build.ANSI.sub("", line) for line in lines), lines
    assert [build.ANSI.sub("", line) for line in lines] == [
        "compiling", secrets.MASK, f"signing with {secrets.MASK} now", secrets.MASK]
    assert SECRET not in failed.value.message and SECRET not in str(failed.value)
    assert failed.value.message.endswith(
        f"its last lines:\n  {secrets.MASK}\n  signing with {secrets.MASK} now\n  {secrets.MASK}")
    shown = run_cli("journal", "show", "--json", cwd=loud.root)
    assert shown.returncode == 0, shown.stderr
    entry = [json.loads(line) for line in shown.stdout.splitlines()][-1]
    assert entry["action"] == BUILD_FAILED
    assert entry["outputs"]["last_lines"] == [secrets.MASK, f"signing with {secrets.MASK} now",
                                              secrets.MASK]
    assert SECRET not in shown.stdout and SECRET not in loud.journal.path.read_text()


def test_run_artifacts_build_prints_it_masked(
        loud: Context, capsys: pytest.CaptureFixture[str]) -> None:
    from console.cli import main

    code = main(["--repo", str(loud.root), "run", "artifacts", "--build"])
    out, err = capsys.readouterr()
    assert code == 1, out + err
    assert SECRET not in out + err
    assert f"signing with {secrets.MASK} now" in build.ANSI.sub("", err)


async def test_the_output_panel_and_the_failure_show_it_masked(loud: Context) -> None:
    app = ReleaseConsoleApp(Options(repo=loud.root))
    async with app.run_test(size=(80, 24)) as pilot:
        step = await open_step(pilot, "artifacts", ArtifactsScreen)
        await pilot.press("b")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert not step.running
        output = text_of(step, "#build-output")
        said = text_of(step, "#step-message")
        assert "failed with exit code 3" in said, said
        assert f"signing with {secrets.MASK} now" in output, output
        assert SECRET not in output and SECRET not in said
