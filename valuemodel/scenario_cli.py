"""`python -m valuemodel scenario ...` (registered by valuemodel.cli)."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `scenario` subcommand to the CLI's subparsers."""
