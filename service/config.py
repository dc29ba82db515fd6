"""Runtime settings: command-line flags first, then EMPLOYEE_* environment variables (the container's way)."""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080
DEFAULT_DB = "employees.db"
LOG_LEVELS = ("debug", "info", "warning", "error")


@dataclass(frozen=True)
class Settings:
    """Everything the process needs to start; immutable so it can be passed around freely."""

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    db_path: Path = Path(DEFAULT_DB)
    log_level: str = "info"


def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"port must be an integer, got {value!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port must be within 0-65535, got {port}")
    return port


def build_parser(env: Mapping[str, str]) -> argparse.ArgumentParser:
    """Flags whose defaults come from the environment, so a flag always wins over EMPLOYEE_*."""
    parser = argparse.ArgumentParser(
        prog="python -m service",
        description="Employee CRUD service (crossgate demo workload).",
    )
    parser.add_argument(
        "--host",
        default=env.get("EMPLOYEE_HOST", DEFAULT_HOST),
        help="interface to bind (env EMPLOYEE_HOST; default %(default)s, the image uses 0.0.0.0)",
    )
    parser.add_argument(
        "--port",
        type=_port,
        default=env.get("EMPLOYEE_PORT", str(DEFAULT_PORT)),
        help="TCP port (env EMPLOYEE_PORT; default %(default)s)",
    )
    parser.add_argument(
        "--db",
        default=env.get("EMPLOYEE_DB", DEFAULT_DB),
        help="SQLite database file, created if missing (env EMPLOYEE_DB; default %(default)s)",
    )
    parser.add_argument(
        "--log-level",
        choices=LOG_LEVELS,
        default=env.get("EMPLOYEE_LOG_LEVEL", "info").lower(),
        help="minimum log level (env EMPLOYEE_LOG_LEVEL; default %(default)s)",
    )
    return parser


def parse_settings(argv: Sequence[str], env: Mapping[str, str]) -> Settings:
    """Parse flags and environment; exits with a usage error (status 2) on bad values, like any CLI."""
    parser = build_parser(env)
    args = parser.parse_args(list(argv))
    if args.log_level not in LOG_LEVELS:  # an env default bypasses argparse's choices check
        parser.error(f"log level must be one of {', '.join(LOG_LEVELS)}, got {args.log_level!r}")
    return Settings(host=args.host, port=args.port, db_path=Path(args.db), log_level=args.log_level)
