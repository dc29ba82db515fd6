"""The env file schema: shipped envs load; each malformed env fails with a message naming its field."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from crossgate.config import EnvConfigError, JwtAuthorization, load_environment
from crossgate.paths import ENVS

VALID: dict[str, Any] = {
    "target": "aws",
    "state": "local",
    "central": {
        "account_id": "111111111111",
        "region": "us-west-1",
        "role_arn": "arn:aws:iam::111111111111:role/deployer",
        "network": {"cidr": "10.10.0.0/16", "az_count": 2},
    },
    "services": {
        "employee": {
            "account_id": "222222222222",
            "region": "us-west-1",
            "role_arn": "arn:aws:iam::222222222222:role/deployer",
            "port": 8080,
            "routes": ["ANY /employees", "ANY /employees/{proxy+}"],
            "authorization": "none",
            "workload": {"fargate": {"image": "repo/employee:1"}},
        }
    },
}


def write_env(tmp_path: Path, data: Any, name: str = "test") -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data))
    return path


def mutate(path: str, value: Any) -> dict[str, Any]:
    """A copy of VALID with one dotted path set (or deleted when value is DELETE)."""
    data = copy.deepcopy(VALID)
    *parents, last = path.split(".")
    node = data
    for part in parents:
        node = node[part]
    if value is DELETE:
        del node[last]
    else:
        node[last] = value
    return data


DELETE = object()


@pytest.mark.parametrize("name", sorted(p.stem for p in ENVS.glob("*.yaml")))
def test_shipped_envs_load(name: str) -> None:
    env = load_environment(ENVS / f"{name}.yaml")
    assert env.name == name
    assert env.config.services


def test_valid_env_defaults(tmp_path: Path) -> None:
    env = load_environment(write_env(tmp_path, VALID))
    service = env.config.services["employee"]
    assert env.config.principals_for(service) == ["arn:aws:iam::111111111111:root"]
    assert service.workload.fargate is not None and service.workload.fargate.health_check_path == "/health"
    assert env.config.central.api.access_logs is True


def test_multi_env_has_the_three_shapes() -> None:
    config = load_environment(ENVS / "multi.yaml").config
    assert config.services["payroll"].workload.nlb_arn
    assert config.services["reports"].cross_region and config.services["reports"].region != config.central.region
    assert isinstance(config.services["employee"].authorization, JwtAuthorization)
    assert {s.account_id for s in config.services.values()} == {"222222222222", "333333333333"}


MALFORMED: list[tuple[str, Any, str, str]] = [
    # (case id, env data, field named in the message, a word of the message)
    ("account-id-number", mutate("central.account_id", 111111111111), "central.account_id", "quote"),
    ("account-id-short", mutate("central.account_id", "1234"), "central.account_id", "12 digits"),
    ("unknown-region", mutate("central.region", "us-west-9"), "central.region", "unknown AWS region"),
    ("role-other-account", mutate("central.role_arn", "arn:aws:iam::999999999999:role/x"), "central",
     "999999999999"),
    ("role-not-arn", mutate("services.employee.role_arn", "deployer"), "services.employee.role_arn", "role ARN"),
    ("role-and-profile", mutate("central.profile", "prod"), "central", "not both"),
    ("bad-cidr", mutate("central.network", {"cidr": "10.10.0.0/33"}), "central.network.cidr", "CIDR"),
    ("cidr-host-bits", mutate("central.network", {"cidr": "10.10.0.1/16"}), "central.network.cidr", "CIDR"),
    ("az-count-zero", mutate("central.network", {"cidr": "10.10.0.0/16", "az_count": 0}),
     "central.network.az_count", "greater than"),
    ("no-subnets", mutate("central.network", {"vpc_id": "vpc-0123456789abcdef0", "subnet_ids": []}),
     "central.network.subnet_ids", "at least 1"),
    ("port-zero", mutate("services.employee.port", 0), "services.employee.port", "greater than"),
    ("port-too-big", mutate("services.employee.port", 70000), "services.employee.port", "less than"),
    ("malformed-route", mutate("services.employee.routes", ["FETCH /x"]), "services.employee.routes", "malformed"),
    ("route-no-slash", mutate("services.employee.routes", ["GET employees"]), "services.employee.routes",
     "malformed"),
    ("no-routes", mutate("services.employee.routes", []), "services.employee.routes", "at least 1"),
    ("service-name-not-dns", {**VALID, "services": {"Employee_Svc": VALID["services"]["employee"]}}, "services",
     "DNS-safe"),
    ("no-services", mutate("services", {}), "services", "at least 1"),
    ("missing-central", {k: v for k, v in VALID.items() if k != "central"}, "central", "required"),
    ("missing-authorization", mutate("services.employee.authorization", DELETE),
     "services.employee.authorization", "required"),
    ("unknown-field", mutate("services.employee.prot", 80), "services.employee.prot", "not a known field"),
    ("both-workloads", mutate("services.employee.workload", {
        "fargate": {"image": "x"},
        "nlb_arn": "arn:aws:elasticloadbalancing:us-west-1:222222222222:loadbalancer/net/a/0123"}),
     "services.employee.workload", "exactly one"),
    ("bad-nlb-arn", mutate("services.employee.workload", {"nlb_arn": "arn:aws:elb:thing"}),
     "services.employee.workload.nlb_arn", "Network Load Balancer"),
    ("cross-region-no-opt-in", mutate("services.employee.region", "us-east-1"), "services.employee.region",
     "cross_region"),
    ("wildcard-principal", mutate("services.employee.allowed_principals", ["*"]),
     "services.employee.allowed_principals", "no wildcards"),
    ("empty-principals", mutate("services.employee.allowed_principals", []),
     "services.employee.allowed_principals", "empty"),
    ("unknown-authorizer", mutate("services.employee.authorization", {"jwt": "corp"}),
     "services.employee.authorization", "corp"),
    ("bad-target", mutate("target", "gcp"), "target", "'aws' or 'emulator'"),
    ("bad-endpoint-ip", mutate("services.employee.endpoint_ips", ["10.0.0.300", "10.0.1.5"]),
     "services.employee.endpoint_ips", "IPv4"),
    ("endpoint-ips-count", mutate("services.employee.endpoint_ips", ["10.10.0.5"]),
     "services.employee.endpoint_ips", "one IP per central subnet"),
    ("override-unknown-route", mutate("services.employee.route_overrides", {"GET /other": {}}),
     "services.employee.route_overrides", "not one of this service's routes"),
]


@pytest.mark.parametrize(("case", "data", "field", "words"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_env_names_field(tmp_path: Path, case: str, data: Any, field: str, words: str) -> None:
    path = write_env(tmp_path, data)
    with pytest.raises(EnvConfigError) as raised:
        load_environment(path)
    matching = [p for p in raised.value.problems if p.field == field]
    assert matching, f"no problem names {field!r}: {raised.value}"
    assert any(words in p.message for p in matching), str(raised.value)
    assert all(p.file == str(path) for p in raised.value.problems)
    assert all("fix:" in p.message for p in raised.value.problems), str(raised.value)


def test_duplicate_route_across_services_names_both(tmp_path: Path) -> None:
    data = copy.deepcopy(VALID)
    data["services"]["payroll"] = {**data["services"]["employee"], "routes": ["ANY /employees"]}
    with pytest.raises(EnvConfigError) as raised:
        load_environment(write_env(tmp_path, data))
    (problem,) = raised.value.problems
    assert problem.field == "services.payroll.routes"
    assert "'ANY /employees'" in problem.message and "'employee'" in problem.message


def test_all_problems_reported_at_once(tmp_path: Path) -> None:
    data = mutate("central.region", "mars-1")
    data["services"]["employee"]["port"] = 0
    data["services"]["employee"]["routes"] = ["BAD"]
    with pytest.raises(EnvConfigError) as raised:
        load_environment(write_env(tmp_path, data))
    fields = {p.field for p in raised.value.problems}
    assert {"central.region", "services.employee.port", "services.employee.routes"} <= fields


def test_route_quota(tmp_path: Path) -> None:
    data = mutate("services.employee.routes", [f"GET /r{i}" for i in range(301)])
    with pytest.raises(EnvConfigError, match="quota of 300"):
        load_environment(write_env(tmp_path, data))


@pytest.mark.parametrize("text", ["central: [unclosed", "- a list\n- not a mapping", "", "central: {account_id:"])
def test_not_yaml_or_not_mapping(tmp_path: Path, text: str) -> None:
    with pytest.raises(EnvConfigError) as raised:
        load_environment(write_env(tmp_path, text))
    assert "fix" in str(raised.value) or "mapping" in str(raised.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(EnvConfigError, match="no such env file"):
        load_environment(tmp_path / "absent.yaml")


def test_derived_resource_names_fit_aws_limits(tmp_path: Path) -> None:
    data = copy.deepcopy(VALID)
    data["services"] = {"a-very-long-service-name": data["services"]["employee"]}
    data["central"]["api"] = {"name": "an-api-name-that-is-long-too"}
    with pytest.raises(EnvConfigError) as raised:
        load_environment(write_env(tmp_path, data, name="production"))
    fields = {p.field: p.message for p in raised.value.problems}
    assert "production-a-very-long-service-name" in fields["services.a-very-long-service-name"]
    assert "fix: shorten" in fields["central.api.name"]


def test_env_name_must_be_dns_safe(tmp_path: Path) -> None:
    with pytest.raises(EnvConfigError, match="not DNS-safe"):
        load_environment(write_env(tmp_path, VALID, name="Prod_Env"))


def test_an_emulator_command_is_for_emulator_envs_only(tmp_path: Path) -> None:
    data = copy.deepcopy(VALID)
    data["services"]["employee"]["workload"]["fargate"]["emulator_command"] = ["{python}", "-m", "service"]
    with pytest.raises(EnvConfigError) as caught:
        load_environment(write_env(tmp_path, data))
    assert "services.employee.workload.fargate.emulator_command" in str(caught.value)
    assert "only emulator envs" in str(caught.value)
    data["target"] = "emulator"
    env = load_environment(write_env(tmp_path, data, name="emu"))
    fargate = env.config.services["employee"].workload.fargate
    assert fargate is not None and fargate.emulator_command == ("{python}", "-m", "service")


def test_fargate_shared_storage(tmp_path: Path) -> None:
    data = copy.deepcopy(VALID)
    fargate = data["services"]["employee"]["workload"]["fargate"]
    fargate["shared_storage"] = {"path": "/data"}
    fargate["environment"] = {"EMPLOYEE_DB": "/data/employees.db"}
    workload = load_environment(write_env(tmp_path, data)).config.services["employee"].workload.fargate
    assert workload is not None and workload.shared_storage is not None
    assert workload.shared_storage.path == "/data"
    assert workload.environment == {"EMPLOYEE_DB": "/data/employees.db"}
    default = load_environment(write_env(tmp_path, VALID, "plain")).config.services["employee"].workload.fargate
    assert default is not None and default.shared_storage is None, "shared storage is opt-in"


@pytest.mark.parametrize("path", ["data", "/", "/data/", "/data/../etc", "/da ta", "/" + "x" * 255])
def test_fargate_shared_storage_path_is_validated(tmp_path: Path, path: str) -> None:
    data = copy.deepcopy(VALID)
    data["services"]["employee"]["workload"]["fargate"]["shared_storage"] = {"path": path}
    with pytest.raises(EnvConfigError) as raised:
        load_environment(write_env(tmp_path, data))
    field = "services.employee.workload.fargate.shared_storage.path"
    assert [p for p in raised.value.problems if p.field == field], str(raised.value)
    assert all("fix:" in p.message for p in raised.value.problems), str(raised.value)


def test_shipped_employee_envs_share_their_database() -> None:
    for name in ("local", "dev"):
        fargate = load_environment(ENVS / f"{name}.yaml").config.services["employee"].workload.fargate
        assert fargate is not None and fargate.shared_storage is not None and fargate.shared_storage.path == "/data"
        assert fargate.environment["EMPLOYEE_DB"].startswith(fargate.shared_storage.path + "/")
