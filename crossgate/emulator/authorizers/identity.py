"""Identity sources: where an authorizer finds the caller's credentials in a request.

AWS, "Control access to HTTP APIs with AWS Lambda authorizers", section "Identity sources": header values
(``$request.header.name``, case-insensitive), query string values (``$request.querystring.name``,
case-sensitive), context variables (``$context.variableName``) and stage variables
(``$stageVariables.variableName``). A missing (or empty) source means 401 without calling the authorizer.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import parse_qsl

from crossgate.emulator.authorizers.decision import AuthRequest

DEFAULT_JWT_IDENTITY_SOURCE = "$request.header.Authorization"
"""AWS API reference (Authorizer.identitySource): the JWT authorizer's default."""


def identity_sources(authorizer: object, default: str | None = None) -> list[str]:
    """The authorizer's identity source expressions (moto keeps a list, or a comma-separated string)."""
    raw = getattr(authorizer, "identity_source", None)
    if isinstance(raw, str):
        sources = [part.strip() for part in raw.split(",") if part.strip()]
    else:
        sources = [str(part).strip() for part in (raw or []) if str(part).strip()]
    if not sources and default:
        sources = [default]
    return sources


def resolve(request: AuthRequest, expression: str) -> str | None:
    """The value one identity source expression selects, or None when the request lacks it."""
    value = _select(request, expression.strip())
    return value if value else None


def resolve_all(request: AuthRequest, expressions: Sequence[str]) -> tuple[list[str], list[str]]:
    """(values found, expressions missing), in the authorizer's order."""
    values: list[str] = []
    missing: list[str] = []
    for expression in expressions:
        value = resolve(request, expression)
        if value is None:
            missing.append(expression)
        else:
            values.append(value)
    return values, missing


def _select(request: AuthRequest, expression: str) -> str | None:
    if expression.startswith("$request.header."):
        name = expression.removeprefix("$request.header.").lower()
        return request.headers.get(name)
    if expression.startswith("$request.querystring."):
        name = expression.removeprefix("$request.querystring.")
        found = [value for key, value in parse_qsl(request.query_string, keep_blank_values=True) if key == name]
        return ",".join(found) if found else None
    if expression.startswith("$stageVariables."):
        return request.stage_variables.get(expression.removeprefix("$stageVariables."))
    if expression.startswith("$context."):
        return _context_variable(request, expression.removeprefix("$context."))
    return None


def _context_variable(request: AuthRequest, name: str) -> str | None:
    """The few ``$context`` variables known before the authorizer runs (AWS: "Customizing HTTP API access
    logs", context variables). Others are not modelled by the emulator and count as missing."""
    known = {
        "accountId": request.account_id,
        "apiId": getattr(request.api, "api_id", ""),
        "domainName": request.domain_name,
        "httpMethod": request.method,
        "identity.sourceIp": request.source_ip,
        "path": request.raw_path,
        "requestId": request.request_id,
        "routeKey": request.route_key or getattr(request.route, "route_key", ""),
        "stage": request.stage,
    }
    return known.get(name)
