"""The HTTP API: routes, uniform error bodies and request logging, built by a factory (no module state)."""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from service.models import Deleted, Employee, EmployeeIn, ErrorBody, FieldError
from service.store import EmployeeStore

log = logging.getLogger("service.http")

_ERROR_RESPONSES: dict[int | str, dict[str, object]] = {
    404: {"model": ErrorBody, "description": "No employee with this id"},
    400: {"model": ErrorBody, "description": "Body is not valid JSON"},
    422: {"model": ErrorBody, "description": "Field errors"},
}


class EmployeeNotFoundError(Exception):
    def __init__(self, employee_id: int) -> None:
        super().__init__(f"Employee not found with id {employee_id}")
        self.employee_id = employee_id


def _error(status_code: int, error: str, message: str, fields: list[FieldError] | None = None) -> JSONResponse:
    body = ErrorBody(error=error, message=message, field_errors=fields or [])
    return JSONResponse(status_code=status_code, content=body.model_dump(by_alias=True))


def _field_name(loc: tuple[int | str, ...]) -> str:
    """("body", "emailId") -> "emailId"; ("path", "employee_id") -> "employee_id"; ("body",) -> "body"."""
    parts = [str(part) for part in loc[1:]] if len(loc) > 1 else [str(part) for part in loc]
    return ".".join(parts)


async def _on_validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    if any(err.get("type") == "json_invalid" for err in errors):
        return _error(status.HTTP_400_BAD_REQUEST, "bad_request", "Request body is not valid JSON")
    fields = [FieldError(field=_field_name(tuple(err["loc"])), message=err["msg"]) for err in errors]
    return _error(status.HTTP_422_UNPROCESSABLE_CONTENT, "validation_failed", "Invalid request", fields)


async def _on_not_found(_: Request, exc: Exception) -> JSONResponse:
    return _error(status.HTTP_404_NOT_FOUND, "not_found", str(exc))


async def _on_http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    error = "not_found" if exc.status_code == 404 else "http_error"
    response = _error(exc.status_code, error, str(exc.detail))
    if exc.headers:
        response.headers.update(exc.headers)
    return response


def create_app(store: EmployeeStore) -> FastAPI:
    """Build the app around a store; the caller decides where the database lives and initializes it."""
    app = FastAPI(title="Employee service", version="1.0.0", summary="crossgate demo workload")
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(EmployeeNotFoundError, _on_not_found)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)

    @app.middleware("http")
    async def log_requests(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        started = time.perf_counter()
        response = await call_next(request)
        log.info(
            "request",
            extra={
                "method": request.method,
                "path": request.url.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                "client": request.client.host if request.client else None,
            },
        )
        return response

    @app.get("/health", tags=["ops"])
    def health() -> JSONResponse:
        """For the NLB target group: 200 only while the database answers."""
        try:
            store.ping()
        except sqlite3.Error as exc:
            log.error("health check failed", extra={"error": str(exc)})
            return JSONResponse(status_code=503, content={"status": "unavailable"})
        return JSONResponse(status_code=200, content={"status": "ok"})

    @app.get("/employees", tags=["employees"])
    def list_employees() -> list[Employee]:
        return store.list_all()

    @app.get("/employees/{employee_id}", tags=["employees"], responses=_ERROR_RESPONSES)
    def get_employee(employee_id: int) -> Employee:
        employee = store.get(employee_id)
        if employee is None:
            raise EmployeeNotFoundError(employee_id)
        return employee

    @app.post("/employees", status_code=status.HTTP_201_CREATED, tags=["employees"], responses=_ERROR_RESPONSES)
    def create_employee(data: EmployeeIn, response: Response) -> Employee:
        employee = store.create(data)
        response.headers["Location"] = f"/employees/{employee.id}"
        log.info("employee created", extra={"employee_id": employee.id})
        return employee

    @app.put("/employees/{employee_id}", tags=["employees"], responses=_ERROR_RESPONSES)
    def update_employee(employee_id: int, data: EmployeeIn) -> Employee:
        employee = store.update(employee_id, data)
        if employee is None:
            raise EmployeeNotFoundError(employee_id)
        return employee

    @app.delete("/employees/{employee_id}", tags=["employees"], responses=_ERROR_RESPONSES)
    def delete_employee(employee_id: int) -> Deleted:
        if not store.delete(employee_id):
            raise EmployeeNotFoundError(employee_id)
        log.info("employee deleted", extra={"employee_id": employee_id})
        return Deleted()

    return app
