"""Runs a Python Lambda function from moto's state locally: unpack its zip once, call the handler in a
subprocess with the function's timeout and environment.

The package is unpacked under ``work_dir/code/<sha256 of the zip>`` (so an updated function gets a new
folder and an unchanged one is never unpacked twice); the handler's output is appended to
``work_dir/logs/<function name>.log``. The emulator's own interpreter runs the handler, whatever Python
version the runtime names; layers, the execution role's credentials and container images are not modelled.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BOOTSTRAP = Path(__file__).with_name("lambda_bootstrap.py")


@dataclass(frozen=True)
class Invocation:
    """The handler's return value, or why there is none."""

    ok: bool
    result: Any = None
    error: str = ""
    duration_ms: int = 0


class LambdaRunner:
    """Unpacks and runs Python Lambda handlers under ``work_dir``."""

    def __init__(self, work_dir: Path) -> None:
        self.work_dir = work_dir

    def invoke(self, function: Any, event: Any, request_id: str) -> Invocation:
        """Call the function's handler with ``event``; a crash, a timeout or a non-JSON answer is an error."""
        try:
            code_dir = self.unpack(bytes(getattr(function, "code_bytes", b"") or b""))
        except (zipfile.BadZipFile, OSError) as error:
            return Invocation(False, error=f"the deployment package could not be unpacked ({error})")
        timeout_s = float(getattr(function, "timeout", 3) or 3)
        spec = {
            "handler": function.handler,
            "event": event,
            "function_name": function.function_name,
            "function_arn": function.function_arn,
            "request_id": request_id,
            "timeout_s": timeout_s,
            "memory_mb": getattr(function, "memory_size", 128),
        }
        started = time.monotonic()
        log_dir = self.work_dir / "logs"
        log_dir.mkdir(parents=True, exist_ok=True)
        with open(log_dir / f"{function.function_name}.log", "ab") as log:
            try:
                completed = subprocess.run(  # the handler runs with the function's own timeout
                    [sys.executable, str(BOOTSTRAP)],
                    input=json.dumps(spec).encode(),
                    stdout=subprocess.PIPE,
                    stderr=log,
                    cwd=code_dir,
                    env=_environment(function, code_dir),
                    timeout=timeout_s,
                    check=False,
                )
            except subprocess.TimeoutExpired:
                return Invocation(False, error=f"Task timed out after {timeout_s:.2f} seconds")
        elapsed = int((time.monotonic() - started) * 1000)
        try:
            answer = json.loads(completed.stdout or b"null")
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            return Invocation(
                False, error=f"the runtime exited with code {completed.returncode} and no answer", duration_ms=elapsed
            )
        if "errorType" in answer:
            return Invocation(
                False, error=f"{answer['errorType']}: {answer.get('errorMessage', '')}", duration_ms=elapsed
            )
        return Invocation(True, result=answer.get("result"), duration_ms=elapsed)

    def unpack(self, zip_bytes: bytes) -> Path:
        """The folder holding the unpacked package (unpacked now if it is not there yet)."""
        digest = hashlib.sha256(zip_bytes).hexdigest()
        target = self.work_dir / "code" / digest
        if target.is_dir():
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{digest[:12]}-", dir=target.parent))
        try:
            with zipfile.ZipFile(io.BytesIO(zip_bytes)) as archive:
                archive.extractall(staging)  # extractall drops absolute and ".." member paths
            os.replace(staging, target)
        except OSError:
            if not target.is_dir():
                raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return target


def _environment(function: Any, code_dir: Path) -> dict[str, str]:
    """The function's variables plus the ones Lambda sets itself (AWS Lambda, "Defined runtime environment
    variables"); nothing of the emulator's own environment but PATH leaks in."""
    region = str(getattr(function, "region", "") or "")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "en_US.UTF-8",
        "LAMBDA_TASK_ROOT": str(code_dir),
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
        "AWS_LAMBDA_FUNCTION_NAME": str(function.function_name),
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(getattr(function, "memory_size", 128)),
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_EXECUTION_ENV": f"AWS_Lambda_{getattr(function, 'run_time', '')}",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    env.update({str(key): str(value) for key, value in (getattr(function, "environment_vars", None) or {}).items()})
    return env
