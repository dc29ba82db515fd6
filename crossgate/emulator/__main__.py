"""``python -m crossgate.emulator``: the emulator in the foreground, or (``--child``) its server process."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from crossgate.emulator.child import run_child
from crossgate.emulator.launcher import serve_foreground


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m crossgate.emulator",
        description="Run crossgate's local AWS emulator (patched moto) on 127.0.0.1 until Ctrl-C.",
    )
    parser.add_argument("--port", type=int, default=0, help="port to listen on (default: a free one)")
    parser.add_argument("--state-dir", type=Path, default=None,
                        help="keep emulator.log and the state here; a restart on the same folder carries on")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--state-file", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--work-dir", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return run_child(args.port, args.state_file, args.work_dir)
    return serve_foreground(args.port, args.state_dir)


if __name__ == "__main__":
    sys.exit(main())
