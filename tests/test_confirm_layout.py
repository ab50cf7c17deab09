"""The confirmation before an irreversible action at 80x24: every command of the plan can be read,
and the buttons stay in sight however long the plan is.

Walked by hand: the hotfix's push confirmation showed its plan in a box capped at 60% of the
window, so at 80x24 the commits going up pushed the second command (the tag's push) out of
sight, and the first command's long refspec wrapped to the dialog's left edge, reading like a
line of its own."""

from __future__ import annotations

import html
import re
import subprocess
from collections import defaultdict
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from console.app import ReleaseConsoleApp
from console.wiring import Options
from screens.prompts import ConfirmScreen
from screens.step import StepScreen
from services.flows import runbook
from services.policy import load_policy
from services.repo import Repository
from services.session import SessionStore
from services.step_status import StepStatus
from tests.conftest import run_cli
from tests.hotfix_helpers import commit, pushed_quick_world, signed_tag
from tests.journal_helpers import journal_finishes
from tests.test_changelog_screen import until_confirm
from tests.tui_helpers import open_step, text_of


def screen_lines(app: Any) -> list[str]:
    """The terminal's rows as a captain reads them, from the app's own screenshot (each run of
    text placed at its column: x over the width of one cell)."""
    rows: dict[float, str] = defaultdict(str)
    for x, y, length, text in re.findall(
            r'<text [^>]*x="([\d.]+)" y="([\d.]+)" textLength="([\d.]+)"[^>]*>(.*?)</text>',
            app.export_screenshot()):
        text = html.unescape(text).replace("\xa0", " ")
        cell = float(length) / len(text)
        column = round(float(x) / cell)
        rows[float(y)] = rows[float(y)].ljust(column)[:column] + text
    return [rows[y] for y in sorted(rows)]


def hotfix_ready_to_push(base: Path, fixes: int) -> Path:
    """Hotfix v1.3.1 with ``fixes`` picks, tagged; the steps between recorded as skipped."""
    project = pushed_quick_world(base)
    shas = [commit(project, f"src/fix{i}.sh", "ok\n", f"Fix number {i}") for i in range(fixes)]
    picked = run_cli("hotfix", "1.3.1", "--yes", *(a for sha in shas for a in ("--pick", sha)),
                     cwd=project)
    assert picked.returncode == 0, picked.stderr
    signed_tag(project, "v1.3.1")
    repo = Repository(project)
    store = SessionStore(repo.root)
    session = store.load("v1.3.1")
    ids = [step.id for step in runbook("hotfix")]
    for step_id in ids[ids.index("preflight"):ids.index("push")]:
        record = session.step(step_id)
        record.status, record.reason = StepStatus.SKIPPED, "not what this test looks at"
    store.save(session)
    journal_finishes(store, "v1.3.1", "not what this test looks at")
    assert load_policy(project / "release.toml").project.remote == "origin"
    return project



async def push_confirmation(pilot: Pilot[Any]) -> None:
    """The push step's screen, r, and its confirmation up (the hotfix's plan is long)."""
    await open_step(pilot, "push", object)
    await pilot.press("r")
    await until_confirm(pilot)

async def test_the_hotfix_push_confirmation_shows_both_commands_at_80x24(tmp_path: Path) -> None:
    project = hotfix_ready_to_push(tmp_path, fixes=5)
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(80, 24)) as pilot:
        await push_confirmation(pilot)
        await pilot.pause()
        await pilot.pause()
        lines = screen_lines(app)
        text = "\n".join(lines)
        assert "6 commits go up to hotfix/v1.3.1" in text
        assert "$ git push origin refs/tags/v1.3.1" in text  # the second command, in sight
        push_branch = next(i for i, line in enumerate(lines) if "$ git push origin" in line
                           and "refs/tags" not in line)
        # the refspec wraps under the command, after its "$", not at the dialog's edge
        assert re.match(r"█     [0-9a-f]{40}:refs/heads/hotfix/v1\.3\.1", lines[push_branch + 1])
        assert "$ git push origin refs/tags/v1.3.1" in lines[push_branch + 2]
        assert "The plan is longer than this window: ↑↓ or PgUp PgDn scroll it." in text
        assert "No (n)" in text and "Yes (y)" in text
        assert "Note: A tag already on the remote" not in text  # below, one key away
        await pilot.press("pagedown")
        await pilot.pause()
        assert "Note: A tag already on the remote must be this very tag" in "\n".join(
            screen_lines(app))
        await pilot.press("n")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)


async def test_a_key_that_answers_nothing_says_which_keys_do(tmp_path: Path) -> None:
    """Walked: z in the push's confirmation was ignored with no word. The hint line says so
    (once, in place: no toast per key) and the commands and buttons stay in sight."""
    project = hotfix_ready_to_push(tmp_path, fixes=5)
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await push_confirmation(pilot)
        confirm = app.screen
        app.clear_notifications()
        app.messages.clear()  # what is said from here on
        await pilot.press("z", "z", "x")
        await pilot.pause()
        await pilot.pause()
        text = "\n".join(screen_lines(app))
        said = " ".join(" ".join(line.strip("█ ") for line in text.splitlines()).split())
        assert ("x does not answer this question. This cannot be undone. y: yes, do it · n, "
                "Esc or Enter: no, go back") in said, text
        assert said.count("does not answer this question") == 1
        assert "$ git push origin refs/tags/v1.3.1" in text
        assert "No (n)" in text and "Yes (y)" in text
        assert not app.messages
        assert app.screen is confirm
        await pilot.press("n")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)


async def test_under_the_push_question_the_step_says_it_waits_and_nothing_has_run(
        tmp_path: Path) -> None:
    """Walked: under the push's confirmation the step's line said "Running… (Esc or Ctrl+C
    cancels…)", as if the push were under way; nothing goes up before the answer."""
    project = hotfix_ready_to_push(tmp_path, fixes=1)
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(100, 32)) as pilot:
        step = await open_step(pilot, "push", StepScreen)
        await pilot.press("r")
        await until_confirm(pilot)
        line = text_of(step, "#step-message")
        assert line == "Waiting for your answer in the dialog: nothing has run yet."
        await pilot.press("n")
        await pilot.pause()
        assert "was not confirmed" in text_of(step, "#step-message")
    remote_tags = subprocess.run(["git", "-C", str(project), "ls-remote", "--tags", "origin"],
                                 capture_output=True, text=True, check=True).stdout
    assert "refs/tags/v1.3.1" not in remote_tags


async def test_the_longer_than_this_window_line_goes_once_the_end_is_in_sight(
        tmp_path: Path) -> None:
    """Walked at 80x24: "The plan is longer than this window" stayed after the captain had
    scrolled to the end of the plan; the yank wizard's panes clear theirs. Back up, it is back."""
    project = hotfix_ready_to_push(tmp_path, fixes=5)
    more = "The plan is longer than this window: ↑↓ or PgUp PgDn scroll it."
    app = ReleaseConsoleApp(Options(repo=project))
    async with app.run_test(size=(80, 24)) as pilot:
        await push_confirmation(pilot)
        await pilot.pause()
        assert more in "\n".join(screen_lines(app))
        await pilot.press("pagedown", "pagedown", "pagedown")
        await pilot.pause()
        text = "\n".join(screen_lines(app))
        assert "Note: A tag already on the remote must be this very tag" in text
        assert more not in text, text
        assert "$ git push origin refs/tags/v1.3.1" in text and "Yes (y)" in text
        await pilot.press("up")
        await pilot.pause()
        assert more in "\n".join(screen_lines(app))
        await pilot.press("n")
