"""The return trip checks the bundle's journal against the one here: where they part, the refusal
says how, in terms a captain can act on."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from services.bundle.crossing import EXPORTED, check_extends
from services.errors import ConsoleError
from services.journal import Journal

WHEN = datetime(2026, 11, 26, 1, 22, 12, tzinfo=UTC)


def journal(path: Path, export_sha: str) -> Path:
    """A journal whose second entry is the export of the bundle with sha256 ``export_sha``."""
    j = Journal(path)
    j.append(actor="Demo Captain", step="session", action="started", now=WHEN)
    j.append(actor="Demo Captain", step="handoff-out", action=EXPORTED,
             outputs={"bundle_sha256": export_sha}, now=WHEN)
    return path


def test_another_bundle_imported_over_there_is_named(tmp_path: Path) -> None:
    """Walked by hand: a bundle changed on the way was imported offline; back online the refusal
    described entry 13 the same way for both sides ("here it is handoff-out bundle-exported by
    Demo Captain at ..., in the bundle it is handoff-out bundle-exported by Demo Captain at ...")."""
    here = journal(tmp_path / "here.jsonl", "d197" + "0" * 60)
    there = journal(tmp_path / "there.jsonl", "5a3c" + "0" * 60)
    with pytest.raises(ConsoleError) as refused:
        check_extends(here, there, "f" * 64)
    said = str(refused.value)
    assert "diverge at entry 2 (handoff-out bundle-exported by Demo Captain" in said
    assert "the other workstation imported another bundle than the one exported here" in said
    assert "outputs.bundle_sha256: d19700000000… here, 5a3c00000000… in the bundle" in said
    assert "Compare the fingerprint" in refused.value.remedy


def test_both_sides_acting_after_the_hand_off_is_named(tmp_path: Path) -> None:
    here = journal(tmp_path / "here.jsonl", "d197" + "0" * 60)
    Journal(here).append(actor="Online Olga", step="notes", action="edited", now=WHEN)
    there = journal(tmp_path / "there.jsonl", "d197" + "0" * 60)
    Journal(there).append(actor="Offline Otto", step="sign", action="signed", now=WHEN)
    with pytest.raises(ConsoleError, match=r"here it is notes edited by Online Olga .* in the "
                       r"bundle it is sign signed by Offline Otto .* Both sides acted"):
        check_extends(here, there, "f" * 64)


def test_an_entry_that_is_no_json_object_is_named_unreadable_on_both_paths(
        tmp_path: Path) -> None:
    """Both refusals read a journal line through one helper: a line that is JSON but not an
    object (a list) is "unreadable" in each, where the start check crashed on it."""
    here = journal(tmp_path / "here.jsonl", "d197" + "0" * 60)
    first, second = here.read_bytes().splitlines(keepends=True)[:2]
    other = tmp_path / "other.jsonl"
    other.write_bytes(b'["not", "an", "entry"]\n' + second)
    with pytest.raises(ConsoleError) as refused:
        check_extends(here, other, "f" * 64, tag="v1.3.0")
    said = str(refused.value)
    assert "This bundle is of another start of v1.3.0 than the one here (its session was " \
           "started (unreadable), the one here by Demo Captain at 2026-11-26" in said, said
    later = tmp_path / "later.jsonl"
    later.write_bytes(first + b'["not", "an", "entry"]\n')
    with pytest.raises(ConsoleError, match=r"in the bundle it is an unreadable entry\. Both sides"):
        check_extends(here, later, "f" * 64)
