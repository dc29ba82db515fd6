"""Starting and stopping the emulator: a patched moto server in a child process on 127.0.0.1.

The server runs in a child process (``python -m crossgate.emulator --child``) so moto's global
backends never leak into the caller; the child listens on 127.0.0.1 only and exits when its
parent goes away (stdin EOF, plus PR_SET_PDEATHSIG on Linux).
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import Any

from crossgate.emulator.iam_enforcement import ENFORCE_VARIABLE, IamSetup, bootstrap
from crossgate.emulator.settings import (
    EMULATOR_REGION,
    HOST,
    STATE_BUCKET,
    assume_role_arn,
    terraform_environment,
)
from crossgate.emulator.state import STATE_FILE_NAME
from crossgate.errors import CrossgateError

CHILD_ENV = {
    # IAM managed policies (AmazonECSTaskExecutionRolePolicy, ...) must exist for attachments.
    "MOTO_IAM_LOAD_MANAGED_POLICIES": "true",
    # No EC2 AMIs: nothing crossgate deploys launches instances, and loading them costs seconds per account.
    "MOTO_EC2_LOAD_DEFAULT_AMIS": "false",
}


class EmulatorError(CrossgateError):
    """The emulator could not start (the message carries the tail of its log)."""


class Emulator:
    """Context manager running the patched moto server in a child process.

    ``state_dir`` keeps the server log (``emulator.log``); without it a temporary directory is
    used and removed on :meth:`stop`. moto keeps everything in memory: by default stopping the
    emulator forgets every resource and the Terraform state with it. With ``persist`` (which needs
    ``state_dir``) the child saves its state to ``state_dir/state.pickle`` when it stops and an
    emulator started on the same folder carries on from there (:mod:`crossgate.emulator.state`).
    With ``iam`` the emulator enforces IAM (moto's evaluation, :mod:`crossgate.emulator.iam_enforcement`):
    the fake base credentials become an IAM user, ``iam``'s roles and policies are created, then every
    request is checked.
    """

    def __init__(self, port: int = 0, state_dir: Path | None = None, persist: bool = False,
                 iam: IamSetup | None = None) -> None:
        if not 0 <= port <= 65535:
            raise ValueError(f"port must be 0..65535, got {port}")
        if persist and state_dir is None:
            raise ValueError("persist needs a state_dir to keep the state in")
        self.port = port
        self.state_dir = state_dir
        self.persist = persist
        self.iam = iam
        self.restored_services = 0
        self.endpoint_url = ""
        self._process: subprocess.Popen[bytes] | None = None
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._log_path: Path | None = None

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self, timeout: float = 90) -> str:
        """Start the server, wait until it answers, create the state bucket; return the URL.

        Start-up is ~3.5 s on an idle 2-core machine (importing moto and its region data), but a child
        competing with terraform runs for the same cores has taken over 20 s: the timeout only catches a
        child that hangs, and the log tail in its error says where.
        """
        if self.is_running():
            return self.endpoint_url
        log_dir = self._log_dir()
        self._log_path = log_dir / "emulator.log"
        command = [sys.executable, "-m", "crossgate.emulator", "--child", "--port", str(self.port),
                   "--work-dir", str(log_dir / "work")]
        if self.persist:
            command += ["--state-file", str(log_dir / STATE_FILE_NAME)]
        with self._log_path.open("ab") as log:
            self._process = subprocess.Popen(
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                env={**_child_environment(), **({ENFORCE_VARIABLE: "1"} if self.iam else {})},
                start_new_session=True,  # Ctrl-C reaches the parent only; it stops us cleanly
            )
        try:
            handshake = self._read_handshake(timeout)
            port, self.restored_services = int(handshake["port"]), int(handshake.get("restored", 0))
            self.endpoint_url = f"http://{HOST}:{port}"
            _create_state_bucket(self.endpoint_url)
            if self.iam is not None:
                bootstrap(self.endpoint_url, self.iam)
        except BaseException:
            self.stop()
            raise
        return self.endpoint_url

    def stop(self) -> None:
        """Stop the server (EOF on its stdin, then SIGTERM, then SIGKILL) and clean up."""
        process, self._process = self._process, None
        if process is not None:
            with contextlib.suppress(OSError):
                if process.stdin:
                    process.stdin.close()
            try:
                process.wait(timeout=30 if self.persist else 5)  # saving the state takes a moment
            except subprocess.TimeoutExpired:
                process.terminate()
                try:
                    process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            if process.stdout:
                process.stdout.close()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None
        self.endpoint_url = ""

    def is_running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def pid(self) -> int | None:
        """The emulator child's process id while it runs (bench/ reads its CPU time)."""
        return self._process.pid if self.is_running() and self._process is not None else None

    def wait(self) -> int:
        """Block until the child exits (used by the foreground command); return its exit code."""
        if self._process is None:
            return 0
        return self._process.wait()

    def __enter__(self) -> Emulator:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- helpers -----------------------------------------------------------------------------
    def _log_dir(self) -> Path:
        if self.state_dir is not None:
            self.state_dir.mkdir(parents=True, exist_ok=True)
            return self.state_dir
        self._tmp = tempfile.TemporaryDirectory(prefix="crossgate-emulator-")
        return Path(self._tmp.name)

    def _read_handshake(self, timeout: float) -> dict[str, Any]:
        """Read the child's one-line JSON handshake ``{"port": N, "restored": M, ...}`` from its stdout."""
        assert self._process is not None and self._process.stdout is not None
        deadline = time.monotonic() + timeout
        line = b""
        with selectors.DefaultSelector() as selector:
            selector.register(self._process.stdout, selectors.EVENT_READ)
            while not line.endswith(b"\n"):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise EmulatorError(f"emulator did not start within {timeout}s{self._log_tail()}")
                if not selector.select(remaining):
                    continue
                chunk = os.read(self._process.stdout.fileno(), 4096)
                if not chunk:
                    raise EmulatorError(f"emulator exited during start-up{self._log_tail()}")
                line += chunk
        handshake: dict[str, Any] = json.loads(line.decode())
        return handshake

    def _log_tail(self, lines: int = 20) -> str:
        if self._log_path is None or not self._log_path.exists():
            return ""
        tail = self._log_path.read_text(errors="replace").splitlines()[-lines:]
        return ":\n" + "\n".join(tail) if tail else ""


def interrupt_on_ctrl_c() -> None:
    """Make Ctrl-C (and SIGTERM) raise KeyboardInterrupt in this process.

    "Ctrl-C stops it" must hold even when started from a script whose background jobs ignore SIGINT (POSIX
    shells start `cmd &` so); SIGTERM (a service manager's stop) takes the same clean path.
    """
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)


