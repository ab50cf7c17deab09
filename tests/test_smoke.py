"""Smoke sign-offs: recorded per architecture with the tested artifact's digest; failures block;
a changed artifact voids its sign-off."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from services import engine, smoke
from services.errors import BlockedError
from services.journal import Journal
from services.session_lifecycle import ReleaseRequest, start_release
from services.smoke import Mark, SmokeError
from services.step_protocol import Blocker, Context
from services.steps import registry
from tests.conftest import last_said, run_cli, sign_off
from tests.signing_keys import advance_to, build_artifacts, write_policy

SIGNING = '[signing]\nbackend = "none"\ntag_format = "none"\n'


@pytest.fixture
def ctx(repo_path: Path, make_ctx: Callable[..., Context]) -> Context:
    write_policy(repo_path, SIGNING)
    context = make_ctx()
    start_release(context, ReleaseRequest(version="0.2.0"))
    build_artifacts(repo_path)
    return context


def all_pass() -> list[Mark]:
    return [Mark("pass", "all")]


def test_sign_off_records_tester_hardware_checks_time_and_digest(ctx: Context) -> None:
    entry = sign_off(ctx, arch="amd64", hardware="ThinkPad X1, USB 3 stick",
                           marks=all_pass())
    iso = ctx.root / "build" / "pai-v0.2.0-amd64.iso"
    assert entry["tester"] == "Casey Captain"  # from git config
    assert entry["sha256"] == hashlib.sha256(iso.read_bytes()).hexdigest()
    assert entry["time"] == "2026-11-21T12:00:00Z"
    assert set(entry["checks"]) == {"boots", "connects to network", "runs Ollama",
                                    "unlocks persistence"}
    stored = ctx.store.load("v0.2.0").data["smoke"]["amd64"]
    assert stored["hardware"] == "ThinkPad X1, USB 3 stick"
    last = json.loads(Journal(ctx.store.directory("v0.2.0") / "journal.jsonl")
                      .path.read_text().splitlines()[-1])
    assert last["action"] == "signed off" and last["inputs"]["arch"] == "amd64"


def test_failure_blocks_and_step_says_which_check(ctx: Context) -> None:
    sign_off(ctx, arch="amd64", hardware="X1", marks=all_pass())
    sign_off(ctx, arch="arm64", hardware="Raspberry Pi 5", tester="Dana",
                   marks=[Mark("fail", "Runs Ollama", "out of memory"), Mark("pass", "all")])
    advance_to(ctx, "artifacts")
    engine.run_step(ctx, registry()["artifacts"])
    blockers = engine.blockers_for(ctx, registry()["smoke"])
    assert len(blockers) == 1
    assert "arm64 failed the smoke check runs Ollama (out of memory)" in blockers[0].reason


def test_changed_artifact_voids_the_sign_off(ctx: Context) -> None:
    for arch in ("amd64", "arm64"):
        sign_off(ctx, arch=arch, hardware="bench", marks=all_pass())
    assert smoke.blockers(ctx.policy, ctx.root, ctx.require_session()) == []
    iso = ctx.root / "build" / "pai-v0.2.0-arm64.iso"
    with open(iso, "ab") as handle:
        handle.write(b"rebuilt")
    blockers = smoke.blockers(ctx.policy, ctx.root, ctx.require_session())
    assert len(blockers) == 1
    assert "The arm64 sign-off is void" in blockers[0].reason and iso.name in blockers[0].reason
    advance_to(ctx, "artifacts")
    engine.run_step(ctx, registry()["artifacts"])
    with pytest.raises(BlockedError, match="void"):
        engine.run_step(ctx, registry()["smoke"])


def test_same_size_and_time_but_new_bytes_is_caught_by_the_step_run(ctx: Context) -> None:
    import os

    for arch in ("amd64", "arm64"):
        sign_off(ctx, arch=arch, hardware="bench", marks=all_pass())
    iso = ctx.root / "build" / "pai-v0.2.0-amd64.iso"
    info = iso.stat()
    data = bytearray(iso.read_bytes())
    data[0] ^= 0xFF
    iso.write_bytes(bytes(data))
    os.utime(iso, ns=(info.st_atime_ns, info.st_mtime_ns))  # a copy that kept the timestamp
    found = smoke.blockers(ctx.policy, ctx.root, ctx.require_session(), rehash=True)
    assert found[0].reason.startswith("The amd64 sign-off is void")


def test_bad_sign_offs_are_refused_with_the_reason(ctx: Context) -> None:
    with pytest.raises(SmokeError, match="'flies' is not one of the policy's smoke checks"):
        sign_off(ctx, arch="amd64", hardware="X1", marks=[Mark("pass", "flies")])
    with pytest.raises(SmokeError, match="No result for the smoke check 'runs Ollama'"):
        sign_off(ctx, arch="amd64", hardware="X1",
                       marks=[Mark("pass", c) for c in ("boots", "connects to network",
                                                        "unlocks persistence")])
    with pytest.raises(SmokeError, match="'riscv' is not an architecture"):
        sign_off(ctx, arch="riscv", hardware="X1", marks=all_pass())
    (ctx.root / "build" / "pai-v0.2.0-arm64.iso").unlink()
    with pytest.raises(SmokeError, match=r"arm64\.iso \(arm64\) is missing"):
        sign_off(ctx, arch="arm64", hardware="X1", marks=all_pass())
    assert "smoke" not in ctx.store.load("v0.2.0").data


def test_cli_smoke_sign_and_show(ctx: Context) -> None:
    root = ctx.root
    ok = run_cli("smoke", "sign", "--arch", "amd64", "--tester", "Robin", "--hardware",
                 "Framework 13", "--pass", "all", cwd=root)
    assert ok.returncode == 0, ok.stderr
    failed = run_cli("smoke", "sign", "--arch", "arm64", "--hardware", "Pi 5", "--pass", "boots",
                     "connects to network", "--fail", "runs Ollama", "--note", "OOM at 4 GB",
                     "--pass", "unlocks persistence", cwd=root)
    assert failed.returncode == 0, failed.stderr
    assert "arm64 FAILED: runs Ollama" in failed.stderr
    shown = run_cli("smoke", "show", "--json", cwd=root)
    data = json.loads(shown.stdout)
    states = {a["arch"]: a for a in data["architectures"]}
    assert states["amd64"]["state"] == "ok" and states["amd64"]["signoff"]["tester"] == "Robin"
    assert states["arm64"]["state"] == "failed"
    assert states["arm64"]["signoff"]["checks"]["runs Ollama"] == {"result": "fail",
                                                                   "note": "OOM at 4 GB"}
    text = run_cli("smoke", "show", cwd=root).stdout
    assert "runs Ollama: fail — OOM at 4 GB" in text
    usage = run_cli("smoke", "sign", "--arch", "amd64", "--hardware", "X", "--pass", "nope",
                    cwd=root)
    assert usage.returncode == 1 and "'nope' is not one of" in usage.stderr


def test_a_failed_check_needs_a_note_in_the_cli_as_in_the_tui(ctx: Context) -> None:
    proc = run_cli("smoke", "sign", "--arch", "amd64", "--hardware", "X1", "--pass", "all",
                   "--fail", "boots", cwd=ctx.root)
    assert proc.returncode == 1
    assert "The failed check 'boots' needs a note saying what happened" in proc.stderr
    assert '--note "what went wrong"' in proc.stderr and "Traceback" not in proc.stderr
    with pytest.raises(SmokeError, match="'runs Ollama' needs a note"):
        sign_off(ctx, arch="amd64", hardware="X1",
                       marks=[Mark("fail", "runs Ollama", "  "), Mark("pass", "all")])
    with pytest.raises(SmokeError, match="'all' needs a note"):
        sign_off(ctx, arch="amd64", hardware="X1", marks=[Mark("fail", "all")])
    assert "smoke" not in ctx.store.load("v0.2.0").data


def test_smoke_show_after_the_release_shows_the_last_finished_releases_sign_offs(
        ctx: Context) -> None:
    """Walked by hand: `smoke show` once the release was out said "No release in progress", with
    no way to look back at who tested it on what. It shows that release's sign-offs, as recorded
    (the build directory may hold another build by then), and says which release."""
    from services.completion import finish_if_complete
    from services.flows import runbook
    from services.session import Session
    from services.step_status import StepStatus

    sign_off(ctx, arch="amd64", hardware="Framework 13", tester="Robin", marks=all_pass())
    sign_off(ctx, arch="arm64", hardware="Pi 5", tester="Dana", marks=all_pass())
    for step in runbook("release"):
        def done(session: Session, step_id: str = step.id) -> None:
            session.step(step_id).status = StepStatus.DONE

        ctx.record(step.id, "done", update=done)
    assert finish_if_complete(ctx)
    (ctx.root / "build" / "pai-v0.2.0-amd64.iso").write_bytes(b"the next build")

    text = run_cli("smoke", "show", cwd=ctx.root)
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()  # the first sentence wrapped at 80 columns, on two lines
    assert " ".join(" ".join(lines[:2]).split()) == "No release in progress. The smoke " \
        "sign-offs of the last finished release, v0.2.0:"
    assert lines[2].startswith("✔ amd64 signed off by Robin on Framework 13 at ")
    assert any(line.startswith("✔ arm64 signed off by Dana on Pi 5") for line in lines)
    shown = json.loads(run_cli("smoke", "show", "--json", cwd=ctx.root).stdout)
    assert shown["tag"] == "v0.2.0" and shown["finished"] is True
    assert [a["state"] for a in shown["architectures"]] == ["ok", "ok"]


GROUPED = ("No smoke sign-off yet for amd64 and arm64.",
           "Test each on real hardware, then record its sign-off in the form below.")


def test_the_screen_groups_the_open_architectures_however_missing_is_worded(
        ctx: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    """The smoke screen's one blocker for every architecture with no sign-off yet was found by
    matching :data:`smoke.MISSING`'s sentence back against the blockers' text: a sentence
    naming the architecture twice (or built apart from MISSING) silently stopped the grouping,
    and each open architecture took a bullet and a two-row remedy at 80x24 again."""
    reworded = "Nobody has signed off {a} on hardware yet (test {a} before the release)."
    monkeypatch.setattr(smoke, "MISSING", reworded)
    found = smoke.blockers(ctx.policy, ctx.root, ctx.require_session())
    assert [b.reason for b in found] == [reworded.format(a=a) for a in ("amd64", "arm64")]
    assert [(b.reason, b.tui_remedy) for b in smoke.grouped_for_screen(found)] == [GROUPED]
    sign_off(ctx, arch="amd64", hardware="X1", marks=all_pass())
    alone = smoke.grouped_for_screen(smoke.blockers(ctx.policy, ctx.root, ctx.require_session()))
    assert [(b.reason, b.tui_remedy) for b in alone] == [(
        reworded.format(a="arm64"),
        "Test it on real hardware, then record its sign-off in the form below.")]


def test_grouping_goes_by_each_architectures_state_never_its_sentence() -> None:
    """Only a plain "no sign-off yet" is grouped, whatever its words, in the place of the first;
    a failed one, and a promotion's candidate not reused (also missing, with more to say), keep
    their own bullet. A sentence that reads like MISSING from elsewhere is not taken for one."""
    failed = smoke.ArchStatus("riscv64", "failed", "riscv64 failed the smoke check boots.", {})
    statuses = [failed, smoke.ArchStatus("amd64", "missing", "Anything at all.", None),
                smoke.ArchStatus("ppc64le", "missing", "No smoke sign-off for ppc64le yet; the "
                                 "candidate's was not reused: its image differs.", None,
                                 not_reused="its image differs"),
                smoke.ArchStatus("arm64", "missing", "Whatever it says.", None)]
    lookalike = Blocker(smoke.MISSING.format(a="s390x"), "elsewhere")
    grouped = smoke.grouped_for_screen([*smoke.blockers_from(statuses), lookalike])
    assert [b.reason for b in grouped] == [failed.detail, GROUPED[0], statuses[2].detail,
                                           lookalike.reason]


def test_dry_run_says_each_missing_sign_off_once_and_keeps_what_only_its_notes_say(
        ctx: Context) -> None:
    """`run smoke --dry-run` printed "Note: No smoke sign-off for arm64 yet." above "blocked: No
    smoke sign-off for arm64 yet. Test it on real hardware, …". The blocked line says it, with
    what to do; a state no blocked line says (a sign-off that holds, or every state while the
    step waits for an earlier one) stays a note."""
    waiting = run_cli("run", "smoke", "--dry-run", cwd=ctx.root).stdout
    assert "Note: No smoke sign-off for amd64 yet.\nNote: No smoke sign-off for arm64 yet.\n" \
        "blocked: Waiting for" in waiting
    advance_to(ctx, "smoke")
    sign_off(ctx, arch="amd64", hardware="X1", marks=all_pass())
    shown = run_cli("run", "smoke", "--dry-run", cwd=ctx.root)
    assert shown.returncode == 1
    lines = shown.stdout.splitlines()  # the summary and notes wrapped at 80 columns
    assert last_said(shown.stdout, "Note: ").startswith(
        "Note: amd64 signed off by Casey Captain on X1 at ")
    assert lines[-1] == "(dry run: nothing was changed)"
    blocked = next(i for i, line in enumerate(lines) if line.startswith("blocked: "))
    assert all(line.startswith(" " * 9) for line in lines[blocked + 1:-1])  # wrapped
    assert last_said(shown.stdout, "blocked: ") == (
        "blocked: No smoke sign-off for arm64 yet. Test it on real hardware, then "
        "`release-console smoke sign --arch arm64 ...`.")
