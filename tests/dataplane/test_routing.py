"""Route and stage selection against AWS's documented rules (developer guide, "Routing API requests")."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from crossgate.emulator.dataplane.routing import select_route
from crossgate.emulator.dataplane.stages import select_stage

# AWS's own example (GET /pets/dog/{id}, GET /pets/{proxy+}, ANY /{proxy+}, $default) plus exact,
# ANY-on-the-same-path and overlapping greedy routes.
ROUTES = [
    "GET /pets/dog/1",
    "GET /pets/dog/{id}",
    "GET /pets/{proxy+}",
    "ANY /{proxy+}",
    "GET /orders",
    "ANY /orders",
    "POST /orders/{orderId}/items/{itemId}",
    "GET /a/{proxy+}",
    "GET /a/b/{proxy+}",
    "$default",
]

TABLE = [
    # (method, path, expected route key, expected path parameters)
    ("GET", "/pets/dog/1", "GET /pets/dog/1", {}),                       # exact beats {id}
    ("GET", "/pets/dog/2", "GET /pets/dog/{id}", {"id": "2"}),           # AWS table row 1
    ("GET", "/pets/cat/1", "GET /pets/{proxy+}", {"proxy": "cat/1"}),    # AWS table row 2
    ("POST", "/test/5", "ANY /{proxy+}", {"proxy": "test/5"}),           # AWS table row 3
    ("POST", "/pets/dog/1", "ANY /{proxy+}", {"proxy": "pets/dog/1"}),   # ANY: methods not defined
    ("GET", "/orders", "GET /orders", {}),                               # defined method beats ANY
    ("DELETE", "/orders", "ANY /orders", {}),                            # ANY catches the others
    ("POST", "/orders/o%201/items/x%2Fy", "POST /orders/{orderId}/items/{itemId}",
     {"orderId": "o 1", "itemId": "x/y"}),                               # parameters URL-decoded
    ("GET", "/a/b/c", "GET /a/b/{proxy+}", {"proxy": "c"}),              # longest greedy prefix
    ("GET", "/a/x/y", "GET /a/{proxy+}", {"proxy": "x/y"}),
    ("GET", "/pets", "ANY /{proxy+}", {"proxy": "pets"}),                # {proxy+} needs a child segment
    ("GET", "/", "$default", {}),                                        # nothing else matches /
]


@pytest.mark.parametrize(("method", "path", "expected", "params"), TABLE)
def test_route_table(method: str, path: str, expected: str, params: dict[str, str]) -> None:
    match = select_route([(key, key) for key in ROUTES], method, path)
    assert match is not None
    assert (match.route_key, dict(match.path_parameters)) == (expected, params)


def test_no_route_and_no_default_is_none() -> None:
    routes = [(key, key) for key in ("GET /pets", "GET /pets/{id}")]
    assert select_route(routes, "POST", "/pets") is None
    assert select_route(routes, "GET", "/pets/1/x") is None


def test_stage_prefix_selects_that_stage_and_is_stripped() -> None:
    api = SimpleNamespace(stages={"$default": "D", "v1": "V"})
    v1 = select_stage(api, "/v1/items/1")
    assert v1 is not None and (v1.name, v1.route_path) == ("v1", "/items/1")
    default = select_stage(api, "/v2/items/1")
    assert default is not None and (default.name, default.route_path) == ("$default", "/v2/items/1")
    only_named = SimpleNamespace(stages={"v1": "V"})
    assert select_stage(only_named, "/v2/items") is None
