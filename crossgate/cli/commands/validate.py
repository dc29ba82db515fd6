"""``crossgate validate``: check an env file and stop (no synth, no terraform, no AWS): for editors, hooks and CI."""

from __future__ import annotations

import argparse

from crossgate import names
from crossgate.cli.context import load_env
from crossgate.cli.exit_codes import EXIT_OK
from crossgate.cli.options import SubParsers, add_command, add_env_option
from crossgate.config.loading import shown_path


def register(sub: SubParsers[argparse.ArgumentParser]) -> None:
    p = add_command(sub, "validate", "check an env file: every problem at once, with its line and the fix", run)
    add_env_option(p, required=True)


def run(args: argparse.Namespace) -> int:
    env = load_env(args.env)  # an invalid env raises EnvConfigError: the app prints every problem, exit 1
    stacks = names.stack_names(env.name, env.config.services)
    print(f"ok: {shown_path(env.path)}: env {env.name!r} ({_count(len(env.config.services), 'service')}, "
          f"{_count(len(stacks), 'stack')}, target {env.config.target})")
    return EXIT_OK


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")
