"""The embedded AWS emulator: a patched moto server on 127.0.0.1 holding several accounts.

crossgate's default target. Each Terraform stack assumes a role in its own account through the
emulator's STS (moto issues keys owned by the account in the role ARN), so one emulator holds
the provider accounts and the central account at once. State lives in the emulator's own S3.

The server runs in a child process (``python -m crossgate.emulator --child``) so moto's global
backends never leak into the caller; the child listens on 127.0.0.1 only and exits when its
parent goes away (stdin EOF, plus PR_SET_PDEATHSIG on Linux).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import selectors
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from crossgate.emulator_state import STATE_FILE_NAME

STATE_BUCKET = "crossgate-tfstate"
"""S3 bucket (in the emulator, base account) holding every emulator env's Terraform state."""

EMULATOR_REGION = "us-west-1"
"""Region of the state bucket and the default for emulator envs; any region works for stacks."""

BASE_ACCOUNT_ID = "123456789012"
"""Account that owns the fake base credentials (moto's default); it holds only the state bucket."""

FAKE_ACCESS_KEY_ID = "AKIACROSSGATEEMULATOR"
FAKE_SECRET_ACCESS_KEY = "crossgate-emulator-secret"  # not a secret: moto accepts any key

HOST = "127.0.0.1"

# Endpoints of the aws provider pointed at the emulator: every service the modules use, plus
# the ones a small extension is likely to touch. Keys are the provider's canonical names.
PROVIDER_ENDPOINT_SERVICES: tuple[str, ...] = (
    "acm",
    "apigateway",
    "apigatewayv2",
    "autoscaling",
    "cloudwatch",
    "dynamodb",
    "ec2",
    "ecr",
    "ecs",
    "elbv2",
    "events",
    "iam",
    "kms",
    "lambda",
    "logs",
    "route53",
    "s3",
    "secretsmanager",
    "servicediscovery",
    "sns",
    "sqs",
    "ssm",
    "sts",
)

_CHILD_ENV = {
    # IAM managed policies (AmazonECSTaskExecutionRolePolicy, ...) must exist for attachments.
    "MOTO_IAM_LOAD_MANAGED_POLICIES": "true",
}


class EmulatorError(RuntimeError):
    """The emulator could not start (the message carries the tail of its log)."""


class Emulator:
    """Context manager running the patched moto server in a child process.

    ``state_dir`` keeps the server log (``emulator.log``); without it a temporary directory is
    used and removed on :meth:`stop`. moto keeps everything in memory: by default stopping the
    emulator forgets every resource and the Terraform state with it. With ``persist`` (which needs
    ``state_dir``) the child saves its state to ``state_dir/state.pickle`` when it stops and an
    emulator started on the same folder carries on from there (:mod:`crossgate.emulator_state`).
    """

    def __init__(self, port: int = 0, state_dir: Path | None = None, persist: bool = False) -> None:
        if not 0 <= port <= 65535:
            raise ValueError(f"port must be 0..65535, got {port}")
        if persist and state_dir is None:
            raise ValueError("persist needs a state_dir to keep the state in")
        self.port = port
        self.state_dir = state_dir
        self.persist = persist
        self.restored_services = 0
        self.endpoint_url = ""
        self._process: subprocess.Popen[bytes] | None = None
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._log_path: Path | None = None

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self, timeout: float = 20) -> str:
        """Start the server, wait until it answers, create the state bucket; return the URL."""
        if self.is_running():
            return self.endpoint_url
        log_dir = self._log_dir()
        self._log_path = log_dir / "emulator.log"
        command = [sys.executable, "-m", "crossgate.emulator", "--child", "--port", str(self.port)]
        if self.persist:
            command += ["--state-file", str(log_dir / STATE_FILE_NAME)]
        with self._log_path.open("ab") as log:
            self._process = subprocess.Popen(
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                env=_child_environment(),
                start_new_session=True,  # Ctrl-C reaches the parent only; it stops us cleanly
            )
        try:
            handshake = self._read_handshake(timeout)
            port, self.restored_services = int(handshake["port"]), int(handshake.get("restored", 0))
            self.endpoint_url = f"http://{HOST}:{port}"
            _create_state_bucket(self.endpoint_url)
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


# -- settings for the callers ----------------------------------------------------------------
def provider_settings(endpoint_url: str) -> dict[str, object]:
    """Extra arguments for a ``provider "aws"`` block (Terraform JSON) targeting the emulator.

    ``skip_requesting_account_id`` stays false so ARNs carry the assumed role's account.
    Real targets must never receive these settings.
    """
    return {
        "endpoints": [{service: endpoint_url for service in PROVIDER_ENDPOINT_SERVICES}],
        "s3_use_path_style": True,
        "skip_credentials_validation": True,
        "skip_metadata_api_check": True,
        "skip_region_validation": True,
        "skip_requesting_account_id": False,
    }


