"""Request parameter mapping of an HTTP API integration (``requestParameters``).

AWS (developer guide, "Transform API requests and responses for HTTP APIs"): keys
``append|overwrite|remove:header.<name>``, ``append|overwrite|remove:querystring.<name>`` and
``overwrite:path``; values ``$request.header.<name>`` (multiple values joined with commas),
``$request.querystring.<name>``, ``$request.path`` (the path without the stage), ``$request.path.<name>``,
``$context.<var>``, ``$stageVariables.<var>`` or static text, also in ``${...}`` form. Reserved headers
(Authorization, Connection, Forwarded, X-Forwarded-*, x-amz-*, x-amzn-*, apigw-*, ...) cannot be mapped:
AWS refuses such a key at create time; the emulator ignores it. ``$request.body.*`` is not supported here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

_RESERVED = {
    "authorization", "connection", "content-encoding", "content-length", "content-location", "forwarded",
    "keep-alive", "origin", "proxy-authenticate", "proxy-authorization", "te", "trailers",
    "transfer-encoding", "upgrade", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "via",
}
_RESERVED_PREFIXES = ("access-control-", "apigw-", "x-amz-", "x-amzn-")
_TOKEN = re.compile(r"\$\{([^}]+)\}|\$((?:request|context|stageVariables)\.[A-Za-z0-9_.\-]+)")


@dataclass
class OutgoingRequest:
    """The request as it will leave for the integration; mappings edit it in place."""

    path: str
    query: list[tuple[str, str]]
    headers: list[tuple[str, str]]
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class MappingSource:
    """What mapping values can read: the original request, path parameters, context and stage variables."""

    route_path: str
    headers: Mapping[str, str]  # lower-case names, multiple values already comma-joined
    query: list[tuple[str, str]]
    path_parameters: Mapping[str, str]
    context: Callable[[str], str]
    stage_variables: Mapping[str, str]


def is_reserved(header: str) -> bool:
    name = header.lower()
    return name in _RESERVED or name.startswith(_RESERVED_PREFIXES)


def _lookup(expression: str, source: MappingSource) -> str:
    kind, _, name = expression.partition(".")
    if kind == "request":
        if name == "path":
            return source.route_path
        area, _, key = name.partition(".")
        if area == "header":
            return source.headers.get(key.lower(), "")
        if area == "querystring":
            return ",".join(v for k, v in source.query if k == key)
        if area == "path":
            return source.path_parameters.get(key, "")
        return ""
    if kind == "context":
        return source.context(name)
    if kind == "stageVariables":
        return str(source.stage_variables.get(name, ""))
    return ""


def evaluate(value: str, source: MappingSource) -> str:
    """Substitute every ``$request.*``/``$context.*``/``$stageVariables.*`` (or ``${...}``) in ``value``."""
    return _TOKEN.sub(lambda m: _lookup(m.group(1) or m.group(2), source), value)


def apply(parameters: Mapping[str, str] | None, request: OutgoingRequest, source: MappingSource) -> None:
    for key, value in (parameters or {}).items():
        action, _, target = key.partition(":")
        if target == "path" and action == "overwrite":
            path = evaluate(value, source)
            request.path = path if path.startswith("/") else "/" + path
            continue
        area, _, name = target.partition(".")
        if area == "header":
            if is_reserved(name):
                request.notes.append(f"ignored mapping of reserved header {name}")
                continue
            lower = name.lower()
            if action == "remove":
                request.headers = [(k, v) for k, v in request.headers if k.lower() != lower]
            elif action == "overwrite":
                request.headers = [(k, v) for k, v in request.headers if k.lower() != lower]
                request.headers.append((name, evaluate(value, source)))
            elif action == "append":
                request.headers.append((name, evaluate(value, source)))
        elif area == "querystring":
            if action in ("remove", "overwrite"):
                request.query = [(k, v) for k, v in request.query if k != name]
            if action in ("overwrite", "append"):
                request.query.append((name, evaluate(value, source)))
