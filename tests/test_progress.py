"""Progress is data: services report ProgressEvents, and one CLI renderer shows them for every
long command, ``run STEP`` and ``next`` included, announcing retries."""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import pytest

from console.progress import ProgressRenderer
from services.progress import ProgressEvent
from services.step_protocol import Context
from services.step_status import StepStatus
from tests.conftest import run_cli
from tests.github_helpers import (
    Sandbox,
    cli_env,
)

ISO = "pai-v0.2.0-amd64.iso"
ARM = "pai-v0.2.0-arm64.iso"


@pytest.mark.parametrize("command", [("run", "draft", "--yes"), ("next", "--yes")])
def test_run_draft_and_next_show_upload_progress_and_announce_a_retry(
        ready: Context, repo_path: Path, sandbox: Sandbox,
        command: tuple[str, ...]) -> None:
    sandbox.server.faults.drop_mid_upload(nth=4, after_bytes=5_000)
    proc = run_cli(*command, cwd=repo_path, env=cli_env())
    assert proc.returncode == 0, proc.stderr
    assert "✔ GitHub draft and uploads: done." in proc.stdout
    lines = proc.stderr.splitlines()
    assert f"  hash {ISO}: 39.1 KiB of 39.1 KiB (100%)" in lines
    assert f"  upload {ISO}: 39.1 KiB of 39.1 KiB (100%)" in lines
    assert f"  upload {ARM}: 39.1 KiB of 39.1 KiB (100%)" in lines
    assert f"  retrying {ARM} (attempt 2): the connection was lost" in lines
    # The upload that starts again is shown again, up to its end.
    after = lines[lines.index(f"  retrying {ARM} (attempt 2): the connection was lost"):]
    assert [line for line in after if line.startswith(f"  upload {ARM}:")][-1] == \
        f"  upload {ARM}: 39.1 KiB of 39.1 KiB (100%)"
    record = ready.store.load("v0.2.0").steps["draft"]
    assert record.status == StepStatus.DONE
    assert {a["name"]: a["attempts"] for a in record.evidence["assets"]}[ARM] == 2


def test_lines_are_throttled_to_every_ten_percent() -> None:
    out = io.StringIO()
    renderer = ProgressRenderer(out, bars=False)
    for done in range(0, 1001, 10):
        renderer(ProgressEvent("hash", "big.iso", done, 1000))
    shown = out.getvalue().splitlines()
    assert len(shown) == 11
    assert shown[-1] == "  hash big.iso: 1000 B of 1000 B (100%)"


def test_file_counts_and_retries_render_as_sentences() -> None:
    out = io.StringIO()
    renderer = ProgressRenderer(out, bars=False)
    renderer(ProgressEvent("sign", "", 5, 5, unit="files"))
    renderer(ProgressEvent("upload", "pai.iso", attempt=3, reason="GitHub answered 502"))
    renderer(ProgressEvent("upload", "pai.iso", attempt=3, reason="GitHub answered 502"))
    assert out.getvalue().splitlines() == ["  sign: 5 of 5 files (100%)",
                                           "  retrying pai.iso (attempt 3): GitHub answered 502",
                                           "  retrying pai.iso (attempt 3): GitHub answered 502"]


def test_signing_progress_is_lines_even_on_a_terminal() -> None:
    """Walked by hand: `release-console sign` reported "sign f.txt: 0 of 1 files" and then
    "sign: 1 of 1 files"; on a terminal each label got a bar, left standing unfinished, and a
    live bar redrew while the signing tool asked for a PIN on the same terminal."""
    out = io.StringIO()
    renderer = ProgressRenderer(out, bars=True)
    renderer(ProgressEvent("sign", "a.iso", 0, 2, unit="files"))
    renderer(ProgressEvent("sign", "b.iso", 1, 2, unit="files"))
    renderer(ProgressEvent("sign", "", 2, 2, unit="files"))
    renderer.close()
    assert out.getvalue().splitlines() == ["  sign a.iso: 0 of 2 files (0%)",
                                           "  sign b.iso: 1 of 2 files (50%)",
                                           "  sign: 2 of 2 files (100%)"]


def test_event_is_frozen_and_knows_its_label() -> None:
    event = ProgressEvent("upload", "pai.iso", 512, 1024)
    assert (event.label, event.percent, event.retry, event.finished) == (
        "upload pai.iso", 50, False, False)
    with pytest.raises(AttributeError):
        event.done = 1024  # type: ignore[misc]


def test_a_reader_gone_away_never_fails_the_work(tmp_path: Path) -> None:
    """`release-console next --yes 2>&1 | head -1`: the smoke step was recorded as failed with
    "Cannot read ...iso: Broken pipe" when progress was written to the closed pipe."""
    from services.checksums import hash_file

    image = tmp_path / "pai.iso"
    image.write_bytes(b"x" * 3_000_000)
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone
    stream = open(write_end, "w")  # noqa: SIM115 - closed below, where the pipe error is expected
    render = ProgressRenderer(stream, bars=False)

    def progress(done: int) -> None:
        render(ProgressEvent("sha256", image.name, done, image.stat().st_size))

    digest = hash_file(image, progress, chunk=1_000_000)
    with pytest.raises(BrokenPipeError):
        stream.close()  # what was left in its buffer cannot go anywhere either
    assert digest.sha256 == hashlib.sha256(image.read_bytes()).hexdigest()
