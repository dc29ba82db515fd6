"""The crossgate command line: ``app`` (errors and exit codes), ``parser`` (options), ``context`` (what a
command works on: env, target, stacks), ``flows`` (steps several commands share), ``commands/`` (one
module per command)."""

from crossgate.cli.app import main

__all__ = ["main"]
