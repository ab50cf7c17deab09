"""How long the review screen takes to show a long release body: Textual's Markdown widget (a
widget per block) against one Rich Markdown renderable, which the screen uses past ``LONG_BODY``.

Run: ``.venv/bin/python benchmarks/review_body.py``. Builds a body like Release Console's own first
release (about 50 KB, 180 list entries), renders it in each way at 80x24 until the screen settles,
and prints the best of three and the ratio.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rich.markdown import Markdown as RichMarkdown
from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Markdown, Static

from screens.steps.review import LONG_BODY

ENTRY = ("- A captain-visible change described the way this project writes its changelog, "
         "with the file, the key\n  and what to do about it, over two or three lines of text.\n")
BODY = "".join(f"### Section {s}\n\n" + ENTRY * 60 + "\n" for s in range(3))


class Bench(App[None]):
    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Markdown("", id="widget")
            yield Static("", id="whole")


async def once(kind: str) -> float:
    app = Bench()
    async with app.run_test(size=(80, 24)) as pilot:
        start = time.perf_counter()
        if kind == "widget":
            await app.query_one("#widget", Markdown).update(BODY)
        else:
            app.query_one("#whole", Static).update(RichMarkdown(BODY))
        await pilot.pause()
        return time.perf_counter() - start


def main() -> None:
    assert len(BODY) > LONG_BODY
    best = {kind: min(asyncio.run(once(kind)) for _ in range(3)) for kind in ("widget", "rich")}
    print(f"body: {len(BODY) / 1024:.0f} KiB (the screen switches at {LONG_BODY / 1024:.0f} KiB)")
    print(f"Markdown widget: {best['widget']:.2f} s; Rich Markdown: {best['rich']:.2f} s; "
          f"ratio {best['widget'] / best['rich']:.1f}x")


if __name__ == "__main__":
    main()
