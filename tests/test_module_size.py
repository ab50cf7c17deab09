"""No module of the product is over 400 lines (the project's rule): a module that
grows past it is split by what it does, so each stays readable in one sitting. Found in review:
services/engine.py had grown to 404 lines unseen."""

from __future__ import annotations

from pathlib import Path

LIMIT = 400
ROOT = Path(__file__).resolve().parent.parent


def test_no_module_in_console_screens_or_services_is_over_400_lines() -> None:
    over = {str(path.relative_to(ROOT)): lines
            for package in ("console", "screens", "services")
            for path in sorted((ROOT / package).rglob("*.py"))
            if (lines := len(path.read_text(encoding="utf-8").splitlines())) > LIMIT}
    assert over == {}, f"over {LIMIT} lines (split them by what they do): {over}"
