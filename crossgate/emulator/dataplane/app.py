"""WSGI dispatch: execute-api traffic and crossgate's control calls here, the rest to moto."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from crossgate.emulator.authorizers import Authorizers
from crossgate.emulator.workloads import Workloads

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class DataPlane:
    """Serves gateway traffic from moto's current state; passes control-plane calls to moto."""

    def __init__(self, moto_app: WsgiApp, workloads: Workloads, authorizers: Authorizers) -> None:
        self.moto_app = moto_app
        self.workloads = workloads
        self.authorizers = authorizers

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        return self.moto_app(environ, start_response)
