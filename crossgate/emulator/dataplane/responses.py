"""What the gateway answers: AWS's error bodies, the request id header and the emulator's diagnostic header.

Every data-plane response carries ``x-crossgate-hop: <hop>; <why>`` (the emulator's own; AWS sends no such
header) so a user sees at once which hop answered and why.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field

# HTTP APIs answer every response with an ``apigw-requestid`` header (a short base64 id, e.g.
# ``JbV3yhkdIAMEcAA=``); $context.requestId holds the same value. The header name is what HTTP APIs send
# (observed; the developer guide lists it nowhere), REST APIs send x-amzn-RequestId instead.
REQUEST_ID_HEADER = "apigw-requestid"

# Bodies of the gateway's own errors as HTTP APIs send them ({"message": "..."}), developer guide
# "Routing API requests" (Not Found), "Throttling requests to your HTTP API" (Too Many Requests),
# "Troubleshooting issues with HTTP API private integrations" (Internal Server Error / Service Unavailable).
MESSAGES = {
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    # Payload above 10 MB (quota "Payload size": 10 MB). The exact body of this 413 is not documented for
    # HTTP APIs; "Request Entity Too Large" is the reason phrase, used as message.
    413: "Request Entity Too Large",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


def new_request_id() -> str:
    """A fresh id shaped like AWS's (11 random bytes, base64: 16 characters ending in ``=``)."""
    return base64.b64encode(os.urandom(11)).decode("ascii")


class HopFailure(Exception):
    """A hop that would fail in AWS: the status AWS answers with and the emulator's explanation."""

    def __init__(self, status: int, hop: str, why: str, integration_error: str = "") -> None:
        super().__init__(f"{hop}; {why}")
        self.status = status
        self.hop = hop
        self.why = why
        self.integration_error = integration_error


@dataclass
class GatewayResponse:
    """One response on its way to the client (body may be a stream from the workload)."""

    status: int
    headers: list[tuple[str, str]]
    body: Iterable[bytes]
    hop: str
    why: str
    length: int | None = None
    integration_status: int | None = None
    integration_error: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def diagnostic(self) -> str:
        return f"{self.hop}; {self.why}"


def error_response(status: int, hop: str, why: str, integration_error: str = "",
                   headers: Iterable[tuple[str, str]] = (), message: str | None = None) -> GatewayResponse:
    """The gateway's own error: ``{"message": "..."}`` with AWS's wording for that status."""
    body = json.dumps({"message": message or MESSAGES.get(status, "Internal Server Error")},
                      separators=(",", ":")).encode()
    all_headers = [("content-type", "application/json"), ("content-length", str(len(body))), *headers]
    return GatewayResponse(status, all_headers, [body], hop, why, length=len(body),
                           integration_error=integration_error)


def failure_response(failure: HopFailure) -> GatewayResponse:
    return error_response(failure.status, failure.hop, failure.why, failure.integration_error)


def header_safe(text: str) -> str:
    """A header value must stay on one line and in latin-1."""
    return text.replace("\r", " ").replace("\n", " ").encode("latin-1", "replace").decode("latin-1")
