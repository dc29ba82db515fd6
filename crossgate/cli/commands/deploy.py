"""``crossgate deploy``: init, plan and apply every stack in dependency order."""

from __future__ import annotations

import argparse

from crossgate.cli import flows
from crossgate.cli.context import StackOptions, open_context
from crossgate.cli.exit_codes import EXIT_ERROR, EXIT_OK
from crossgate.cli.flows import Progress, print_outcomes
from crossgate.cli.options import SubParsers, add_command, add_stack_options
from crossgate.lifecycle import orphans
from crossgate.lifecycle.records import env_file_ref


def register(sub: SubParsers[argparse.ArgumentParser]) -> None:
    p = add_command(sub, "deploy", "init, plan and apply every stack in dependency order", run)
    add_stack_options(p)
    p.add_argument("--keep-emulator", action="store_true",
                   help="when deploy started its own emulator, keep serving it until Ctrl-C")
    p.add_argument(orphans.ALLOW_FLAG, action="store_true",
                   help="also destroy the stacks the env file no longer declares (after the central stack)")
    p.add_argument("--new-env", action="store_true",
                   help="deploy a new env even though its file looks like a renamed, still deployed one")


def run(args: argparse.Namespace) -> int:
    with open_context(StackOptions.from_args(args), may_start=True) as context:
        # Both refusals come before any change (no stack is touched, no workload registered).
        if context.lifecycle is not None:
            if not args.new_env:
                orphans.refuse_rename(context.lifecycle)
            if not args.allow_destroy and context.tombstones and context.tombstones.stacks:
                orphans.refuse_without_flag(context.lifecycle, env_file_ref(context.env.path))
        deployed = flows.deploy(context)
        if deployed is None:
            return EXIT_ERROR
        if context.lifecycle is not None and context.tombstones and context.tombstones.stacks:
            # Only now: the central stack no longer references the dropped services.
            destroyed = orphans.destroy(context.tombstones, context.lifecycle,
                                        lambda manifest: context.orchestrator(Progress().report, manifest=manifest))
            print_outcomes(destroyed)
            if any(not o.ok for o in destroyed):
                return EXIT_ERROR
        if context.started_emulator:
            if not args.keep_emulator:
                print("\ncrossgate: the emulator started for this deploy stops now, and the environment with it "
                      "(use --keep-emulator, or `crossgate demo --keep`, to explore it).")
                return EXIT_OK
            flows.serve_until_interrupted(context, flows.gateway_url(context, deployed.outputs))
    return EXIT_OK
