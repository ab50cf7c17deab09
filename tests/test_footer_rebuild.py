"""The footer builds its keys again only when the keys it shows change (screens/footer.py).

Textual's footer threw its keys away and built them again on every bindings refresh (each key
press that moved the focus, each reactive with ``bindings=True``): a quarter of the CPU of a
release walked in the TUI, for keys that were the same.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from console.app import ReleaseConsoleApp
from console.wiring import Options
from screens.home import HomeScreen
from services.session_lifecycle import ReleaseRequest, start_release
from services.step_protocol import Context
from tests.tui_helpers import footer_entries, footer_keys, footer_words, settle


async def test_the_footer_keeps_its_keys_until_what_they_say_changes(
        repo_path: Path, make_ctx: Callable[..., Context]) -> None:
    start_release(make_ctx(), ReleaseRequest(version="0.2.0"))
    app = ReleaseConsoleApp(Options(repo=repo_path))
    async with app.run_test(size=(50, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        keys = footer_entries(app.screen)
        words, shown = footer_words(app.screen), footer_keys(app.screen)
        assert keys and "f1" not in words  # 50 columns: no room for "f1 Keys"

        app.screen.refresh_bindings()  # nothing changed: the same keys stay
        await pilot.press("down")  # another step highlighted: the same keys apply
        await settle(pilot)
        assert footer_entries(app.screen) == keys
        assert all(a is b for a, b in zip(footer_entries(app.screen), keys, strict=True))
        assert (footer_words(app.screen), footer_keys(app.screen)) == (words, shown)

        await pilot.resize_terminal(80, 24)  # room for "f1 Keys": the footer says it
        await settle(pilot)
        assert footer_words(app.screen) == {**words, "f1": "Keys"}
        assert not any(key.has_class("-compact") for key in footer_entries(app.screen)
                       if not key.has_class("-command-palette"))
