"""The command line's questions at a terminal: Ctrl-D (end of input) is no, never a traceback."""

from __future__ import annotations

import pytest

from console.prompts import TerminalPrompter
from services.errors import NeedsInput
from services.step_protocol import Plan


def end_of_input(*_args: object) -> str:
    raise EOFError


@pytest.fixture
def at_a_terminal(monkeypatch: pytest.MonkeyPatch) -> TerminalPrompter:
    monkeypatch.setattr(TerminalPrompter, "interactive", staticmethod(lambda: True))
    monkeypatch.setattr("builtins.input", end_of_input)
    monkeypatch.setattr("getpass.getpass", end_of_input)
    return TerminalPrompter()


def test_ctrl_d_at_a_confirmation_is_no(at_a_terminal: TerminalPrompter) -> None:
    """Found by a helper: Ctrl-D at the push question ended in an EOFError traceback, exit 70,
    and `status` recorded the step as failed with "unexpected EOFError"."""
    assert at_a_terminal.confirm("Push?", Plan(summary="Push v1.3.0 to origin.")) is False


def test_ctrl_d_at_a_passphrase_says_what_was_not_given(at_a_terminal: TerminalPrompter) -> None:
    with pytest.raises(NeedsInput) as refused:
        at_a_terminal.secret("Passphrase for minisign.key", option="--passphrase-file PATH")
    assert refused.value.message == "Nothing was given for: Passphrase for minisign.key."
    assert "--passphrase-file PATH" in refused.value.remedy
