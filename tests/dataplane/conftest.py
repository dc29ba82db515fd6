"""Fixtures for the data-plane tests.

In-process tests (most of them): moto's backends live in the test process (``mock_aws``), the
control plane is built with boto3 (:mod:`tests.dataplane.world`), and :class:`DataPlane` is called
through werkzeug's test client with a dict-backed Workloads double pointing the provider's target at a
local HTTP server. ``test_child.py`` goes through a real emulator child process instead.
"""

from __future__ import annotations

import io
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import boto3
import pytest
from moto import mock_aws
from werkzeug.test import Client

from crossgate.emulator.authorizers import AuthDecision, AuthRequest
from crossgate.emulator.control import ControlResponse
from crossgate.emulator.dataplane import DataPlane
from crossgate.emulator.workloads import LocalAddress, TargetHealth
from tests.dataplane.world import PROVIDER, REGION, World, build


class EchoHandler(BaseHTTPRequestHandler):
    """Answers every request with JSON: method, path (with query) and headers it received."""

    protocol_version = "HTTP/1.1"
    wbufsize = 64 * 1024  # one write per response (unbuffered writes meet delayed ACKs: +40 ms)

    def _answer(self) -> None:
        if self.path.startswith("/slow"):
            time.sleep(1.0)
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        payload = json.dumps({"method": self.command, "path": self.path, "headers": dict(self.headers.items()),
                              "body": body.decode("latin-1")}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(payload)))
        self.send_header("x-backend", "echo")
        self.end_headers()
        self.wfile.write(payload)
        self.wfile.flush()

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _answer

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def echo_server() -> Iterator[tuple[str, int]]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), EchoHandler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield "127.0.0.1", server.server_address[1]
    server.shutdown()


@dataclass
class FakeWorkloads:
    """The Workloads interface, dict-backed: target (account, region, ip, port) -> local address / health."""

    addresses: dict[tuple[str, str, str, int], LocalAddress] = field(default_factory=dict)
    health: dict[tuple[str, int], str] = field(default_factory=dict)

    def local_address(self, account_id: str, region: str, ip: str, port: int) -> LocalAddress | None:
        return self.addresses.get((account_id, region, ip, port))

    def target_health(self, account_id: str, region: str, target_group_arn: str, ip: str, port: int) -> TargetHealth:
        return TargetHealth(self.health.get((ip, port), "healthy"))

    def control(self, method: str, path: str, body: bytes) -> ControlResponse | None:
        return ControlResponse(200, b'{"workloads":true}') if path.endswith("/ping") else None


@dataclass
class FakeAuthorizers:
    """Allows routes with authorization NONE; ``deny`` makes every request fail like a JWT 401."""

    deny: AuthDecision | None = None
    seen: list[AuthRequest] = field(default_factory=list)

    def authorize(self, request: AuthRequest) -> AuthDecision:
        self.seen.append(request)
        return self.deny or AuthDecision(allowed=True, diagnostic="route authorization NONE")

    def control(self, method: str, path: str, body: bytes) -> ControlResponse | None:
        return None


def _moto_app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    start_response("418 I'm a teapot", [("content-type", "text/plain")])
    return [b"moto"]


@dataclass
class Setup:
    """Everything a data-plane test touches."""

    world: World
    client: Any
    http: Client
    workloads: FakeWorkloads
    authorizers: FakeAuthorizers
    log: io.StringIO

    def aws(self, account_id: str, service: str) -> Any:
        return self.client(account_id, service)

    def get(self, path: str, method: str = "GET", **kwargs: Any) -> Any:
        """A request to the API by the emulator's URL (buffered: the body is read and closed, as a server does)."""
        return self.raw(f"/_crossgate/execute-api/{self.world.api_id}{path}", method=method, **kwargs)

    def raw(self, url: str, method: str = "GET", **kwargs: Any) -> Any:
        return self.http.open(url, method=method, buffered=True, **kwargs)


@pytest.fixture(scope="session")
def boto_session() -> boto3.Session:
    """One botocore session for all tests: its loader parses each service model once (seconds saved)."""
    return boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION)


def account_clients(session: boto3.Session) -> Any:
    """``make(account, service)``: a client acting in that account (STS assume-role, as the emulator tests do)."""
    credentials: dict[str, dict[str, str]] = {}
    clients: dict[tuple[str, str], Any] = {}

    def make(account_id: str, service: str) -> Any:
        if account_id not in credentials:
            sts = session.client("sts")
            credentials[account_id] = sts.assume_role(RoleArn=f"arn:aws:iam::{account_id}:role/crossgate",
                                                      RoleSessionName="tests")["Credentials"]
        if (account_id, service) not in clients:
            creds = credentials[account_id]
            clients[(account_id, service)] = session.client(
                service, aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                aws_session_token=creds["SessionToken"])
        return clients[(account_id, service)]

    return make


@pytest.fixture
def setup(echo_server: tuple[str, int], boto_session: boto3.Session,
          monkeypatch: pytest.MonkeyPatch) -> Iterator[Setup]:
    from crossgate.emulator.patches import apply_all

    apply_all()
    # Each EC2 backend would load ~1,300 default AMIs with snapshots (seconds per account); none are used here.
    monkeypatch.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
    with mock_aws():
        client = account_clients(boto_session)
        world = build(client)
        workloads = FakeWorkloads({(PROVIDER, REGION, "10.1.1.50", 8080): LocalAddress(*echo_server)})
        authorizers = FakeAuthorizers()
        log = io.StringIO()
        plane = DataPlane(_moto_app, workloads, authorizers, log=log)  # type: ignore[arg-type]
        yield Setup(world, client, Client(plane), workloads, authorizers, log)
        plane.gateway.pool.close()
