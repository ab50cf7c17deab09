"""Subcommands of this group arrive with their issue; registering none keeps the CLI whole."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    return None
