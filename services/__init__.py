"""Plain service classes that do Release Console's real work.

Nothing in this package imports ``textual``, ``screens`` or ``console``: the same services back the
command line (which must start fast, without a UI toolkit) and the TUI. ``tests/test_layering.py``
enforces it by importing every module in a fresh interpreter.
"""
