"""A reason that is a sentence of its own, joined after a colon: "'Sign with the hardware token'
cannot run yet: the minisign key ...". Found by the air-gap captain walk, which read "cannot run
yet: The minisign key ..." and "manifest cannot be signed: The minisign key ..."."""

from __future__ import annotations

import shutil

import pytest

from services.wording import mid_sentence
from tests.airgap_helpers import Workstations, hashed_offline, prepare_and_export, run


@pytest.mark.parametrize(("reason", "joined"), [
    ("The minisign key is gone.", "the minisign key is gone."),
    ("A bundle is on its way.", "a bundle is on its way."),
    ("Waits for the offline side.", "waits for the offline side."),
    ("No OpenPGP card found.", "no OpenPGP card found."),
    ("Sign-off missing, see below.", "sign-off missing, see below."),
    ("The GnuPG key is not pinned.", "the GnuPG key is not pinned."),
])
def test_an_ordinary_first_word_is_lower_cased(reason: str, joined: str) -> None:
    assert mid_sentence(reason) == joined


@pytest.mark.parametrize("reason", [
    "GitHub refused the token.",  # names, however spelt
    "GnuPG does not link the card.",
    "Git is not installed.",
    "Release Console 1.2 wrote it.",  # a name in title case
    "SHA256SUMS is missing.",  # code words and acronyms
    "CI failed on the release commit.",
    "HEAD is not on main.",
    "PAI v1.3.0 is published.",
    "/tmp/usb/out.tar is not a bundle.",  # paths, tags, quoted titles and commands
    "v1.3.0 is already tagged.",
    "Release-1.3.0 is still a draft.",
    "'Sign with the hardware token' is blocked.",
    "`release-console next` runs it.",
    "I cannot tell.",
    "it is already done.",
    "",
])
def test_names_paths_tags_and_code_words_stay_as_written(reason: str) -> None:
    assert mid_sentence(reason) == reason


def test_the_signing_workstation_says_why_in_one_sentence(stations: Workstations) -> None:
    """The token unplugged on the signing workstation: the sign step and the signed bundle's
    manifest both say why after a colon, in lower case, as one sentence."""
    ws = stations
    prepare_and_export(ws)
    hashed_offline(ws)
    token = ws.base / "offline" / "token"
    unplugged = token.with_name("token-unplugged")
    token.rename(unplugged)
    key = token / "minisign.key"
    sign = ws.cli("offline", "run", "sign", ok=False).stderr
    assert f"'Sign with the minisign key file' cannot run yet: the minisign secret key {key} " \
        "does not exist." in " ".join(sign.split())

    unplugged.rename(token)
    for step in ("sign", "tag"):
        run(ws.ctx("offline"), step)
    shutil.move(token, unplugged)
    export = ws.cli("offline", "bundle", "export", "--output", str(ws.usb / "back.tar"),
                    ok=False).stderr
    assert f"The return bundle's manifest cannot be signed: the minisign secret key {key} " \
        "does not exist." in " ".join(export.split())
