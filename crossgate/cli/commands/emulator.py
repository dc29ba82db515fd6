"""``crossgate emulator``: the local two-account AWS emulator in the foreground."""

from __future__ import annotations

import argparse
from pathlib import Path

from crossgate import emulator
from crossgate.cli.options import SubParsers, add_command


def register(sub: SubParsers[argparse.ArgumentParser]) -> None:
    p = add_command(sub, "emulator", "run the local two-account AWS emulator in the foreground", run)
    p.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    p.add_argument("--state-dir", type=Path, default=None,
                   help="keep the emulator's state here: saved on Ctrl-C, restored when started on it again")


def run(args: argparse.Namespace) -> int:
    return emulator.serve_foreground(port=args.port, state_dir=args.state_dir)
