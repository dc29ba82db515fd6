"""Entry point for `python -m service` (locally and in the image): settings, database, then uvicorn."""

from __future__ import annotations

import logging
import logging.config
import os
import sys
from collections.abc import Mapping, Sequence

import uvicorn

from service.app import create_app
from service.config import parse_settings
from service.jsonlog import logging_config
from service.store import EmployeeStore


def main(argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None) -> int:
    settings = parse_settings(sys.argv[1:] if argv is None else argv, os.environ if env is None else env)
    store = EmployeeStore(settings.db_path)
    store.initialize()
    logging.config.dictConfig(logging_config(settings.log_level))
    logging.getLogger("service").info(
        "starting", extra={"host": settings.host, "port": settings.port, "db": str(settings.db_path)}
    )
    uvicorn.run(
        create_app(store),
        host=settings.host,
        port=settings.port,
        log_config=logging_config(settings.log_level),
        access_log=False,  # the app logs each request itself, as JSON with its duration
        server_header=False,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
