"""``crossgate outputs``: every stack's outputs, or just the URL a client calls (``--gateway-url``)."""

from __future__ import annotations

import argparse
import json

from crossgate.cli import flows
from crossgate.cli.context import CliError, StackOptions, open_context
from crossgate.cli.exit_codes import EXIT_OK
from crossgate.cli.options import (
    SubParsers,
    add_command,
    add_emulator_url_option,
    add_env_option,
    add_outdir_option,
    add_stack_option,
)


def register(sub: SubParsers[argparse.ArgumentParser]) -> None:
    p = add_command(sub, "outputs", "print every stack's outputs", run)
    add_env_option(p)
    add_stack_option(p)
    add_outdir_option(p)
    add_emulator_url_option(p)
    shown = p.add_mutually_exclusive_group()
    shown.add_argument("--json", action="store_true", help="machine-readable output")
    shown.add_argument("--gateway-url", action="store_true",
                       help="print only the URL a client calls (for emulator envs: the local one on 127.0.0.1)")


def run(args: argparse.Namespace) -> int:
    with open_context(StackOptions.from_args(args)) as context:
        outputs = context.orchestrator().outputs()
    if args.gateway_url:
        url = flows.gateway_url(context, outputs)
        if url is None:
            raise CliError(f"env {context.env.name!r} has no API yet; deploy it first")
        print(url)
    elif args.json:
        print(json.dumps(outputs, indent=2, sort_keys=True))
    else:
        print(flows.summary(context, outputs))
    return EXIT_OK
