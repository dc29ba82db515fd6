"""``crossgate diagram``: a Mermaid picture of the env (accounts, regions, gateway, services, routes)."""

from __future__ import annotations

import argparse
from pathlib import Path

from crossgate.cli.context import load_env
from crossgate.cli.exit_codes import EXIT_OK
from crossgate.cli.options import SubParsers, add_command, add_env_option


def register(sub: SubParsers[argparse.ArgumentParser]) -> None:
    p = add_command(sub, "diagram", "write a Mermaid diagram of the environment", run)
    add_env_option(p)
    p.add_argument("--output", type=Path, help="write to FILE (default: standard output)")


def run(args: argparse.Namespace) -> int:
    from crossgate.ops.diagram import mermaid

    text = mermaid(load_env(args.env))
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text)
        print(f"diagram written to {args.output}")
    else:
        print(text, end="")
    return EXIT_OK
