"""The benchmark env generator writes env files crossgate accepts (fast: no synth, no terraform)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.envgen import env_config, provider_account, write_env
from crossgate.config import load_environment


@pytest.mark.parametrize("services", [1, 5, 10, 25, 50])
def test_generated_fargate_envs_load(tmp_path: Path, services: int) -> None:
    env = load_environment(write_env(tmp_path, services))
    config = env.config
    assert config.target == "emulator"
    assert list(config.services) == [f"svc-{i:02d}" for i in range(1, services + 1)]
    accounts = {s.account_id for s in config.services.values()}
    assert len(accounts) == min(services, 10)
    assert all(a.startswith("2") and len(a) == 12 for a in accounts)
    routes = [r for s in config.services.values() for r in s.routes]
    assert len(routes) == len(set(routes)) == 2 * services


def test_generated_byo_env_loads(tmp_path: Path) -> None:
    arns = {f"svc-{i:02d}": f"arn:aws:elasticloadbalancing:us-west-1:{provider_account(i, 3)}:loadbalancer/net/"
            f"svc-{i:02d}/50dc6c495c0c918{i}" for i in range(1, 4)}
    env = load_environment(write_env(tmp_path, 3, tag="byo", workload="byo", nlb_arns=arns))
    assert env.name == "bench-s003-byo"
    assert {n: s.workload.nlb_arn for n, s in env.config.services.items()} == arns


def test_byo_without_arns_is_refused() -> None:
    with pytest.raises(ValueError, match="NLB ARN"):
        env_config(2, workload="byo")
