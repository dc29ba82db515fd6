"""``crossgate smoke``: the seed's CRUD scenario against a deployed gateway, as a table."""

from __future__ import annotations

import argparse

from crossgate.cli import flows
from crossgate.cli.context import CliError, StackOptions, default_emulator_url, open_context
from crossgate.cli.exit_codes import EXIT_ERROR, EXIT_OK
from crossgate.cli.options import SubParsers, add_command
from crossgate.paths import DEFAULT_OUTDIR


def register(sub: SubParsers[argparse.ArgumentParser]) -> None:
    p = add_command(sub, "smoke", "run the employee CRUD scenario against a deployed gateway", run)
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--url", help="base URL of the API (e.g. https://abc.execute-api.us-west-1.amazonaws.com)")
    target.add_argument("--env", help="take the URL from this env's outputs (emulator envs: the local gateway)")
    p.add_argument("--emulator-url", default=default_emulator_url(),
                   help="the running emulator of an emulator env (default: $CROSSGATE_EMULATOR_URL)")
    p.add_argument("--timeout", type=float, default=10.0, help="seconds per request (default 10)")


def run(args: argparse.Namespace) -> int:
    url = args.url
    if url is None:
        options = StackOptions(env=args.env, stacks=(), outdir=DEFAULT_OUTDIR, emulator_url=args.emulator_url,
                               parallelism=1)
        with open_context(options) as context:
            url = flows.gateway_url(context, context.orchestrator().outputs())
        if not url:
            raise CliError(f"env {args.env!r} has no api_endpoint output yet; deploy it first")
    return EXIT_OK if flows.smoke(url, timeout=args.timeout) else EXIT_ERROR
