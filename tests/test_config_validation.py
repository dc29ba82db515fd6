"""Validation a user can rely on: line:column of the offending key, did-you-mean, duplicate keys, every problem at
once (schema and cross-field together), the checks knowable before apply, and remote state for real targets."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from crossgate.config import EnvConfigError, EnvProblem, load_environment
from crossgate.config.schema import State
from tests.test_config import VALID

NLB = "arn:aws:elasticloadbalancing:{region}:{account}:loadbalancer/net/own/50dc6c495c0c9188"


def problems_of(tmp_path: Path, text: str, name: str = "test") -> list[EnvProblem]:
    path = tmp_path / f"{name}.yaml"
    path.write_text(text)
    with pytest.raises(EnvConfigError) as raised:
        load_environment(path)
    return raised.value.problems


def problems_of_data(tmp_path: Path, data: Any, name: str = "test") -> list[EnvProblem]:
    return problems_of(tmp_path, yaml.safe_dump(data, sort_keys=False), name)


def only(problems: list[EnvProblem], field: str) -> EnvProblem:
    found = [p for p in problems if p.field == field]
    assert len(found) == 1, f"expected one problem at {field}: {problems}"
    return found[0]


# A small env written by hand, so that the lines and columns below are the file's.
ENV_TEXT = """\
target: aws
state: local
central:
  account_id: "111111111111"
  region: us-west-1
  network: {cidr: 10.10.0.0/16, az_count: 2}
  api:
    throttling:
      rate_limit: 0
services:
  employee:
    account_id: "222222222222"
    region: us-west-1
    port: 8080
    routes: ["ANY /employees"]
    authorization: none
    workload:
      fargate: {image: "repo/employee:1"}
"""


def test_a_schema_error_names_line_and_column_of_its_key(tmp_path: Path) -> None:
    (problem,) = problems_of(tmp_path, ENV_TEXT)
    assert (problem.field, problem.line, problem.column) == ("central.api.throttling.rate_limit", 9, 7)
    assert str(problem) == (f"{tmp_path / 'test.yaml'}:9:7: central.api.throttling.rate_limit: Input should be greater "
                            "than 0; fix: use a value within the allowed range")


def test_an_unknown_key_gets_a_did_you_mean(tmp_path: Path) -> None:
    text = ENV_TEXT.replace("    throttling:\n      rate_limit: 0\n", "    throtling: {rate_limit: 5}\n")
    (problem,) = problems_of(tmp_path, text)
    assert (problem.field, problem.line, problem.column) == ("central.api.throtling", 8, 5)
    assert problem.message == "is not a known field; fix: did you mean 'throttling'?"


def test_an_unknown_key_with_no_near_miss_lists_the_known_ones(tmp_path: Path) -> None:
    text = ENV_TEXT.replace("    throttling:\n      rate_limit: 0\n", "    zzz: 1\n")
    (problem,) = problems_of(tmp_path, text)
    assert problem.field == "central.api.zzz" and "known here: name, throttling, access_logs" in problem.message


@pytest.mark.parametrize(("old", "new", "field", "guess"), [
    ("target: aws", "target: awss", "target", "'aws'"),
    ("authorization: none", "authorization: nonee", "services.employee.authorization", "'none'"),
    ("state: local", "state: lcoal", "state", "'local'"),
])
def test_a_misspelt_value_gets_a_did_you_mean(tmp_path: Path, old: str, new: str, field: str, guess: str) -> None:
    text = ENV_TEXT.replace("      rate_limit: 0\n", "      rate_limit: 5\n").replace(old, new)
    problem = only(problems_of(tmp_path, text), field)
    assert problem.message.endswith(f"fix: did you mean {guess}?"), problem
    assert problem.line == next(i for i, line in enumerate(text.splitlines(), 1) if new in line)


def test_a_misspelt_authorizer_type_gets_a_did_you_mean(tmp_path: Path) -> None:
    data = copy.deepcopy(VALID)
    data["central"]["authorizers"] = {"corp": {"type": "jwtt", "issuer": "https://x", "audiences": ["a"]}}
    problem = only(problems_of_data(tmp_path, data), "central.authorizers.corp")
    assert "did you mean 'jwt'?" in problem.message


def test_a_key_in_a_union_member_is_placed_without_the_member_name(tmp_path: Path) -> None:
    text = ENV_TEXT.replace("      rate_limit: 0\n", "      rate_limit: 5\n").replace("az_count: 2}", "azcount: 2}")
    (problem,) = problems_of(tmp_path, text)
    assert (problem.field, problem.line) == ("central.network.azcount", 6)
    assert "did you mean 'az_count'?" in problem.message


def test_duplicate_keys_are_refused_with_both_lines(tmp_path: Path) -> None:
    text = ENV_TEXT.replace("      rate_limit: 0\n", "      rate_limit: 5\n").replace(
        "    port: 8080\n", "    port: 8080\n    port: 9090\n")
    (problem,) = problems_of(tmp_path, text)
    assert (problem.field, problem.line, problem.column) == ("services.employee.port", 15, 5)
    assert "given twice (first at line 14, column 5" in problem.message and "fix: keep one" in problem.message


def test_duplicate_service_names_are_refused(tmp_path: Path) -> None:
    service = ENV_TEXT.split("services:\n", 1)[1]
    text = ENV_TEXT.replace("      rate_limit: 0\n", "      rate_limit: 5\n") + service
    (problem,) = problems_of(tmp_path, text)
    assert (problem.field, problem.line) == ("services.employee", 19)
    assert "first at line 11" in problem.message


def test_three_different_problems_are_reported_at_once_in_file_order(tmp_path: Path) -> None:
    text = ENV_TEXT.replace("    port: 8080\n", "    port: 0\n") + """\
  payroll:
    account_id: "333333333333"
    region: us-west-1
    port: 443
    routes: ["ANY /employees"]
    authorization: iam
    workload: {nlb_arn: "arn:aws:elasticloadbalancing:us-west-1:333333333333:loadbalancer/net/p/50dc6c495c0c9188"}
