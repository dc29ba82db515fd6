"""Stage selection: which stage of an HTTP API serves a request path, and the path routing sees.

AWS (developer guide, "Routing API requests" and "Stages for HTTP APIs"): a request that explicitly
matches a stage (first path segment = stage name) goes to that stage; otherwise to ``$default``, served
from the base of the API's URL; with no ``$default`` stage the API answers ``{"message":"Not Found"}``
(and writes no access log).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

DEFAULT_STAGE = "$default"


@dataclass(frozen=True)
class StageMatch:
    """The stage and the request path without the stage prefix ($request.path)."""

    stage: Any
    name: str
    route_path: str


def select_stage(api: Any, raw_path: str) -> StageMatch | None:
    stages: dict[str, Any] = api.stages
    path = raw_path if raw_path.startswith("/") else "/" + raw_path
    first, sep, rest = path[1:].partition("/")
    if first and first != DEFAULT_STAGE and first in stages:
        return StageMatch(stages[first], first, "/" + rest if sep else "/")
    default = stages.get(DEFAULT_STAGE)
    if default is not None:
        return StageMatch(default, DEFAULT_STAGE, path)
    return None
