"""The image's inputs: requirements pinned like the project and complete, the Dockerfile's contract, and
the code as the image lays it out (service/ without tests, only the pinned packages) actually serving."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import time
from importlib.metadata import distribution
from pathlib import Path

import httpx
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from service.localrun import free_port

SERVICE_DIR = Path(__file__).resolve().parents[1]
ROOT = SERVICE_DIR.parent


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, version = line.split("==")
            pins[canonicalize_name(name)] = version
    return pins


def _runtime_closure(roots: list[str]) -> set[str]:
    """Installed distributions the roots need at runtime (no extras), following markers for this Python."""
    seen: set[str] = set()
    todo = [canonicalize_name(name) for name in roots]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for spec in distribution(name).requires or []:
            req = Requirement(spec)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                todo.append(canonicalize_name(req.name))
    return seen


def test_requirements_are_pinned_to_the_project_constraints() -> None:
    requirements, constraints = _pins(SERVICE_DIR / "requirements.txt"), _pins(ROOT / "constraints.txt")
    assert {name: constraints.get(name) for name in requirements} == requirements


def test_requirements_are_the_complete_runtime_closure() -> None:
    assert set(_pins(SERVICE_DIR / "requirements.txt")) == _runtime_closure(["fastapi", "uvicorn"])


def test_dockerfile_contract() -> None:
    dockerfile = (SERVICE_DIR / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim\b", dockerfile, re.M)
    assert re.search(r"^USER (?!root|0\b)\S+", dockerfile, re.M), "must run as a non-root user"
    assert "pip install --no-deps --requirement /app/requirements.txt" in dockerfile
    assert re.search(r'^\s*CMD \["python", "-m", "service\.healthcheck"\]', dockerfile, re.M)
    assert re.search(r'^CMD \["python", "-m", "service"\]', dockerfile, re.M)
    assert "EMPLOYEE_PORT=8080" in dockerfile and "EXPOSE 8080" in dockerfile


def _image_layout(app_dir: Path) -> None:
    """Copy service/ the way `COPY . /app/service/` does after .dockerignore."""
    ignored = [
        line.strip().removeprefix("**/").rstrip("/")
        for line in (SERVICE_DIR / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    shutil.copytree(SERVICE_DIR, app_dir / "service", ignore=shutil.ignore_patterns(*ignored))


def test_the_image_layout_serves_without_tests_or_the_project(tmp_path: Path) -> None:
    app = tmp_path / "app"
    _image_layout(app)
    assert not (app / "service" / "tests").exists()
    port = free_port()
    # -S skips site-packages' .pth files, so the project's editable install cannot leak in; only the
    # installed third-party packages are reachable, as in the image.
    env = {
        **os.environ,
        "PYTHONPATH": sysconfig.get_paths()["purelib"],
        "EMPLOYEE_PORT": str(port),
        "EMPLOYEE_DB": str(tmp_path / "data" / "employees.db"),
    }
    process = subprocess.Popen([sys.executable, "-S", "-m", "service"], cwd=app, env=env, stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while True:
            assert process.poll() is None, "service exited in the image layout"
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                assert time.monotonic() < deadline, "not healthy in time"
                time.sleep(0.05)
        check = subprocess.run(
            [sys.executable, "-S", "-m", "service.healthcheck"], cwd=app, env=env, check=False, timeout=10
        )
        assert check.returncode == 0
    finally:
        process.terminate()
        process.wait(timeout=10)
