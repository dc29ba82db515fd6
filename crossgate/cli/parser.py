"""The command line's shape: one sub-command per module in ``commands/``, each adding its own options."""

from __future__ import annotations

import argparse
from importlib import metadata

from crossgate.cli.commands import COMMANDS

DESCRIPTION = "a central HTTP API Gateway reaching private services in other AWS accounts over PrivateLink"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="crossgate", description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"crossgate {version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        command.register(sub)
    return parser


def version() -> str:
    """The installed package's version (scripts/setup installs the checkout editable, so it is this one's)."""
    try:
        return metadata.version("crossgate")
    except metadata.PackageNotFoundError:
        return "unknown (not installed: run scripts/setup)"
