"""``crossgate doctor``: check a deployed env against AWS (or the emulator)."""

from __future__ import annotations

import argparse

from crossgate.cli.context import StackOptions, open_context
from crossgate.cli.exit_codes import EXIT_ERROR, EXIT_OK
from crossgate.cli.options import SubParsers, add_command, add_stack_options


def register(sub: SubParsers[argparse.ArgumentParser]) -> None:
    add_stack_options(add_command(sub, "doctor", "check a deployed environment against AWS (or the emulator)", run))


def run(args: argparse.Namespace) -> int:
    from crossgate.ops.doctor import render_checks, run_doctor

    with open_context(StackOptions.from_args(args)) as context:
        outputs = context.orchestrator().outputs()
        checks = run_doctor(context.env, outputs, context.target.sessions())
    print(render_checks(checks))
    return EXIT_OK if all(c.ok for c in checks) else EXIT_ERROR
