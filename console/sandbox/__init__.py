"""A loopback GitHub-compatible REST server for the demo and the tests.

It serves the release subset of the GitHub API the console uses (repository, releases, release
assets, git refs and tags, commit statuses and check-runs) on 127.0.0.1, shaped by GitHub's OpenAPI
description, with its state in a directory so a demo survives restarts. It never imports Textual.
"""

from __future__ import annotations

from console.sandbox.faults import Faults, Rule
from console.sandbox.server import LoggedRequest, SandboxServer, start_sandbox

__all__ = ["Faults", "LoggedRequest", "Rule", "SandboxServer", "start_sandbox"]
