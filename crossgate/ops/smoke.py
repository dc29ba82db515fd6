"""`crossgate smoke`: the seed's scenario (create, list, get, update, delete, get-after-delete) against a URL.

Every step is recorded, none raises: a refused connection, a timeout, a non-JSON body or a wrong status
is a failed step with a readable detail, and steps that need the created id are skipped with a reason.
"""

from __future__ import annotations

import builtins
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from crossgate.emulator.settings import HOP_HEADER

STEP_NAMES = ("create", "list", "get", "update", "delete", "get after delete")
_BODY_SNIPPET = 120


@dataclass(frozen=True)
class StepResult:
    """One HTTP step: whether it passed, why, the status seen (None if no response) and its duration."""

    name: str
    ok: bool
    detail: str
    status: int | None
    elapsed_ms: float


@dataclass(frozen=True)
class SmokeReport:
    """All steps against one base URL, in order."""

    base_url: str
    steps: list[StepResult]

    @property
    def ok(self) -> bool:
        return bool(self.steps) and all(step.ok for step in self.steps)


class _StepFailed(Exception):
    """Internal: a check failed; carries the detail and the status seen so far."""

    def __init__(self, detail: str, status: int | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.status = status


def _snippet(response: httpx.Response) -> str:
    text = " ".join(response.text.split())
    return text if len(text) <= _BODY_SNIPPET else text[:_BODY_SNIPPET] + "..."


def _request(client: httpx.Client, method: str, url: str, json_body: Any = None) -> httpx.Response:
    try:
        return client.request(method, url, json=json_body)
    except httpx.TimeoutException as exc:
        raise _StepFailed(f"timed out: {type(exc).__name__} {exc}".strip()) from exc
    except httpx.ConnectError as exc:
        raise _StepFailed(f"cannot connect to {url}: {exc}") from exc
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        raise _StepFailed(f"request failed: {type(exc).__name__}: {exc}") from exc


def _expect_status(response: httpx.Response, *expected: int) -> None:
    if response.status_code not in expected:
        wanted = " or ".join(str(code) for code in expected)
        hop = response.headers.get(HOP_HEADER)  # the emulator names the hop that refused
        raise _StepFailed(
            f"expected HTTP {wanted}, got {response.status_code}: {_snippet(response)}"
            + (f" [hop {hop}]" if hop else ""), response.status_code
        )


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError as exc:  # json.JSONDecodeError and UnicodeDecodeError are both ValueErrors
        raise _StepFailed(f"response is not JSON: {_snippet(response)!r}", response.status_code) from exc


def _expect_employee(body: Any, want: dict[str, str], status: int, employee_id: int | None = None) -> int:
    """Check the seed's employee shape and the field values; return the id."""
    if not isinstance(body, dict):
        raise _StepFailed(f"expected an employee object, got {type(body).__name__}", status)
    got_id = body.get("id")
    if not isinstance(got_id, int) or isinstance(got_id, bool):
        raise _StepFailed(f"employee has no integer 'id': {body!r}", status)
    if employee_id is not None and got_id != employee_id:
        raise _StepFailed(f"expected employee id {employee_id}, got {got_id}", status)
    wrong = {key: body.get(key) for key, value in want.items() if body.get(key) != value}
    if wrong:
        raise _StepFailed(f"fields differ from what was sent: got {wrong}, sent {want}", status)
    return got_id


def _payload(tag: str, version: str) -> dict[str, str]:
    """A recognisable, unique employee, so concurrent runs and leftovers never confuse each other."""
    return {
        "firstName": "Smoke",
        "lastName": f"Test-{tag}-{version}",
        "emailId": f"smoke-{tag}-{version}@example.com",
    }


class _Scenario:
    """The seed's steps, sharing the created id; one instance per run (no module state)."""

    def __init__(self, client: httpx.Client, base_url: str) -> None:
        self.client = client
        self.root = base_url.rstrip("/")
        tag = uuid.uuid4().hex[:8]
        self.created = _payload(tag, "v1")
        self.updated = _payload(tag, "v2")
        self.employee_id: int | None = None
        self.deleted = False

    def _url(self, path: str) -> str:
        return f"{self.root}{path}"

    def _require_id(self) -> int:
        """The created id, or a skip before any request: these steps mean nothing without it."""
        if self.employee_id is None:
            raise _StepFailed("skipped: no employee id (the create step failed)")
        return self.employee_id

    def _item_url(self) -> str:
        return self._url(f"/employees/{self._require_id()}")

    def create(self) -> tuple[str, int]:
        response = _request(self.client, "POST", self._url("/employees"), self.created)
        _expect_status(response, 200, 201)  # 201 here, 200 from the Spring Boot seed
        self.employee_id = _expect_employee(_json(response), self.created, response.status_code)
        return f"created employee id {self.employee_id}", response.status_code

    def list(self) -> tuple[str, int]:
        employee_id = self._require_id()
        response = _request(self.client, "GET", self._url("/employees"))
        _expect_status(response, 200)
        body = _json(response)
        if not isinstance(body, list):
            raise _StepFailed(f"expected a JSON list, got {type(body).__name__}", response.status_code)
        if not any(isinstance(item, dict) and item.get("id") == employee_id for item in body):
            raise _StepFailed(f"employee id {employee_id} missing from the list of {len(body)}", response.status_code)
        return f"{len(body)} employees, id {employee_id} among them", response.status_code

    def get(self) -> tuple[str, int]:
        response = _request(self.client, "GET", self._item_url())
        _expect_status(response, 200)
        _expect_employee(_json(response), self.created, response.status_code, self.employee_id)
        return f"employee id {self.employee_id} matches what was created", response.status_code

    def update(self) -> tuple[str, int]:
        response = _request(self.client, "PUT", self._item_url(), self.updated)
        _expect_status(response, 200)
        _expect_employee(_json(response), self.updated, response.status_code, self.employee_id)
        return f"employee id {self.employee_id} updated", response.status_code

    def delete(self) -> tuple[str, int]:
        response = _request(self.client, "DELETE", self._item_url())
        _expect_status(response, 200)
        body = _json(response)
        if body != {"deleted": True}:
            raise _StepFailed(f'expected {{"deleted": true}}, got {body!r}', response.status_code)
        self.deleted = True
        return f"employee id {self.employee_id} deleted", response.status_code

    def get_after_delete(self) -> tuple[str, int]:
        url = self._item_url()
        if not self.deleted:
            raise _StepFailed("skipped: the delete step failed")
        response = _request(self.client, "GET", url)
        _expect_status(response, 404)
        return f"employee id {self.employee_id} is gone (404)", response.status_code

    def steps(self) -> builtins.list[tuple[str, Callable[[], tuple[str, int]]]]:
        actions = (self.create, self.list, self.get, self.update, self.delete, self.get_after_delete)
        return list(zip(STEP_NAMES, actions, strict=True))


def _run_step(name: str, action: Callable[[], tuple[str, int]]) -> StepResult:
    started = time.perf_counter()
    try:
        detail, status = action()
    except _StepFailed as failure:
        return StepResult(name, False, failure.detail, failure.status, _ms_since(started))
    return StepResult(name, True, detail, status, _ms_since(started))


def _ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


def run_smoke(base_url: str, *, timeout: float = 10.0, client: httpx.Client | None = None) -> SmokeReport:
    """Run every step against base_url (e.g. the HTTP API's stage URL). A given client is used as is
    (its timeout, headers and auth apply) and left open; otherwise one is created with `timeout`."""
    own_client = client is None
    http = httpx.Client(timeout=timeout) if client is None else client
    try:
        scenario = _Scenario(http, base_url)
        steps = [_run_step(name, action) for name, action in scenario.steps()]
    finally:
        if own_client:
            http.close()
    return SmokeReport(base_url=base_url, steps=steps)


def _outcome(step: StepResult) -> str:
    if step.ok:
        return "PASS"
    return "SKIP" if step.detail.startswith("skipped:") else "FAIL"


def render_table(report: SmokeReport) -> str:
    """A plain-text pass/fail table (no colour codes, so it reads the same in a terminal, a log or CI)."""
    header = ("#", "step", "result", "status", "ms", "detail")
    rows = [
        (
            str(index),
            step.name,
            _outcome(step),
            "-" if step.status is None else str(step.status),
            f"{step.elapsed_ms:.1f}",
            step.detail,
        )
        for index, step in enumerate(report.steps, start=1)
    ]
    widths = [max(len(row[col]) for row in [header, *rows]) for col in range(len(header) - 1)]

    def line(cells: tuple[str, ...]) -> str:
        fixed = "  ".join(cell.ljust(width) for cell, width in zip(cells[:-1], widths, strict=True))
        return f"{fixed}  {cells[-1]}".rstrip()

    passed = sum(step.ok for step in report.steps)
    verdict = "OK" if report.ok else "FAILED"
    return "\n".join(
        [
            f"smoke test against {report.base_url}",
            line(header),
            line(tuple("-" * len(cell) for cell in header)),
            *(line(row) for row in rows),
            f"{verdict}: {passed}/{len(report.steps)} steps passed",
        ]
    )
