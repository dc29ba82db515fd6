"""Entry point: parse, run one command, turn failures into exit codes.

Exit codes: 0 success; 1 a failure crossgate explains (an invalid env file included; no traceback);
2 only for ``plan --detailed-exitcode``: some stack has changes; 3 an unexpected error (a bug: one line
on screen, the traceback in ``.crossgate/logs/``); 130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path

from crossgate.cli.exit_codes import EXIT_ERROR, EXIT_INTERRUPTED, EXIT_UNEXPECTED
from crossgate.cli.parser import build_parser
from crossgate.config import EnvConfigError
from crossgate.errors import CrossgateError
from crossgate.paths import WORK_DIR, require_checkout


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_ERROR
    try:
        require_checkout()
        return int(args.handler(args))
    except EnvConfigError as exc:
        print(f"crossgate: invalid environment ({len(exc.problems)} problem(s)); nothing was written:",
              file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_ERROR
    except CrossgateError as exc:
        print(f"crossgate: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("crossgate: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:  # a bug: say so in one line, keep the details for the report
        log = _write_crash_log(exc)
        print(f"crossgate: unexpected error {type(exc).__name__}: {exc} (details in {log}); "
              "please report it with that file", file=sys.stderr)
        return EXIT_UNEXPECTED


def _write_crash_log(exc: BaseException) -> Path:
    logs = WORK_DIR / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    path = logs / f"crash-{time.strftime('%Y%m%d-%H%M%S')}.log"
    path.write_text(f"crossgate {' '.join(sys.argv[1:])}\n\n" + "".join(traceback.format_exception(exc)))
    return path
