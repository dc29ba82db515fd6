"""`crossgate smoke` against the real service (subprocess) and against broken targets (stub HTTP servers)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from crossgate.ops.smoke import STEP_NAMES, SmokeReport, render_table, run_smoke
from service.localrun import free_port, serve_local


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    content_type: str = "application/json"
    delay: float = 0.0


@dataclass
class Stub:
    """What the stub server saw, so tests can check what the smoke run actually sent."""

    base_url: str
    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)


Responder = Callable[[str, str, bytes], Reply]


@contextmanager
def stub_server(respond: Responder) -> Iterator[Stub]:
    """A throwaway HTTP server on 127.0.0.1 answering every request with respond(method, path, body)."""
    stub = Stub(base_url="")

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            stub.requests.append((self.command, self.path, dict(self.headers)))
            reply = respond(self.command, self.path, body)
            time.sleep(reply.delay)
            self.send_response(reply.status)
            self.send_header("content-type", reply.content_type)
            self.send_header("content-length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)

        do_GET = do_POST = do_PUT = do_DELETE = _answer

        def log_message(self, format: str, *args: object) -> None:  # keep pytest output clean
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    stub.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield stub
    finally:
        server.shutdown()
        server.server_close()


def _json(status: int, body: object) -> Reply:
    return Reply(status, json.dumps(body).encode())


def _step(report: SmokeReport, name: str) -> tuple[bool, str, int | None]:
    step = next(step for step in report.steps if step.name == name)
    return step.ok, step.detail, step.status


def _assert_rest_skipped(report: SmokeReport) -> None:
    for step in report.steps[1:]:
        assert not step.ok
        assert step.status is None
        assert step.detail.startswith("skipped:"), step.detail


@pytest.fixture(scope="module")
def service_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("smoke-service")
    with serve_local(tmp / "employees.db", tmp / "service.log") as svc:
        yield svc.base_url


def test_every_step_passes_against_the_real_service(service_url: str) -> None:
    report = run_smoke(service_url)
    assert [step.name for step in report.steps] == list(STEP_NAMES)
    assert report.ok, render_table(report)
    assert [step.status for step in report.steps] == [201, 200, 200, 200, 200, 404]
    assert all(step.elapsed_ms > 0 for step in report.steps)
    assert report.base_url == service_url


def test_runs_twice_and_tolerates_a_trailing_slash(service_url: str) -> None:
    assert run_smoke(service_url + "/").ok
    assert run_smoke(service_url).ok
    # each run cleans up after itself: nothing created by the smoke test is left behind
    assert httpx.get(f"{service_url}/employees").json() == []


def test_table_shows_every_step_as_pass(service_url: str) -> None:
    table = render_table(run_smoke(service_url))
    lines = table.splitlines()
    assert lines[0] == f"smoke test against {service_url}"
    for name in STEP_NAMES:
        assert any(name in line and "PASS" in line for line in lines)
    assert lines[-1] == "OK: 6/6 steps passed"
    assert "FAIL" not in table


def test_nothing_listening_fails_the_first_step_and_skips_the_rest() -> None:
    base_url = f"http://127.0.0.1:{free_port()}"
    report = run_smoke(base_url, timeout=2.0)
    assert not report.ok
    ok, detail, status = _step(report, "create")
    assert not ok and status is None
    assert "cannot connect" in detail and "refused" in detail.lower()
    _assert_rest_skipped(report)
    table = render_table(report)
    assert "FAIL" in table and table.count("SKIP") == 5
    assert table.splitlines()[-1] == "FAILED: 0/6 steps passed"


def test_invalid_url_is_a_failed_step_not_an_exception() -> None:
    report = run_smoke("not a url")
    assert not report.ok
    assert "request failed" in report.steps[0].detail


def test_server_error_is_reported_with_its_status_and_body() -> None:
    with stub_server(lambda *_: _json(500, {"message": "Internal Server Error"})) as stub:
        report = run_smoke(stub.base_url)
    ok, detail, status = _step(report, "create")
    assert (ok, status) == (False, 500)
    assert "expected HTTP 200 or 201, got 500" in detail and "Internal Server Error" in detail
    _assert_rest_skipped(report)
    assert len(stub.requests) == 1  # skipped steps send nothing


def test_non_json_body_is_a_clear_failure() -> None:
    with stub_server(lambda *_: Reply(200, b"<html>gateway says hi</html>", "text/html")) as stub:
        report = run_smoke(stub.base_url)
    ok, detail, status = _step(report, "create")
    assert (ok, status) == (False, 200)
    assert detail.startswith("response is not JSON") and "gateway says hi" in detail


def test_created_employee_without_an_integer_id_fails() -> None:
    with stub_server(lambda *_: _json(201, {"id": "abc", "firstName": "x"})) as stub:
        report = run_smoke(stub.base_url)
    assert "no integer 'id'" in report.steps[0].detail
    _assert_rest_skipped(report)


def test_slow_target_times_out() -> None:
    with stub_server(lambda *_: Reply(201, b"{}", delay=1.5)) as stub:
        report = run_smoke(stub.base_url, timeout=0.3)
    assert report.steps[0].detail.startswith("timed out")
    assert report.steps[0].elapsed_ms < 1400


class _ForgetfulBackend:
    """Behaves like the service except that DELETE answers {"deleted": true} and keeps the employee."""

    def __init__(self) -> None:
        self.employee: dict[str, object] = {}

    def __call__(self, method: str, path: str, body: bytes) -> Reply:
        if method == "POST" and path == "/api/employees":
            self.employee = {"id": 7, **json.loads(body)}
            return _json(201, self.employee)
        if method == "GET" and path == "/api/employees":
            return _json(200, [self.employee])
        if method == "GET" and path == "/api/employees/7":
            return _json(200, self.employee)
        if method == "PUT" and path == "/api/employees/7":
            self.employee = {"id": 7, **json.loads(body)}
            return _json(200, self.employee)
        if method == "DELETE" and path == "/api/employees/7":
            return _json(200, {"deleted": True})
        return _json(404, {"error": "not_found"})


def test_only_the_broken_step_fails_and_paths_keep_the_base_prefix() -> None:
    with stub_server(_ForgetfulBackend()) as stub:
        report = run_smoke(stub.base_url + "/api/")
    assert [step.ok for step in report.steps] == [True, True, True, True, True, False]
    _, detail, status = _step(report, "get after delete")
    assert status == 200 and "expected HTTP 404, got 200" in detail
    assert all(path.startswith("/api/employees") for _, path, _ in stub.requests)


def test_update_that_does_not_change_anything_fails() -> None:
    backend = _ForgetfulBackend()

    def ignore_updates(method: str, path: str, body: bytes) -> Reply:
        return _json(200, backend.employee) if method == "PUT" else backend(method, path, body)

    with stub_server(ignore_updates) as stub:
        report = run_smoke(stub.base_url + "/api")
    ok, detail, _ = _step(report, "update")
    assert not ok and "fields differ" in detail
    assert _step(report, "delete")[0]  # a failed update does not stop the cleanup


def test_delete_failure_skips_get_after_delete() -> None:
    backend = _ForgetfulBackend()

    def refuse_delete(method: str, path: str, body: bytes) -> Reply:
        return _json(403, {"message": "Forbidden"}) if method == "DELETE" else backend(method, path, body)

    with stub_server(refuse_delete) as stub:
        report = run_smoke(stub.base_url + "/api")
    assert _step(report, "delete")[2] == 403
    ok, detail, status = _step(report, "get after delete")
    assert not ok and status is None and detail == "skipped: the delete step failed"


def test_a_given_client_is_used_and_left_open() -> None:
    with stub_server(_ForgetfulBackend()) as stub, httpx.Client(headers={"authorization": "Bearer t0k"}) as client:
        run_smoke(stub.base_url + "/api", client=client)
        assert not client.is_closed
    assert stub.requests and all(headers.get("authorization") == "Bearer t0k" for *_, headers in stub.requests)


@pytest.mark.parametrize(("route", "request_line"), [
    ("ANY /employees", ("GET", "/employees")),
    ("POST /payroll/runs", ("POST", "/payroll/runs")),
    ("GET /payroll/runs/{id}", ("GET", "/payroll/runs/crossgate-probe")),
    ("ANY /employees/{proxy+}", ("GET", "/employees/crossgate-probe")),
])
def test_a_probe_request_matches_its_route(route: str, request_line: tuple[str, str]) -> None:
    from crossgate.ops.probe import probe_path

    assert probe_path(route) == request_line