def serve_foreground(port: int = 0, state_dir: Path | None = None) -> int:
    """Run the emulator until Ctrl-C (``crossgate emulator``); print the URL and how to use it.

    With ``state_dir`` the state is kept there across restarts (saved on Ctrl-C, restored on start).
    """
    interrupt_on_ctrl_c()
    emulator = Emulator(port=port, state_dir=state_dir, persist=state_dir is not None)
    try:
        url = emulator.start()
    except EmulatorError as error:
        print(f"crossgate emulator: {error}", file=sys.stderr)
        return 1
    try:  # Ctrl-C at any point from here on stops the child cleanly
        _print_usage(emulator, url, state_dir)
        code = emulator.wait()
        print(f"crossgate emulator: server exited with code {code}", file=sys.stderr)
        return code or 1
    except KeyboardInterrupt:
        return 0
    finally:
        emulator.stop()


def _print_usage(emulator: Emulator, url: str, state_dir: Path | None) -> None:
    env = terraform_environment(url)
    print(f"crossgate emulator listening on {url} (moto, patched; Ctrl-C stops it)")
    if state_dir is not None:
        restored = f"restored {emulator.restored_services} services" if emulator.restored_services else "new"
        print(f"State: {state_dir / STATE_FILE_NAME} ({restored}; saved again when the emulator stops)")
    print(f"Terraform state bucket: s3://{STATE_BUCKET} ({EMULATOR_REGION})")
    print("Accounts: any 12-digit id, chosen by assuming e.g. " + assume_role_arn("111111111111"))
    print("Use it from a shell:")
    print(f"  export AWS_ENDPOINT_URL={url}")
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION"):
        print(f"  export {name}={env[name]}")
    sys.stdout.flush()


def _child_environment() -> dict[str, str]:
    env = {**os.environ, **CHILD_ENV}
    package_root = str(Path(__file__).resolve().parent.parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
    return env


def _create_state_bucket(endpoint_url: str) -> None:
    import boto3

    env = terraform_environment(endpoint_url)
    s3 = boto3.client(
        "s3",
        endpoint_url=endpoint_url,
        region_name=EMULATOR_REGION,
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
    )
    with contextlib.suppress(s3.exceptions.BucketAlreadyOwnedByYou):
        s3.create_bucket(
            Bucket=STATE_BUCKET,
            CreateBucketConfiguration={"LocationConstraint": EMULATOR_REGION},
        )
    s3.put_bucket_versioning(Bucket=STATE_BUCKET, VersioningConfiguration={"Status": "Enabled"})
