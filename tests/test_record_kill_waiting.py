"""Kills around the records that finish no step: a new session, an abandon, a checklist tick, a
smoke sign-off (services/recorder.py saves them, with their entry waiting, before the journal).

Before, a new session killed before its first entry lost its "started" entry for good; killed
after their entry and before the session save, an abandon left the release going on (and its
second try journaled a second abandon), and a tick or a sign-off vanished from the session while
the journal kept it, so entering it again journaled it twice.
"""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Any

import pytest

from services.journal import Journal
from services.session import SessionStore
from tests.conftest import commit_file, flat, run_cli
from tests.journal_helpers import killed_at_record


def entries(project: Path, tag: str = "v0.2.0") -> list[dict[str, Any]]:
    return list(Journal(project / ".release" / tag / "journal.jsonl").entries())


def killed(project: Path, action: str, when: str, *args: str) -> None:
    proc = killed_at_record(project, action, when, *args)
    assert proc.returncode == -signal.SIGKILL, proc.stderr


def test_a_start_killed_before_its_first_entry_keeps_it_and_next_writes_it(
        repo_path: Path) -> None:
    """Killed after it instead, the entry is written once: the redo's kill test in
    tests/test_record_kill.py covers that case for any waiting entry."""
    killed(repo_path, "started", "before", "start", "0.2.0")
    verify = run_cli("journal", "verify", cwd=repo_path)
    assert verify.returncode == 0, verify.stderr
    assert "session 'started'" in flat(verify.stdout) and "next command" in flat(verify.stdout)

    assert run_cli("next", "--yes", cwd=repo_path).returncode == 0
    journal = entries(repo_path)
    assert [(e["step"], e["action"]) for e in journal] == [
        ("session", "started"), ("preflight", "started"), ("preflight", "done")]
    assert journal[0]["inputs"]["requested"] == "0.2.0"  # it was lost with the entry
    verify = run_cli("journal", "verify", cwd=repo_path)
    assert verify.returncode == 0 and "stopped command" not in verify.stdout, verify.stdout


ABANDON = ("abandon", "v0.2.0", "--reason", "wrong branch")
REPAIR = ("journal", "repair", "--tag", "v0.2.0")


@pytest.mark.parametrize(("when", "again"), [("after", ABANDON), ("before", REPAIR)],
                         ids=["after-abandon-again", "before-repair"])
def test_an_abandon_killed_at_its_entry_is_abandoned_and_its_entry_written_once(
        repo_path: Path, when: str, again: tuple[str, ...]) -> None:
    assert run_cli("start", "0.2.0", cwd=repo_path).returncode == 0
    killed(repo_path, "abandoned", when, *ABANDON)
    # Killed after the entry, the release went on: status showed it, `next` ran its steps.
    status = run_cli("status", cwd=repo_path)
    assert "preflight" not in status.stdout, status.stdout
    assert SessionStore(repo_path).load("v0.2.0").state == "abandoned"
    if again == REPAIR:  # what verify names for a session nothing records in any more
        verify = run_cli("journal", "verify", "--tag", "v0.2.0", cwd=repo_path)
        assert "`release-console journal repair --tag v0.2.0`" in verify.stdout, verify.stdout

    done = run_cli(*again, cwd=repo_path)
    assert done.returncode == 0, done.stderr
    assert ("Abandoned the release session" if again == ABANDON else "Wrote the entry") in \
        done.stdout
    abandoned = [e for e in entries(repo_path) if e["action"] == "abandoned"]
    assert [e["inputs"]["reason"] for e in abandoned] == ["wrong branch"]
    verify = run_cli("journal", "verify", "--tag", "v0.2.0", cwd=repo_path)
    assert verify.returncode == 0 and "stopped command" not in verify.stdout, verify.stdout


def test_a_tick_killed_after_its_entry_stays_ticked_and_next_goes_on(repo_path: Path) -> None:
    commit_file(repo_path, "release.toml", '[checklist]\npreflight = ["Docs updated"]\n')
    assert run_cli("start", "0.2.0", cwd=repo_path).returncode == 0
    killed(repo_path, "checklist ticked", "after", "checklist", "tick", "preflight", "1")
    shown = " ".join(run_cli("journal", "show", cwd=repo_path).stdout.split())
    assert ("The journal has an entry the session has not taken note of yet (preflight "
            "'checklist ticked'): the next command that records does") in shown  # not "writes"
    # The tick was gone from the session: pre-flight refused, and ticking again journaled twice.
    done = run_cli("next", "--yes", cwd=repo_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert [e["action"] for e in entries(repo_path)] == [
        "started", "checklist ticked", "started", "done"]
    assert run_cli("journal", "verify", cwd=repo_path).returncode == 0


def test_a_sign_off_killed_after_its_entry_is_shown_and_kept(repo_path: Path) -> None:
    from tests.signing_keys import build_artifacts, write_policy

    write_policy(repo_path, '[signing]\nbackend = "none"\ntag_format = "none"\n')
    assert run_cli("start", "0.2.0", cwd=repo_path).returncode == 0
    build_artifacts(repo_path)
    killed(repo_path, "signed off", "after", "smoke", "sign", "--arch", "amd64", "--tester",
           "Robin", "--hardware", "Framework 13", "--pass", "all")
    shown = run_cli("smoke", "show", cwd=repo_path)  # it said no sign-off: signed again, twice
    assert "Robin" in shown.stdout and "Framework 13" in shown.stdout, shown.stdout
    session = SessionStore(repo_path).load("v0.2.0")
    assert session.data["smoke"]["amd64"]["tester"] == "Robin"
    assert run_cli("journal", "verify", cwd=repo_path).returncode == 0


@pytest.mark.parametrize("edit", [{"seq": 99}, {"action": "done"}, {"action": "yanked"}],
                         ids=["not-the-next-entry", "finishing", "never-staged"])
def test_an_entry_edited_into_the_session_never_becomes_a_journal_entry(
        repo_path: Path, edit: dict[str, Any]) -> None:
    """Only what a killed record staged is written: an edited session file must not turn into a
    chained entry by anyone, at any time (the chain would vouch for it)."""
    assert run_cli("start", "0.2.0", cwd=repo_path).returncode == 0
    store = SessionStore(repo_path)
    session = store.load("v0.2.0")
    session.journal_pending = [{"seq": 2, "time": "2019-05-05T00:00:00Z", "actor": "Auditor",
                                "step": "smoke", "action": "signed off", "inputs": {},
                                "outputs": {}} | edit]
    store.save(session)
    assert run_cli(*REPAIR, cwd=repo_path).returncode == 0
    assert [e["action"] for e in entries(repo_path)] == ["started"]
    assert store.load("v0.2.0").journal_pending == []


def test_an_abandon_killed_before_its_entry_is_written_by_the_next_start(repo_path: Path) -> None:
    """Nothing records in an abandoned session again: its entry (the reason, the commits left
    behind) waited there for good unless the captain thought of `journal repair --tag`."""
    assert run_cli("start", "0.2.0", cwd=repo_path).returncode == 0
    killed(repo_path, "abandoned", "before", *ABANDON)
    assert run_cli("start", "0.3.0", cwd=repo_path).returncode == 0
    assert [e["action"] for e in entries(repo_path)] == ["started", "abandoned"]
    assert entries(repo_path)[-1]["inputs"] == {"reason": "wrong branch"}
    assert SessionStore(repo_path).load("v0.2.0").journal_pending == []
    assert run_cli("journal", "verify", "--tag", "v0.2.0", cwd=repo_path).returncode == 0
