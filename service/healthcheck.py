"""Container HEALTHCHECK: exit 0 when GET /health answers 200. Standard library only (no curl in slim)."""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request
from collections.abc import Mapping


def check(url: str, timeout: float = 3.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def main(env: Mapping[str, str] | None = None) -> int:
    env = os.environ if env is None else env
    url = f"http://127.0.0.1:{env.get('EMPLOYEE_PORT', '8080')}/health"
    return 0 if check(url) else 1


if __name__ == "__main__":
    sys.exit(main())
