"""``crossgate doctor``: check a deployed env against AWS (or the emulator)."""

from __future__ import annotations

import argparse

from crossgate.cli.context import StackOptions, open_context
from crossgate.cli.exit_codes import EXIT_ERROR, EXIT_OK
from crossgate.cli.options import (
    SubParsers,
    add_command,
    add_emulator_url_option,
    add_env_option,
    add_outdir_option,
)


def register(sub: SubParsers[argparse.ArgumentParser]) -> None:
    p = add_command(sub, "doctor", "check a deployed environment against AWS (or the emulator)", run)
    add_env_option(p)
    add_outdir_option(p)
    add_emulator_url_option(p)
    p.add_argument("--no-live", action="store_true", help="skip the live request through the gateway per service")


def run(args: argparse.Namespace) -> int:
    from crossgate.cli.flows import gateway_url
    from crossgate.ops.doctor import live_checks, render_checks, run_doctor

    with open_context(StackOptions.from_args(args)) as context:
        outputs = context.orchestrator().outputs()
        checks = run_doctor(context.env, outputs, context.target.sessions())
        url = gateway_url(context, outputs)
        if url is not None and not args.no_live:
            checks += live_checks(context.env, url)
    print(render_checks(checks))
    return EXIT_OK if all(c.ok for c in checks) else EXIT_ERROR
