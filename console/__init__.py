"""Release Console: the app shell (CLI entry point, Textual app, wiring, demo sandbox)."""

__version__ = "0.1.0"
