"""Token buckets: burst, refill at the rate, settings changes."""

from __future__ import annotations

from types import SimpleNamespace

from crossgate.emulator.dataplane.throttle import Limits, Throttler, stage_limits


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_burst_then_refill_at_rate() -> None:
    clock = Clock()
    throttler = Throttler(clock)
    key, limits = ("api", "$default", "GET /x"), Limits(rate=2.0, burst=3)
    assert [throttler.allow(key, limits) for _ in range(5)] == [True, True, True, False, False]
    clock.now += 0.5  # one token back at 2/s
    assert [throttler.allow(key, limits) for _ in range(2)] == [True, False]
    clock.now += 10  # refills up to the burst only
    assert sum(throttler.allow(key, limits) for _ in range(10)) == 3


def test_buckets_are_per_route_and_a_new_limit_applies_at_once() -> None:
    clock = Clock()
    throttler = Throttler(clock)
    one = Limits(rate=0.0, burst=1)
    assert throttler.allow(("a", "s", "r1"), one) and not throttler.allow(("a", "s", "r1"), one)
    assert throttler.allow(("a", "s", "r2"), one)
    assert not throttler.allow(("a", "s", "r1"), Limits(rate=0.0, burst=5))  # tokens are not invented
    clock.now += 1
    assert throttler.allow(("a", "s", "r1"), Limits(rate=1.0, burst=5))


def test_route_settings_override_stage_defaults() -> None:
    stage = SimpleNamespace(default_route_settings={"throttlingRateLimit": 10, "throttlingBurstLimit": 20},
                            route_settings={"GET /x": {"throttlingBurstLimit": 1}})
    assert stage_limits(stage, "GET /x") == Limits(10.0, 1)
    assert stage_limits(stage, "GET /y") == Limits(10.0, 20)
    unset = SimpleNamespace(default_route_settings={}, route_settings={})
    assert stage_limits(unset, "GET /y") == Limits(10000.0, 5000)  # account-level quota
