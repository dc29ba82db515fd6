"""The command line's shape: one sub-command per module in ``commands/``, each adding its own options."""

from __future__ import annotations

import argparse

from crossgate.cli.commands import COMMANDS

DESCRIPTION = "a central HTTP API Gateway reaching private services in other AWS accounts over PrivateLink"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="crossgate", description=DESCRIPTION)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        command.register(sub)
    return parser
