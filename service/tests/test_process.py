"""The real process, as the image runs it: `python -m service` with a db file, restarted on the same file."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from service.healthcheck import main as healthcheck_main
from service.localrun import free_port, serve_local
from service.tests.conftest import JOHN


def test_data_survives_a_restart_on_the_same_db_file(tmp_path: Path) -> None:
    db, log = tmp_path / "nested" / "employees.db", tmp_path / "service.log"
    with serve_local(db, log) as first:
        created = httpx.post(f"{first.base_url}/employees", json=JOHN).json()
        kept = httpx.post(f"{first.base_url}/employees", json={**JOHN, "lastName": "Kept"}).json()
        assert httpx.delete(f"{first.base_url}/employees/{created['id']}").status_code == 200
    # uvicorn finishes in-flight work on SIGTERM, then re-raises the signal: exit -15 after a clean shutdown
    assert first.process.returncode in (0, -signal.SIGTERM)
    assert any(json.loads(line)["msg"] == "Application shutdown complete." for line in first.log_lines())

    with serve_local(db, log) as second:
        assert second.port != 0
        assert httpx.get(f"{second.base_url}/employees").json() == [kept]
        assert httpx.get(f"{second.base_url}/employees/{created['id']}").status_code == 404
        assert httpx.post(f"{second.base_url}/employees", json=JOHN).json()["id"] > kept["id"]


def test_logs_are_json_lines_with_one_entry_per_request(tmp_path: Path) -> None:
    with serve_local(tmp_path / "e.db", tmp_path / "service.log") as svc:
        httpx.get(f"{svc.base_url}/employees/77")
    entries = [json.loads(line) for line in svc.log_lines()]  # every line must parse
    assert {"ts", "level", "logger", "msg"} <= set(entries[0])
    requests = [e for e in entries if e["msg"] == "request" and e["path"] == "/employees/77"]
    assert len(requests) == 1
    assert requests[0]["method"] == "GET"
    assert requests[0]["status"] == 404
    assert requests[0]["duration_ms"] >= 0
    assert not any("color_message" in e for e in entries)


def test_environment_variables_configure_the_process(tmp_path: Path) -> None:
    port, db = free_port(), tmp_path / "from-env.db"
    env = {**os.environ, "EMPLOYEE_PORT": str(port), "EMPLOYEE_DB": str(db), "EMPLOYEE_HOST": "127.0.0.1"}
    process = subprocess.Popen([sys.executable, "-m", "service"], env=env, stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while healthcheck_main({"EMPLOYEE_PORT": str(port)}) != 0:
            assert process.poll() is None, "service exited before becoming healthy"
            assert time.monotonic() < deadline, "service never became healthy on the EMPLOYEE_PORT port"
            time.sleep(0.05)
        assert db.exists()
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)


def test_healthcheck_fails_when_nothing_listens() -> None:
    assert healthcheck_main({"EMPLOYEE_PORT": str(free_port())}) == 1
