"""``crossgate deploy``: init, plan and apply every stack in dependency order."""

from __future__ import annotations

import argparse

from crossgate.cli import flows
from crossgate.cli.context import StackOptions, open_context
from crossgate.cli.exit_codes import EXIT_ERROR, EXIT_OK
from crossgate.cli.options import SubParsers, add_command, add_stack_options


def register(sub: SubParsers[argparse.ArgumentParser]) -> None:
    p = add_command(sub, "deploy", "init, plan and apply every stack in dependency order", run)
    add_stack_options(p)
    p.add_argument("--keep-emulator", action="store_true",
                   help="when deploy started its own emulator, keep serving it until Ctrl-C")


def run(args: argparse.Namespace) -> int:
    with open_context(StackOptions.from_args(args), may_start=True) as context:
        deployed = flows.deploy(context)
        if deployed is None:
            return EXIT_ERROR
        if context.started_emulator:
            if not args.keep_emulator:
                print("\ncrossgate: the emulator started for this deploy stops now, and the environment with it "
                      "(use --keep-emulator, or `crossgate demo --keep`, to explore it).")
                return EXIT_OK
            flows.serve_until_interrupted(context, flows.gateway_url(context, deployed.outputs))
    return EXIT_OK
