"""Route selection for HTTP APIs, as the developer guide's "Routing API requests" describes it.

AWS (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html):
the route with the most specific match wins, by priority (1) full match of route and method (a route
with ``{param}`` segments fully matches too: ``GET /pets/dog/{id}`` takes ``GET /pets/dog/1``), (2) a
route with a greedy path variable ``{proxy+}`` (which must be the last segment), (3) ``$default``.
``ANY`` matches every method not defined for that route. Path parameters reach the integration
URL-decoded. No match -> ``{"message":"Not Found"}``.

Within one tier the guide says only "most specific". The emulator ranks literal segments above
``{param}`` segments from left to right, then a route naming the method above ``ANY``; among greedy
routes the longest fixed prefix wins. (Unverified detail: which of ``ANY /a/1`` and ``GET /a/{id}``
AWS picks for ``GET /a/1``; the emulator picks the literal path.)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

DEFAULT_ROUTE = "$default"


@dataclass(frozen=True)
class RouteMatch:
    """The selected route, its key and the decoded path parameters."""

    route: Any
    route_key: str
    path_parameters: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _Key:
    method: str
    segments: tuple[str, ...]
    greedy: str | None  # name of the trailing {name+} variable, if any


def parse_route_key(route_key: str) -> _Key | None:
    """``"GET /pets/{id}"`` -> method and segments; None for ``$default`` and malformed keys."""
    method, _, path = route_key.strip().partition(" ")
    if not path.startswith("/"):
        return None
    segments = tuple(s for s in path.split("/") if s)
    greedy = None
    if segments and segments[-1].startswith("{") and segments[-1].endswith("+}"):
        greedy = segments[-1][1:-2]
        segments = segments[:-1]
    return _Key(method.upper(), segments, greedy)


def _match_segments(key: _Key, parts: list[str]) -> tuple[tuple[int, ...], dict[str, str]] | None:
    """Specificity (1 = literal, 0 = parameter, per segment) and parameters, or None if no match."""
    rank: list[int] = []
    params: dict[str, str] = {}
    for pattern, part in zip(key.segments, parts, strict=False):
        if pattern.startswith("{") and pattern.endswith("}"):
            params[pattern[1:-1]] = unquote(part)
            rank.append(0)
        elif pattern == part or pattern == unquote(part):
            rank.append(1)
        else:
            return None
    return tuple(rank), params


def select_route(routes: Iterable[tuple[str, Any]], method: str, path: str) -> RouteMatch | None:
    """Pick the route for ``method path`` among ``(route_key, route)`` pairs; None -> 404."""
    method = method.upper()
    parts = [p for p in path.split("/") if p]
    full: tuple[tuple[Any, ...], RouteMatch] | None = None
    greedy: tuple[tuple[Any, ...], RouteMatch] | None = None
    default: RouteMatch | None = None
    for route_key, route in routes:
        if route_key == DEFAULT_ROUTE:
            default = RouteMatch(route, route_key)
            continue
        key = parse_route_key(route_key)
        if key is None or key.method not in (method, "ANY"):
            continue
        method_rank = 1 if key.method == method else 0
        if key.greedy is None:
            if len(key.segments) != len(parts):
                continue
            matched = _match_segments(key, parts)
            if matched is None:
                continue
            score: tuple[Any, ...] = (matched[0], method_rank)
            if full is None or score > full[0]:
                full = (score, RouteMatch(route, route_key, matched[1]))
        else:
            # {proxy+} needs at least one segment after the fixed prefix.
            if len(parts) <= len(key.segments):
                continue
            matched = _match_segments(key, parts[: len(key.segments)])
            if matched is None:
                continue
            params = {**matched[1], key.greedy: unquote("/".join(parts[len(key.segments):]))}
            score = (len(key.segments), matched[0], method_rank)
            if greedy is None or score > greedy[0]:
                greedy = (score, RouteMatch(route, route_key, params))
    if full is not None:
        return full[1]
    if greedy is not None:
        return greedy[1]
    return default
