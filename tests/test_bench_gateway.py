"""The gateway benchmark's code at a tiny size, against a real emulator child and the real service process.

Guards bench/gateway.py (control plane built with boto3, target mapping, load loop, result shape) in CI;
it is not a timed test: only the shape and zero errors are asserted. About 12 s beyond the emulator's start,
most of it the emulator's first EC2 call in each of the two accounts (≈ 3 s each, moto creating the
account's EC2 backend); the service process starts meanwhile; the load itself takes well under a second.
"""

from __future__ import annotations

from pathlib import Path

from bench.gateway import gateway_setup, measure, percentile, targets
from crossgate.emulator import Emulator
from tests.emulator.conftest import emulator

__all__ = ["emulator"]  # the emulator tests' session fixture

KEYS = {"clients", "requests", "requests_planned", "seconds", "p50_ms", "p99_ms", "mean_ms", "throughput_rps",
        "errors", "error_kinds", "cpu_seconds", "cpu_ms_per_request", "stopped_by"}


def test_measure_direct_and_through_the_gateway(emulator: Emulator, tmp_path: Path) -> None:
    with gateway_setup(emulator.endpoint_url, emulator.pid, tmp_path) as setup:
        assert setup.gateway_headers["x-crossgate-hop"].startswith("workload; 200")
        rows = []
        for side, url in (("direct", setup.direct_url), ("gateway", setup.gateway_url)):
            result = measure(url, clients=2, requests=20, time_limit=20,
                             cpu_pids={"service": setup.service_pid, "emulator": setup.emulator_pid})
            assert set(result) >= KEYS, side
            assert (result["clients"], result["requests"], result["errors"]) == (2, 20, 0), (side, result)
            assert result["stopped_by"] == "budget"
            assert 0 < result["p50_ms"] <= result["p99_ms"] and result["throughput_rps"] > 0
            assert set(result["cpu_seconds"]) == {"client", "service", "emulator"}
            rows.append(result)
    verdicts = targets([{"clients": 8, "direct": rows[0], "gateway": rows[1]}])
    assert set(verdicts) == {"throughput_8_clients_ge_half_direct"}


def test_percentile() -> None:
    assert percentile([3.0, 1.0, 2.0], 50) == 2.0
    assert percentile([1.0, 2.0], 50) == 1.5
    assert percentile([5.0], 99) == 5.0
