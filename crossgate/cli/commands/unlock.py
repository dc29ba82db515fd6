"""``crossgate unlock``: release a state lock by hand (crossgate releases provably stale ones itself)."""

from __future__ import annotations

import argparse

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
    p = add_command(sub, "unlock", "release a stale state lock left by a killed run", run)
    add_env_option(p)
    add_stack_option(p)
    add_outdir_option(p)
    add_emulator_url_option(p)
    p.add_argument("lock_id", help="the lock ID terraform printed")


def run(args: argparse.Namespace) -> int:
    options = StackOptions.from_args(args)
    if len(options.stacks) != 1:
        raise CliError("unlock needs exactly one --stack (the stack whose lock to release)")
    with open_context(options) as context:
        context.orchestrator().unlock(context.manifest.stacks[0], args.lock_id)
    print(f"released lock {args.lock_id} of {options.stacks[0]}")
    return EXIT_OK
