"""``crossgate destroy``: destroy every stack in reverse dependency order."""

from __future__ import annotations

import argparse

from crossgate.cli.context import StackOptions, open_context
from crossgate.cli.exit_codes import EXIT_ERROR, EXIT_OK
from crossgate.cli.flows import Progress, print_outcomes
from crossgate.cli.options import SubParsers, add_command, add_stack_options


def register(sub: SubParsers[argparse.ArgumentParser]) -> None:
    add_stack_options(add_command(sub, "destroy", "destroy every stack in reverse dependency order", run))


def run(args: argparse.Namespace) -> int:
    with open_context(StackOptions.from_args(args)) as context:
        outcomes = context.orchestrator(Progress().report).run("destroy")
    print_outcomes(outcomes)
    return EXIT_OK if all(o.ok for o in outcomes) else EXIT_ERROR