def backend_settings(endpoint_url: str) -> dict[str, object]:
    """Arguments for the S3 backend storing state in the emulator (the caller adds ``key``).

    ``use_lockfile`` relies on S3 conditional writes (``If-None-Match: *``), which moto honours.
    """
    return {
        "bucket": STATE_BUCKET,
        "region": EMULATOR_REGION,
        "use_lockfile": True,
        "endpoints": {"s3": endpoint_url, "sts": endpoint_url},
        "use_path_style": True,
        "skip_credentials_validation": True,
        "skip_metadata_api_check": True,
        "skip_region_validation": True,
        "skip_requesting_account_id": True,
    }


def terraform_environment(endpoint_url: str, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """Environment for terraform (and boto3) against the emulator: fake base credentials.

    Without ``base`` this returns only the variables to set. With ``base`` (e.g. ``os.environ``)
    it returns a complete environment in which every inherited ``AWS_*`` variable (profiles,
    session tokens, real endpoints) is dropped first, so nothing real leaks into an emulator run.
    """
    overrides = {
        "AWS_ACCESS_KEY_ID": FAKE_ACCESS_KEY_ID,
        "AWS_SECRET_ACCESS_KEY": FAKE_SECRET_ACCESS_KEY,
        "AWS_REGION": EMULATOR_REGION,
        "AWS_DEFAULT_REGION": EMULATOR_REGION,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    }
    if base is None:
        return overrides
    kept = {k: v for k, v in base.items() if not k.startswith("AWS_")}
    return {**kept, **overrides}


def assume_role_arn(account_id: str, role_name: str = "crossgate") -> str:
    """Role to assume in an emulated account; moto's STS needs no such role to exist."""
    if not (len(account_id) == 12 and account_id.isdigit()):
        raise ValueError(f"account id must be 12 digits, got {account_id!r}")
    return f"arn:aws:iam::{account_id}:role/{role_name}"


def serve_foreground(port: int = 0, state_dir: Path | None = None) -> int:
    """Run the emulator until Ctrl-C (``crossgate emulator``); print the URL and how to use it.

    With ``state_dir`` the state is kept there across restarts (saved on Ctrl-C, restored on start).
    """
    # "Ctrl-C stops it", even when started from a script whose background jobs ignore SIGINT (POSIX shells
    # start `cmd &` so); SIGTERM (a service manager's stop) takes the same clean path.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
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


# -- child process ---------------------------------------------------------------------------
def _child_environment() -> dict[str, str]:
    env = {**os.environ, **_CHILD_ENV}
    package_root = str(Path(__file__).resolve().parent.parent)
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
            CreateBucketConfiguration={"LocationConstraint": EMULATOR_REGION},  # type: ignore[typeddict-item]
        )
    s3.put_bucket_versioning(Bucket=STATE_BUCKET, VersioningConfiguration={"Status": "Enabled"})


def _die_with_parent() -> None:
    """Ask Linux to SIGTERM us when the parent dies (best effort; stdin EOF covers the rest)."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM)


def _run_child(port: int, state_file: Path | None = None) -> int:
    """Child entry point: patch moto, restore saved state, bind 127.0.0.1, hand the port over, serve, save."""
    for key, value in _CHILD_ENV.items():
        os.environ.setdefault(key, value)
    _die_with_parent()

    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server

    from crossgate import emulator_state
    from crossgate.emulator_patches import apply_all

    patches = apply_all()
    restored = emulator_state.restore(state_file) if state_file is not None and state_file.exists() else 0
    app = DomainDispatcherApplication(create_backend_app)
    server = make_server(HOST, port, app, threaded=True, request_handler=MotoRequestHandler)
    os.environ["MOTO_PORT"] = str(server.server_port)  # moto builds some URLs from it

    def shutdown(*_: object) -> None:
        threading.Thread(target=server.shutdown, daemon=True).start()

    def watch_stdin() -> None:
        with contextlib.suppress(OSError):
            while sys.stdin.buffer.read(4096):
                pass
        shutdown()

    signal.signal(signal.SIGTERM, shutdown)
    signal.signal(signal.SIGINT, shutdown)
    threading.Thread(target=watch_stdin, daemon=True).start()

    print(json.dumps({"port": server.server_port, "patches": list(patches), "restored": restored}), flush=True)
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # nobody reads stdout after the handshake
    server.serve_forever()
    if state_file is not None:
        try:
            size = emulator_state.save(state_file)
        except Exception as error:  # a stale file must not come back as current
            state_file.unlink(missing_ok=True)
            print(f"crossgate emulator: could not save the state ({error!r}); removed {state_file}", file=sys.stderr)
            return 1
        print(f"crossgate emulator: saved the state to {state_file} ({size} bytes)", file=sys.stderr)
    return 0


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
    args = parser.parse_args(argv)
    if args.child:
        return _run_child(args.port, args.state_file)
    return serve_foreground(args.port, args.state_dir)


if __name__ == "__main__":
    sys.exit(main())
