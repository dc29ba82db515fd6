"""Forwarding to the workload's local address over pooled keep-alive HTTP/1.1 connections.

HTTP proxy integrations pass the whole request and response through (developer guide, "Create HTTP
proxy integrations for HTTP APIs"). Hop-by-hop headers (RFC 9110 section 7.6.1) are not forwarded.
API Gateway adds ``X-Forwarded-For`` (the client's address appended), ``X-Forwarded-Proto``,
``X-Forwarded-Port``, ``Forwarded`` and ``X-Amzn-Trace-Id`` (reserved headers in "Transform API requests",
observed on HTTP proxy integrations; their exact values are not documented). The Host header a Cloud
Map private integration sends is not documented either: the emulator sends the instance's ``ip:port``.
"""

from __future__ import annotations

import http.client
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass

HOP_BY_HOP = frozenset({
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "te",
    "trailer", "trailers", "transfer-encoding", "upgrade", "host", "content-length",
})
_CHUNK = 64 * 1024
_IDLE_PER_ADDRESS = 32


class BackendUnreachable(Exception):
    """Connection refused or reset before a response arrived."""


class BackendTimeout(Exception):
    """No (complete) response head within the integration timeout."""


@dataclass
class BackendResponse:
    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: Iterator[bytes]
    length: int | None


class ConnectionPool:
    """Idle keep-alive connections per (host, port); threads take one, use it, give it back."""

    def __init__(self) -> None:
        self._idle: dict[tuple[str, int], list[http.client.HTTPConnection]] = {}
        self._lock = threading.Lock()

    def _take(self, address: tuple[str, int], timeout: float) -> tuple[http.client.HTTPConnection, bool]:
        with self._lock:
            idle = self._idle.get(address)
            if idle:
                connection = idle.pop()
                connection.timeout = timeout
                if connection.sock is not None:
                    connection.sock.settimeout(timeout)
                return connection, True
        return http.client.HTTPConnection(address[0], address[1], timeout=timeout), False

    def _give_back(self, address: tuple[str, int], connection: http.client.HTTPConnection) -> None:
        with self._lock:
            idle = self._idle.setdefault(address, [])
            if len(idle) < _IDLE_PER_ADDRESS:
                idle.append(connection)
                return
        connection.close()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, {}
        for connections in idle.values():
            for connection in connections:
                connection.close()

    def send(self, address: tuple[str, int], method: str, target: str, headers: list[tuple[str, str]],
             body: bytes, timeout: float) -> BackendResponse:
        """Send one request; a reused connection the server has closed meanwhile is retried once, fresh."""
        for attempt in range(2):
            connection, reused = self._take(address, timeout)
            try:
                if connection.sock is None:
                    connection.connect()  # then no Nagle delay on a body sent after the head
                    sock: socket.socket = connection.sock  # type: ignore[assignment]
                    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                connection.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
                for name, value in headers:
                    connection.putheader(name, value)
                if body or method not in ("GET", "HEAD", "DELETE", "OPTIONS"):
                    connection.putheader("Content-Length", str(len(body)))
                connection.endheaders(body or None)
                response = connection.getresponse()
            except TimeoutError as error:
                connection.close()
                raise BackendTimeout(str(error)) from error
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as error:
                connection.close()
                if reused and attempt == 0:
                    continue
                raise BackendUnreachable(f"{type(error).__name__}: {error}") from error
            except OSError as error:
                connection.close()
                raise BackendUnreachable(f"{type(error).__name__}: {error}") from error
            return self._stream(address, connection, response, method)
        raise BackendUnreachable("connection closed twice")  # pragma: no cover - the loop returns or raises

    def _stream(self, address: tuple[str, int], connection: http.client.HTTPConnection,
                response: http.client.HTTPResponse, method: str) -> BackendResponse:
        headers = [(k, v) for k, v in response.getheaders() if k.lower() not in HOP_BY_HOP]
        length = response.length if method != "HEAD" else 0
        if response.getheader("content-length") is not None:
            headers.append(("Content-Length", str(response.getheader("content-length"))))

        def body() -> Iterator[bytes]:
            done = False
            try:
                while True:
                    chunk = response.read(_CHUNK)
                    if not chunk:
                        break
                    yield chunk
                done = True
            finally:
                if done and not response.will_close:
                    self._give_back(address, connection)
                else:
                    connection.close()

        return BackendResponse(response.status, response.reason, headers, body(), length)
