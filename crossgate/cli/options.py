"""Options shared by several commands (each command module adds its own besides)."""

from __future__ import annotations

import argparse
from pathlib import Path

from crossgate.cli.context import DEFAULT_PARALLELISM, EMULATOR_URL_VARIABLE, default_emulator_url
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


def add_stack_option(p: argparse.ArgumentParser) -> None:
    """``--stack``, for commands that can work on some of an env's stacks (unknown names are refused)."""
    p.add_argument("--stack", action="append", default=[],
                   help="limit to this stack (repeatable); default: every stack of the env")


def add_outdir_option(p: argparse.ArgumentParser) -> None:
    """``--outdir``, for commands that synthesize the env's stacks."""
    p.add_argument("--outdir", type=Path, default=DEFAULT_OUTDIR, help="synth output folder (cdktf.out)")


def add_emulator_url_option(p: argparse.ArgumentParser) -> None:
    """``--emulator-url``, for commands that reach an emulator env's emulator (or write its endpoints)."""
    p.add_argument("--emulator-url", default=default_emulator_url(),
                   help=f"a running crossgate emulator (default: ${EMULATOR_URL_VARIABLE})")


def add_parallelism_option(p: argparse.ArgumentParser) -> None:
    """``--parallelism``, for commands that run terraform on several stacks at once."""
    p.add_argument("--parallelism", type=int, default=DEFAULT_PARALLELISM,
                   help=f"provider stacks run at once (default {DEFAULT_PARALLELISM})")


def add_stack_options(p: argparse.ArgumentParser) -> None:
    """Every option of the commands that run terraform over an env's stacks (plan, deploy, destroy, demo)."""
    add_env_option(p)
    add_stack_option(p)
    add_outdir_option(p)
    add_emulator_url_option(p)
    add_parallelism_option(p)
