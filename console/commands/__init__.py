"""Subcommand groups of ``release-console``; each module has ``register(subparsers)``."""