"""
    problems = problems_of(tmp_path, text)
    assert [(p.field, p.line) for p in problems] == [
        ("central.api.throttling.rate_limit", 9),  # schema, central
        ("services.employee.port", 14),       # schema, a service
        ("services.payroll.routes", 23),      # cross-field: the route is employee's already
    ]
    assert "already used by service 'employee'" in problems[2].message


def test_cross_field_checks_run_on_a_service_that_failed_the_schema(tmp_path: Path) -> None:
    data = copy.deepcopy(VALID)
    data["services"]["employee"].update(port="http", region="us-east-1")
    fields = {p.field for p in problems_of_data(tmp_path, data)}
    assert fields == {"services.employee.port", "services.employee.region"}


def test_cross_field_checks_run_when_central_failed_elsewhere(tmp_path: Path) -> None:
    data = copy.deepcopy(VALID)
    data["central"]["api"] = {"log_retention_days": 31}
    data["services"]["employee"]["region"] = "us-east-1"
    fields = {p.field for p in problems_of_data(tmp_path, data)}
    assert fields == {"central.api.log_retention_days", "services.employee.region"}


def test_yaml_syntax_errors_carry_line_and_column(tmp_path: Path) -> None:
    (problem,) = problems_of(tmp_path, "target: aws\ncentral: [unclosed\n")
    assert problem.line is not None and problem.column is not None and "not valid YAML" in problem.message


@pytest.mark.parametrize("image", [
    "nginx", "amazon/amazon-ecs-agent:latest", "quay.io/assemblyline/ubuntu",
    "222222222222.dkr.ecr.us-west-1.amazonaws.com/employee:1.0.0", "localhost:5000/team/app_v2:2024.01-rc1",
    "public.ecr.aws/nginx/nginx@sha256:" + "a" * 64, "repo/app:1@sha256:" + "0" * 64,
])
def test_well_formed_images_are_accepted(tmp_path: Path, image: str) -> None:
    data = copy.deepcopy(VALID)
    data["services"]["employee"]["workload"]["fargate"]["image"] = image
    path = tmp_path / "ok.yaml"
    path.write_text(yaml.safe_dump(data))
    assert load_environment(path).config.services["employee"].workload.fargate is not None


@pytest.mark.parametrize(("image", "words"), [
    ("Repo/Employee:1", "not a container image reference"),
    ("repo:tag:again", "not a container image reference"),
    ("repo/app@sha256:abc", "not a container image reference"),
    ("repo/app@md5:" + "a" * 32, "not a container image reference"),
    ("repo/app:", "not a container image reference"),
    ("has space:1", "not a container image reference"),
    ("r/" + "a" * 260, "over ECS's 255"),
])
def test_malformed_images_are_refused(tmp_path: Path, image: str, words: str) -> None:
    data = copy.deepcopy(VALID)
    data["services"]["employee"]["workload"]["fargate"]["image"] = image
    problem = only(problems_of_data(tmp_path, data), "services.employee.workload.fargate.image")
    assert words in problem.message and "fix:" in problem.message


def test_own_nlb_must_be_in_the_services_account_and_region(tmp_path: Path) -> None:
    data = copy.deepcopy(VALID)
    data["services"]["employee"]["workload"] = {"nlb_arn": NLB.format(region="us-east-1", account="999999999999")}
    problem = only(problems_of_data(tmp_path, data), "services.employee.workload.nlb_arn")
    assert "account 999999999999, region us-east-1" in problem.message
    assert "account 222222222222, region us-west-1" in problem.message
    data["services"]["employee"]["workload"] = {"nlb_arn": NLB.format(region="us-west-1", account="222222222222")}
    path = tmp_path / "ok.yaml"
    path.write_text(yaml.safe_dump(data))
    assert load_environment(path).config.services["employee"].workload.nlb_arn


def _two_services_with_ips(employee: list[str], payroll: list[str]) -> dict[str, Any]:
    data = copy.deepcopy(VALID)  # central 10.10.0.0/16 over 2 AZs: subnets 10.10.0.0/19 and 10.10.32.0/19
    data["services"]["employee"]["endpoint_ips"] = employee
    data["services"]["payroll"] = {**copy.deepcopy(data["services"]["employee"]), "routes": ["GET /payroll"],
                                   "endpoint_ips": payroll}
    return data


def test_pinned_endpoint_ips_inside_their_subnets_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "ok.yaml"
    path.write_text(yaml.safe_dump(_two_services_with_ips(["10.10.0.10", "10.10.32.10"],
                                                          ["10.10.31.254", "10.10.32.4"])))
    assert load_environment(path).config.services["payroll"].endpoint_ips == ["10.10.31.254", "10.10.32.4"]


@pytest.mark.parametrize(("employee", "payroll", "words"), [
    (["10.10.32.10", "10.10.32.12"], ["10.10.0.11", "10.10.32.11"], "outside central subnet 0 (10.10.0.0/19)"),
    (["10.99.0.10", "10.10.32.10"], ["10.10.0.11", "10.10.32.11"], "outside central subnet 0"),
    (["10.10.0.3", "10.10.32.10"], ["10.10.0.11", "10.10.32.11"], "reserved by AWS"),
    (["10.10.0.10", "10.10.63.255"], ["10.10.0.11", "10.10.32.11"], "reserved by AWS"),
    (["10.10.0.10", "10.10.32.10"], ["10.10.0.10", "10.10.32.11"], "already pinned for service 'employee'"),
])
def test_pinned_endpoint_ips_must_be_unique_and_inside_their_subnet(
        tmp_path: Path, employee: list[str], payroll: list[str], words: str) -> None:
    problems = problems_of_data(tmp_path, _two_services_with_ips(employee, payroll))
    assert len(problems) == 1 and words in problems[0].message, problems
    assert problems[0].field.endswith(".endpoint_ips") and "fix:" in problems[0].message
    index = next(i for i, ip in enumerate(employee + payroll) if ip in problems[0].message) % 2
    owner = "employee" if "already" not in words else "payroll"
    text = (tmp_path / "test.yaml").read_text().splitlines()
    assert problems[0].line is not None
    assert text[problems[0].line - 1].strip() == f"- {(employee if owner == 'employee' else payroll)[index]}"


def _services_with_vpcs(count: int) -> dict[str, Any]:
    data = copy.deepcopy(VALID)
    base = data["services"].pop("employee")
    for i in range(count):
        data["services"][f"s{i}"] = {**copy.deepcopy(base), "routes": [f"GET /s{i}"],
                                     "network": {"cidr": f"10.{20 + i}.0.0/16"}}
    return data


def test_vpcs_per_account_and_region_against_the_quota(tmp_path: Path) -> None:
    (problem,) = problems_of_data(tmp_path, _services_with_vpcs(6))
    assert "create 6 VPCs in account 222222222222, region us-west-1" in problem.message
    assert "quota of 5 VPCs per Region" in problem.message and "quotas: {vpcs_per_region" in problem.message
    five = tmp_path / "five.yaml"
    five.write_text(yaml.safe_dump(_services_with_vpcs(5)))
    assert len(load_environment(five).config.services) == 5, "5 VPCs in the provider account fit the default"
    raised = {**_services_with_vpcs(6), "quotas": {"vpcs_per_region": 10}}
    six = tmp_path / "six.yaml"
    six.write_text(yaml.safe_dump(raised))
    assert load_environment(six).config.quotas.vpcs_per_region == 10


def test_own_nlb_services_and_existing_vpcs_create_no_vpc(tmp_path: Path) -> None:
    data = _services_with_vpcs(6)
    data["services"]["s0"]["workload"] = {"nlb_arn": NLB.format(region="us-west-1", account="222222222222")}
    data["services"]["s1"]["network"] = {"vpc_id": "vpc-0123456789abcdef0", "subnet_ids": ["subnet-01234567"]}
    path = tmp_path / "ok.yaml"
    path.write_text(yaml.safe_dump(data))
    assert load_environment(path)


def test_name_budget_is_stated_with_what_is_left(tmp_path: Path) -> None:
    data = copy.deepcopy(VALID)
    data["services"] = {"employee-directory": data["services"]["employee"]}
    problem = only(problems_of_data(tmp_path, data, name="production"), "services.employee-directory")
    assert "share 24 characters" in problem.message
    assert "env 'production' leaves 13 for a service name" in problem.message
    assert "at most 13 characters" in problem.message


def test_central_name_budget_is_stated_with_what_is_left(tmp_path: Path) -> None:
    data = copy.deepcopy(VALID)
    data["central"]["api"] = {"name": "an-api-name-that-is-long-too"}
    problem = only(problems_of_data(tmp_path, data, name="production"), "central.api.name")
    assert "share 32 characters" in problem.message and "leaves 21 for api.name" in problem.message


def test_a_real_target_without_state_is_refused_with_the_fix(tmp_path: Path) -> None:
    data = {k: v for k, v in VALID.items() if k != "state"}
    (problem,) = problems_of_data(tmp_path, data)
    assert problem.field == "state" and problem.line == 1  # points at `target: aws`
    assert "state: {s3: {bucket:" in problem.message and "state: local" in problem.message
    no_target = {k: v for k, v in data.items() if k != "target"}
    (problem,) = problems_of_data(tmp_path, no_target)
    assert problem.field == "state" and "(aws is the default target)" in problem.message


def test_explicit_local_state_and_s3_state_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "local.yaml"
    path.write_text(yaml.safe_dump(VALID))
    config = load_environment(path).config
    assert config.state == "local" and config.remote_state is None
    s3 = {**VALID, "state": {"s3": {"bucket": "acme-tfstate", "region": "us-west-1"}}}
    path.write_text(yaml.safe_dump(s3))
    config = load_environment(path).config
    assert isinstance(config.state, State) and config.remote_state is not None
    assert config.remote_state.bucket == "acme-tfstate"


def test_an_empty_state_mapping_is_refused(tmp_path: Path) -> None:
    problem = only(problems_of_data(tmp_path, {**VALID, "state": {}}), "state.s3")
    assert problem.message == "is required; fix: add it"


def test_an_emulator_env_needs_no_state(tmp_path: Path) -> None:
    data = {**{k: v for k, v in VALID.items() if k != "state"}, "target": "emulator"}
    path = tmp_path / "emu.yaml"
    path.write_text(yaml.safe_dump(data))
    assert load_environment(path).config.state is None


def test_the_validated_env_round_trips_through_json(tmp_path: Path) -> None:
    from crossgate.config import Environment

    for state in ("local", {"s3": {"bucket": "acme-tfstate", "region": "us-west-1"}}):
        path = tmp_path / "rt.yaml"
        path.write_text(yaml.safe_dump({**VALID, "state": state}))
        env = load_environment(path)
        assert Environment.from_json(env.to_json()).config == env.config
