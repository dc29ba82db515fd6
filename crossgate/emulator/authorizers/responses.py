"""The client-visible answers API Gateway gives when authorization fails, spelled once.

Bodies and status codes follow AWS's API Gateway developer guide (HTTP APIs: "Troubleshooting issues with
HTTP API JWT authorizers", "Control access to HTTP APIs with AWS Lambda authorizers") and AWS's knowledge
center article "How do I troubleshoot HTTP 403 errors from API Gateway?" (x-amzn-errortype values).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crossgate.emulator.authorizers.decision import AuthDecision

UNAUTHORIZED: Mapping[str, Any] = {"message": "Unauthorized"}
FORBIDDEN: Mapping[str, Any] = {"message": "Forbidden"}
INTERNAL_ERROR: Mapping[str, Any] = {"message": "Internal Server Error"}


def one_line(diagnostic: str) -> str:
    """The diagnostic goes into the ``x-crossgate-hop`` header: one line, no control characters."""
    return " ".join(diagnostic.split())


def allow(kind: str, diagnostic: str, context: Mapping[str, Any] | None = None) -> AuthDecision:
    """The request goes on to the integration."""
    return AuthDecision(allowed=True, diagnostic=one_line(diagnostic), context=dict(context or {}), kind=kind)


def unauthorized(kind: str, diagnostic: str, headers: Mapping[str, str] | None = None) -> AuthDecision:
    """401 {"message":"Unauthorized"}: no or invalid credentials."""
    return AuthDecision(False, 401, UNAUTHORIZED, dict(headers or {}), one_line(diagnostic), kind=kind)


def forbidden(kind: str, diagnostic: str, headers: Mapping[str, str] | None = None) -> AuthDecision:
    """403 {"message":"Forbidden"}: valid credentials, access refused."""
    return AuthDecision(False, 403, FORBIDDEN, dict(headers or {}), one_line(diagnostic), kind=kind)


def internal_error(kind: str, diagnostic: str) -> AuthDecision:
    """500 {"message":"Internal Server Error"}: the authorizer itself failed (AWS: Lambda authorizer
    troubleshooting, "clients receive a 500 Internal Server Error")."""
    return AuthDecision(False, 500, INTERNAL_ERROR, {}, one_line(diagnostic), kind=kind)


def denied(kind: str, body: Mapping[str, Any], error_type: str, diagnostic: str) -> AuthDecision:
    """403 with an AWS error message body and its ``x-amzn-errortype`` header (IAM authorization)."""
    return AuthDecision(False, 403, dict(body), {"x-amzn-errortype": error_type}, one_line(diagnostic), kind=kind)
