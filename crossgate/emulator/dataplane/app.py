"""WSGI dispatch: execute-api traffic and crossgate's control calls here, the rest to moto.

An API is addressed either by path, ``/_crossgate/execute-api/<api-id>/<path>`` (the URL crossgate prints:
``http://127.0.0.1:<port>/_crossgate/execute-api/<api-id>``), or by host, ``<api-id>.execute-api.localhost``
or ``<api-id>.execute-api.<region>.amazonaws.com`` with the path as is. ``/_crossgate/workloads/...`` and
``/_crossgate/oidc/...`` go to the workloads and authorizers subsystems.
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
import sys
from collections.abc import Callable, Iterable
from typing import Any, TextIO

from crossgate.emulator.authorizers import Authorizers
from crossgate.emulator.control import ControlResponse
from crossgate.emulator.dataplane.gateway import MAX_PAYLOAD, Gateway, IncomingRequest
from crossgate.emulator.workloads import Workloads
from crossgate.emulator.wsgi import WsgiApp, read_request_body

EXECUTE_API_PREFIX = "/_crossgate/execute-api/"
_WORKLOADS_PREFIX = "/_crossgate/workloads"
_OIDC_PREFIX = "/_crossgate/oidc"
_API_HOST = re.compile(r"^([a-z0-9]+)\.execute-api\.(?:localhost|[a-z0-9-]+\.amazonaws\.com)(?::\d+)?$")
_REASONS = {200: "OK", 201: "Created", 204: "No Content", 400: "Bad Request", 401: "Unauthorized",
            403: "Forbidden", 404: "Not Found", 413: "Request Entity Too Large", 429: "Too Many Requests",
            500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}


def _status_line(status: int) -> str:
    from http import HTTPStatus

    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = _REASONS.get(status, "Unknown")
    return f"{status} {reason}"


def _request_headers(environ: dict[str, Any]) -> list[tuple[str, str]]:
    headers = []
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            headers.append((key[5:].replace("_", "-").title(), str(value)))
    if environ.get("CONTENT_TYPE"):
        headers.append(("Content-Type", str(environ["CONTENT_TYPE"])))
    return headers


def _read_body(environ: dict[str, Any], limit: int) -> tuple[bytes, bool]:
    """The request body, or (b"", True) when it is above ``limit`` (not read further)."""
    body, too_large = read_request_body(environ, limit)
    return body or b"", too_large


class DataPlane:
    """Serves gateway traffic from moto's current state; passes control-plane calls to moto."""

    def __init__(self, moto_app: WsgiApp, workloads: Workloads, authorizers: Authorizers,
                 log: TextIO | None = None) -> None:
        self.moto_app = moto_app
        self.workloads = workloads
        self.authorizers = authorizers
        self.gateway = Gateway(workloads, authorizers, log or sys.stderr)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path: str = environ.get("PATH_INFO") or "/"
        if path.startswith("/_crossgate/"):
            if path.startswith(EXECUTE_API_PREFIX):
                api_id, _, rest = path[len(EXECUTE_API_PREFIX):].partition("/")
                return self._gateway(environ, start_response, api_id, "/" + rest)
            if path == _WORKLOADS_PREFIX or path.startswith(_WORKLOADS_PREFIX + "/"):
                return self._control(self.workloads.control, environ, start_response, path)
            if path == _OIDC_PREFIX or path.startswith(_OIDC_PREFIX + "/"):
                return self._control(self.authorizers.control, environ, start_response, path)
        host = str(environ.get("HTTP_HOST") or "").lower()
        matched = _API_HOST.match(host) if ".execute-api." in host else None
        if matched is not None:
            return self._gateway(environ, start_response, matched.group(1), path)
        return self.moto_app(environ, start_response)

    def _gateway(self, environ: dict[str, Any], start_response: Callable[..., Any], api_id: str,
                 raw_path: str) -> Iterable[bytes]:
        # PATH_INFO is latin-1-decoded by the WSGI server; RAW_URI/REQUEST_URI keep the client's encoding.
        raw_uri = str(environ.get("RAW_URI") or environ.get("REQUEST_URI") or "")
        wire_path = raw_uri.split("?", 1)[0]
        if raw_uri:
            raw_path = _raw_path(wire_path, api_id, raw_path)
        body, too_large = _read_body(environ, MAX_PAYLOAD)
        host = str(environ.get("HTTP_HOST") or environ.get("SERVER_NAME") or "")
        request = IncomingRequest(
            api_id=api_id, method=str(environ.get("REQUEST_METHOD") or "GET").upper(), raw_path=raw_path,
            query_string=str(environ.get("QUERY_STRING") or ""), headers=_request_headers(environ), body=body,
            source_ip=str(environ.get("REMOTE_ADDR") or "127.0.0.1"), host=host,
            protocol=str(environ.get("SERVER_PROTOCOL") or "HTTP/1.1"), wire_path=wire_path,
            scheme=str(environ.get("wsgi.url_scheme") or "http"), port=str(environ.get("SERVER_PORT") or "80"),
            body_too_large=too_large,
        )
        _no_delay(environ)
        response = self.gateway.handle(request)
        start_response(_status_line(response.status), response.headers)
        return response.body

    def _control(self, handler: Callable[[str, str, bytes], ControlResponse | None], environ: dict[str, Any],
                 start_response: Callable[..., Any], path: str) -> Iterable[bytes]:
        body, _ = _read_body(environ, MAX_PAYLOAD)
        method = str(environ.get("REQUEST_METHOD") or "GET").upper()
        query = str(environ.get("QUERY_STRING") or "")
        answer = handler(method, path + ("?" + query if query else ""), body)
        if answer is None:
            answer = ControlResponse(404, json.dumps({"message": f"no control call {method} {path}"}).encode())
        headers = [(k, v) for k, v in answer.headers.items() if k.lower() != "content-length"]
        headers.append(("content-length", str(len(answer.body))))
        start_response(_status_line(answer.status), headers)
        return [answer.body]


def _no_delay(environ: dict[str, Any]) -> None:
    """werkzeug writes the head and the body in two sends: without TCP_NODELAY, Nagle holds the body back until
    the client's delayed ACK (~40 ms per keep-alive response). ``werkzeug.socket`` is the client's socket."""
    sock = environ.get("werkzeug.socket")
    if sock is not None:
        with contextlib.suppress(OSError, AttributeError):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def _raw_path(raw: str, api_id: str, fallback: str) -> str:
    """The path as the client encoded it, without the ``/_crossgate/execute-api/<id>`` prefix."""
    if raw.startswith(("http://", "https://")):
        raw = "/" + raw.split("/", 3)[3] if raw.count("/") >= 3 else "/"
    prefix = EXECUTE_API_PREFIX + api_id
    if raw.startswith(prefix):
        rest = raw[len(prefix):]
        return rest if rest.startswith("/") else "/" + rest
    return raw if raw.startswith("/") and not fallback.startswith(EXECUTE_API_PREFIX) else fallback
