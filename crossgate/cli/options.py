"""Options shared by several commands (each command module adds its own besides)."""

from __future__ import annotations

import argparse
from pathlib import Path

from crossgate.cli.context import EMULATOR_URL_VARIABLE, default_emulator_url
from crossgate.paths import DEFAULT_OUTDIR

SubParsers = argparse._SubParsersAction  # argparse's own type for add_subparsers()' result


def add_command(sub: SubParsers[argparse.ArgumentParser], name: str, help_text: str,
                handler: object) -> argparse.ArgumentParser:
    p = sub.add_parser(name, help=help_text, description=help_text)
    p.set_defaults(handler=handler)
    return p


def add_env_option(p: argparse.ArgumentParser, *, required: bool = False) -> None:
    p.add_argument("--env", default=None if required else "local", required=required,
                   help="env name in envs/ or a path to an env file" + ("" if required else " (default: local)"))


def add_stack_options(p: argparse.ArgumentParser) -> None:
    """The options of every command that works on an env's stacks (read by context.StackOptions)."""
    add_env_option(p)
    p.add_argument("--stack", action="append", default=[],
                   help="limit to this stack (repeatable); default: every stack of the env")
    p.add_argument("--outdir", type=Path, default=DEFAULT_OUTDIR, help="synth output folder (cdktf.out)")
    p.add_argument("--emulator-url", default=default_emulator_url(),
                   help=f"a running crossgate emulator (default: ${EMULATOR_URL_VARIABLE})")
    p.add_argument("--parallelism", type=int, default=4, help="provider stacks run at once (default 4)")
