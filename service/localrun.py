"""Run the service as a real local subprocess on a free port: for tests, demos and smoke checks."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx


@dataclass(frozen=True)
class LocalService:
    """A started service: where it listens and where its JSON-lines log goes."""

    base_url: str
    port: int
    db_path: Path
    log_path: Path
    process: subprocess.Popen[bytes]

    def log_lines(self) -> list[str]:
        return self.log_path.read_text(encoding="utf-8").splitlines()


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on right now (the OS picks it); racy by nature, so callers retry."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _wait_healthy(process: subprocess.Popen[bytes], base_url: str, deadline: float) -> bool:
    """True once /health answers 200; False if the process died first (e.g. the port was taken)."""
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            if httpx.get(f"{base_url}/health", timeout=1.0).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise TimeoutError(f"service at {base_url} not healthy in time")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def serve_local(
    db_path: Path,
    log_path: Path,
    *,
    host: str = "127.0.0.1",
    startup_timeout: float = 20.0,
    attempts: int = 3,
) -> Iterator[LocalService]:
    """Start `python -m service` with this interpreter, wait for /health, stop it (SIGTERM) on exit."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    for _ in range(attempts):
        port = free_port(host)
        base_url = f"http://{host}:{port}"
        command = [sys.executable, "-m", "service", "--host", host, "--port", str(port), "--db", str(db_path)]
        with log_path.open("ab") as log_file:
            process = subprocess.Popen(command, stdout=log_file, stderr=subprocess.STDOUT, env=env)
        try:
            if _wait_healthy(process, base_url, time.monotonic() + startup_timeout):
                yield LocalService(base_url, port, db_path, log_path, process)
                return
        finally:
            _stop(process)
    raise RuntimeError(f"service did not start after {attempts} attempts; see {log_path}")
