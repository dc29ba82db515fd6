"""``crossgate destroy``: destroy every stack in reverse dependency order."""

from __future__ import annotations

import argparse

from crossgate.cli.context import StackOptions, open_context
from crossgate.cli.exit_codes import EXIT_ERROR, EXIT_OK
from crossgate.cli.flows import Progress, print_outcomes
from crossgate.cli.options import SubParsers, add_command, add_stack_options
from crossgate.lifecycle import orphans


def register(sub: SubParsers[argparse.ArgumentParser]) -> None:
    add_stack_options(add_command(sub, "destroy", "destroy every stack in reverse dependency order", run))


def run(args: argparse.Namespace) -> int:
    progress = Progress()
    with open_context(StackOptions.from_args(args)) as context:
        outcomes = context.orchestrator(progress.report).run("destroy")
        if all(o.ok for o in outcomes) and context.lifecycle and context.tombstones and context.tombstones.stacks:
            # Stacks the env file dropped go too, after the central stack that may still reference them.
            outcomes += orphans.destroy(context.tombstones, context.lifecycle,
                                        lambda manifest: context.orchestrator(progress.report, manifest=manifest))
    print_outcomes(outcomes)
    return EXIT_OK if all(o.ok for o in outcomes) else EXIT_ERROR
