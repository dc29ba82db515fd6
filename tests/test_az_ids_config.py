"""Env files may name AZ ids for the networks crossgate creates; synth hands them to the modules."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from crossgate.config import CreateNetwork, EnvConfigError, load_environment
from crossgate.synth.stacks import central_variables, provider_variables
from tests.test_config import VALID, write_env


def _with_zone_ids(central: list[str], service: list[str] | None = None) -> dict[str, object]:
    data = copy.deepcopy(VALID)
    data["central"]["network"]["availability_zone_ids"] = central
    if service is not None:
        data["services"]["employee"]["network"] = {"cidr": "10.20.0.0/16", "availability_zone_ids": service}
    return data


def test_zone_ids_reach_both_modules(tmp_path: Path) -> None:
    env = load_environment(write_env(tmp_path, _with_zone_ids(["usw1-az1", "usw1-az3"], ["usw1-az3"])))
    network = env.config.central.network
    assert isinstance(network, CreateNetwork) and network.subnet_count == 2
    central = central_variables(env, {"employee": "com.amazonaws.vpce.us-west-1.vpce-svc-0123456789abcdef0"})
    assert central["availability_zone_ids"] == ["usw1-az1", "usw1-az3"]
    assert provider_variables(env, "employee")["availability_zone_ids"] == ["usw1-az3"]


def test_without_zone_ids_nothing_changes(tmp_path: Path) -> None:
    env = load_environment(write_env(tmp_path, VALID))
    assert "availability_zone_ids" not in central_variables(env, {"employee": "svc"})
    assert "availability_zone_ids" not in provider_variables(env, "employee")


@pytest.mark.parametrize(("zone_ids", "words"), [
    (["us-west-1a"], "availability_zone_ids"),  # a name, not an id
    (["usw1-az1", "usw1-az1"], "repeats an AZ id"),
])
def test_bad_zone_ids_name_the_field(tmp_path: Path, zone_ids: list[str], words: str) -> None:
    with pytest.raises(EnvConfigError) as error:
        load_environment(write_env(tmp_path, _with_zone_ids(zone_ids)))
    assert "central.network.availability_zone_ids" in str(error.value)
    assert words in str(error.value)
