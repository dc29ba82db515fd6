"""Throttling: one token bucket (rate + burst) per API, stage and route, as HTTP APIs throttle.

AWS (developer guide, "Throttling requests to your HTTP API"): API Gateway uses the token bucket
algorithm, a token per request; a stage's ``defaultRouteSettings`` (ThrottlingRateLimit /
ThrottlingBurstLimit) apply to every route, ``routeSettings["<route key>"]`` override them per route;
above the limits clients get ``429 {"message":"Too Many Requests"}``. Unset limits fall back to the
account-level quota (10,000 requests/s, burst 5,000, "Amazon API Gateway quotas").
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

ACCOUNT_RATE_LIMIT = 10000.0
ACCOUNT_BURST_LIMIT = 5000


@dataclass(frozen=True)
class Limits:
    rate: float
    burst: int


def _setting(settings: Mapping[str, Any] | None, name: str) -> Any:
    """moto keeps the JSON as sent (camelCase); accept PascalCase too (CLI/CloudFormation spelling)."""
    if not settings:
        return None
    value = settings.get(name)
    if value is None:
        value = settings.get(name[0].upper() + name[1:])
    return value


def stage_limits(stage: Any, route_key: str) -> Limits:
    """The limits that apply to one route of a stage: route settings over stage defaults over account."""
    route_settings = (getattr(stage, "route_settings", None) or {}).get(route_key)
    default_settings = getattr(stage, "default_route_settings", None)
    rate = _setting(route_settings, "throttlingRateLimit")
    if rate is None:
        rate = _setting(default_settings, "throttlingRateLimit")
    burst = _setting(route_settings, "throttlingBurstLimit")
    if burst is None:
        burst = _setting(default_settings, "throttlingBurstLimit")
    return Limits(float(ACCOUNT_RATE_LIMIT if rate is None else rate),
                  int(ACCOUNT_BURST_LIMIT if burst is None else burst))


class _Bucket:
    __slots__ = ("limits", "tokens", "updated")

    def __init__(self, limits: Limits, now: float) -> None:
        self.limits = limits
        self.tokens = float(limits.burst)
        self.updated = now


class Throttler:
    """Token buckets keyed by (api id, stage, route key); a change of limits takes effect at once."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._buckets: dict[tuple[str, str, str], _Bucket] = {}
        self._lock = threading.Lock()

    def allow(self, key: tuple[str, str, str], limits: Limits) -> bool:
        """Take one token if there is one (refilled at ``rate`` per second, capped at ``burst``)."""
        now = self._clock()
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = self._buckets[key] = _Bucket(limits, now)
            elif bucket.limits != limits:
                bucket.limits = limits
                bucket.tokens = min(bucket.tokens, float(limits.burst))
            bucket.tokens = min(float(limits.burst), bucket.tokens + (now - bucket.updated) * limits.rate)
            bucket.updated = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return True
            return False
