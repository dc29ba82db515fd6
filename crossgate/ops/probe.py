"""Live probes through the gateway: one request per service, and what answered.

Against the emulator every response names the hop that answered or refused (``x-crossgate-hop``), so a
probe tells *where* the chain breaks; against AWS it can only tell *that* it breaks (an opaque 503).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from crossgate.config import Environment
from crossgate.emulator.settings import HOP_HEADER

GATEWAY_FAILURES = frozenset({500, 502, 503, 504})
"""What the gateway itself answers when the chain behind it is broken (a 4xx is the service's own answer,
or an authorizer's: the chain works)."""


@dataclass(frozen=True)
class Probe:
    service: str
    method: str
    path: str
    status: int | None
    hop: str
    error: str = ""

    @property
    def reached_the_service(self) -> bool:
        return self.status is not None and self.status not in GATEWAY_FAILURES


def probe_path(route_key: str) -> tuple[str, str]:
    """A request that route ``route_key`` matches: ``ANY /a/{id}`` -> ``GET /a/crossgate-probe``."""
    method, path = route_key.split(" ", 1)
    path = re.sub(r"\{[^}]+\}", "crossgate-probe", path)
    return ("GET" if method == "ANY" else method), path


def probe_services(env: Environment, gateway_url: str, timeout: float = 35.0) -> list[Probe]:
    """One request per service, on its first route."""
    probes = []
    with httpx.Client(timeout=timeout) as client:
        for name, service in env.config.services.items():
            method, path = probe_path(service.routes[0])
            try:
                response = client.request(method, gateway_url.rstrip("/") + path)
            except httpx.HTTPError as exc:
                probes.append(Probe(name, method, path, None, "", f"{type(exc).__name__}: {exc}"))
                continue
            probes.append(Probe(name, method, path, response.status_code, response.headers.get(HOP_HEADER, "")))
    return probes


def wait_until_served(env: Environment, gateway_url: str, seconds: float = 90.0,
                      say: Callable[[str], None] = print) -> list[Probe]:
    """Probe until every service is reached (new tasks start and pass their first health check) or time out."""
    deadline = time.monotonic() + seconds
    said = False
    while True:
        probes = probe_services(env, gateway_url)
        if all(p.reached_the_service for p in probes) or time.monotonic() > deadline:
            return probes
        if not said:
            waiting = ", ".join(f"{p.service} ({p.hop or p.error or p.status})" for p in probes
                                if not p.reached_the_service)
            say(f"waiting for the workloads behind the gateway to answer: {waiting}")
            said = True
        time.sleep(1)
