"""The WSGI pieces the emulator's layers share: the app type and the one way a request body is read."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def read_request_body(environ: dict[str, Any], limit: int | None = None) -> tuple[bytes | None, bool]:
    """(body, too_large): the whole body by Content-Length, else werkzeug's terminated (chunked) stream.

    body is None when the request frames no body a server can read to its end (no stream, neither
    Content-Length nor a terminated stream); (None, True) when it is above ``limit`` (not read further).
    """
    stream = environ.get("wsgi.input")
    if stream is None:
        return None, False
    length_text = str(environ.get("CONTENT_LENGTH") or "")
    if length_text.isdigit():
        length = int(length_text)
        if limit is not None and length > limit:
            return None, True
        return (stream.read(length) if length else b""), False
    if environ.get("wsgi.input_terminated"):  # chunked: werkzeug ends the stream at the last chunk
        body = stream.read() if limit is None else stream.read(limit + 1)
        return (None, True) if limit is not None and len(body) > limit else (body, False)
    return None, False
