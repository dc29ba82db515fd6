"""Every per-env setting the modules offer is reachable from the env file, under the module's name.

Each key: accepted, refused with a message naming its field and a fix, and synthesized into the module
variable of that name. The diagram draws each route's effective authorization and throttling.
"""

from __future__ import annotations

import copy
import json
import warnings
from pathlib import Path
from typing import Any

import pytest

from crossgate.config import EnvConfigError, load_environment
from crossgate.ops.diagram import mermaid
from crossgate.paths import ENVS
from crossgate.synth import Manifest, synthesize
from tests.test_config import VALID, write_env

CERT = "arn:aws:acm:us-west-1:111111111111:certificate/0b1c2d3e-aaaa-bbbb-cccc-0123456789ab"
SECRET = "arn:aws:secretsmanager:us-west-1:222222222222:secret:employee/db-AbCdEf"
PARAM = "arn:aws:ssm:us-west-1:222222222222:parameter/employee/api-key"
ROLE = "arn:aws:iam::222222222222:role/employee-app"

# One env turning on every key this file is about.
ALL_ON: dict[str, Any] = copy.deepcopy(VALID)
ALL_ON["central"].update({
    "api": {
        "throttling": {"rate_limit": 40, "burst_limit": 80},
        "cors": {"allow_origins": ["https://app.example.com"], "allow_methods": ["GET", "POST"],
                 "allow_headers": ["authorization"], "max_age": 300},
    },
    "custom_domain": {"domain_name": "api.example.com", "certificate_arn": CERT,
                      "route53_zone_id": "Z0123456789ABCDEFGHIJ",
                      "mtls_truststore_uri": "s3://acme-truststores/api/truststore.pem"},
    "flow_logs": {"traffic_type": "REJECT", "retention_days": 7},
    "tags": {"team": "platform"},
})
ALL_ON["services"]["employee"].update({
    "flow_logs": {"enabled": False, "retention_days": 0},
    "tags": {"team": "people"},
    "route_overrides": {"ANY /employees": {"throttling": {"rate_limit": 5, "burst_limit": 10}}},
})
ALL_ON["services"]["employee"]["workload"]["fargate"].update({
    "container_port": 9000, "task_role_arn": ROLE, "secrets": {"DB_PASSWORD": SECRET, "API_KEY": PARAM},
    "cpu_architecture": "ARM64", "image_pull": "nat", "container_insights": "disabled",
})


def with_(path: str, value: Any, base: dict[str, Any] = VALID) -> dict[str, Any]:
    data = copy.deepcopy(base)
    *parents, last = path.split(".")
    node = data
    for part in parents:
        node = node.setdefault(part, {})
    node[last] = value
    return data


def problems_of(tmp_path: Path, data: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(EnvConfigError) as raised:
        load_environment(write_env(tmp_path, data))
    return {p.field: p.message for p in raised.value.problems}


def test_every_key_at_once_is_accepted(tmp_path: Path) -> None:
    config = load_environment(write_env(tmp_path, ALL_ON)).config
    fargate = config.services["employee"].workload.fargate
    assert fargate is not None and fargate.container_port == 9000 and fargate.cpu_architecture == "ARM64"
    assert config.central.custom_domain is not None and config.central.api.cors is not None
    assert config.central.api.throttling.rate_limit == 40


FARGATE = "services.employee.workload.fargate"
REFUSED = [
    ("cors-no-origin", "central.api.cors", {"allow_origins": []}, "central.api.cors.allow_origins", "at least 1"),
    ("cors-max-age", "central.api.cors", {"allow_origins": ["*"], "max_age": 90000},
     "central.api.cors.max_age", "86400"),
    ("domain-name", "central.custom_domain", {"domain_name": "API.example", "certificate_arn": CERT},
     "central.custom_domain.domain_name", "lowercase DNS name"),
    ("domain-cert", "central.custom_domain", {"domain_name": "api.example.com", "certificate_arn": "cert-1"},
     "central.custom_domain.certificate_arn", "ACM certificate ARN"),
    ("domain-zone", "central.custom_domain",
     {"domain_name": "api.example.com", "certificate_arn": CERT, "route53_zone_id": "example.com"},
     "central.custom_domain.route53_zone_id", "hosted zone id"),
    ("domain-mtls", "central.custom_domain",
     {"domain_name": "api.example.com", "certificate_arn": CERT, "mtls_truststore_uri": "https://x/y.pem"},
     "central.custom_domain.mtls_truststore_uri", "s3://"),
    ("central-flow-traffic", "central.flow_logs", {"traffic_type": "SOME"}, "central.flow_logs.traffic_type",
     "ALL"),
    ("central-flow-retention", "central.flow_logs", {"retention_days": 0}, "central.flow_logs.retention_days",
     "retention"),
    ("central-flow-kms", "central.flow_logs", {"kms_key_arn": "alias/logs"}, "central.flow_logs.kms_key_arn",
     "KMS key ARN"),
    ("service-flow-retention", "services.employee.flow_logs", {"retention_days": 2},
     "services.employee.flow_logs.retention_days", "retention"),
    ("central-tags-many", "central.tags", {f"k{i}": "v" for i in range(41)}, "central.tags", "over 40"),
    ("service-tag-long", "services.employee.tags", {"k" * 129: "v"}, "services.employee.tags", "1-128"),
    ("container-port", f"{FARGATE}.container_port", 0, f"{FARGATE}.container_port", "greater than or equal"),
    ("task-role", f"{FARGATE}.task_role_arn", "employee-app", f"{FARGATE}.task_role_arn", "IAM role ARN"),
    ("secret-arn", f"{FARGATE}.secrets", {"DB": "employee/db"}, f"{FARGATE}.secrets", "full ARN"),
    ("secret-name", f"{FARGATE}.secrets", {"1DB": SECRET}, f"{FARGATE}.secrets", "environment variable names"),
    ("cpu-arch", f"{FARGATE}.cpu_architecture", "arm64", f"{FARGATE}.cpu_architecture", "ARM64"),
    ("image-pull", f"{FARGATE}.image_pull", "internet", f"{FARGATE}.image_pull", "vpc_endpoints"),
    ("insights", f"{FARGATE}.container_insights", "on", f"{FARGATE}.container_insights", "enabled"),
]


@pytest.mark.parametrize(("case", "path", "value", "field", "words"), REFUSED, ids=[r[0] for r in REFUSED])
def test_each_key_refuses_what_its_module_refuses(tmp_path: Path, case: str, path: str, value: Any, field: str,
                                                  words: str) -> None:
    problems = problems_of(tmp_path, with_(path, value))
    assert field in problems, problems
    assert words in problems[field], problems[field]


def test_secrets_and_environment_share_no_name(tmp_path: Path) -> None:
    data = with_(f"{FARGATE}.secrets", {"EMPLOYEE_DB": SECRET},
                 with_(f"{FARGATE}.environment", {"EMPLOYEE_DB": "/data/x.db"}))
    message = problems_of(tmp_path, data)[FARGATE]
    assert "both environment and secrets" in message and "fix:" in message


def test_task_role_and_shared_storage_exclude_each_other(tmp_path: Path) -> None:
    data = with_(f"{FARGATE}.task_role_arn", ROLE, with_(f"{FARGATE}.shared_storage", {"path": "/data"}))
    message = problems_of(tmp_path, data)[FARGATE]
    assert "exclude each other" in message and "fix:" in message


def test_old_throttling_names_still_read_with_a_deprecation(tmp_path: Path) -> None:
    data = with_("central.api.throttling", {"rate": 7, "burst": 9})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        config = load_environment(write_env(tmp_path, data)).config
    assert (config.central.api.throttling.rate_limit, config.central.api.throttling.burst_limit) == (7, 9)
    messages = [str(w.message) for w in caught if issubclass(w.category, FutureWarning)]
    assert any("rename it to rate_limit and burst_limit" in m for m in messages), messages


def test_old_and_new_throttling_name_together_are_refused(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, with_("central.api.throttling", {"rate": 7, "rate_limit": 9}))
    assert "keep rate_limit" in problems["central.api.throttling"]


def test_a_misspelt_new_key_line_and_column(tmp_path: Path) -> None:
    with pytest.raises(EnvConfigError) as raised:
        load_environment(write_env(tmp_path, with_(f"{FARGATE}.cpu_architecture", "x86")))
    (problem,) = [p for p in raised.value.problems if p.field == f"{FARGATE}.cpu_architecture"]
    assert problem.line is not None and problem.column is not None


# --- synth: each key becomes the module variable of its name ------------------------------------------------


@pytest.fixture(scope="module")
def all_on(tmp_path_factory: pytest.TempPathFactory) -> Manifest:
    folder = tmp_path_factory.mktemp("reach")
    env = load_environment(write_env(folder, ALL_ON, name="reach"))
    return synthesize(env, folder / "cdktf.out")


def module_of(manifest: Manifest, stack: str, module: str) -> dict[str, Any]:
    body = json.loads((manifest.stack(stack).directory / "cdk.tf.json").read_text())
    return dict(body["module"][module])


def test_central_keys_reach_modules_central(all_on: Manifest) -> None:
    central = module_of(all_on, "reach-central", "central")
    assert central["custom_domain"] == ALL_ON["central"]["custom_domain"]
    assert central["api"]["cors"] == {"allow_origins": ["https://app.example.com"], "allow_methods": ["GET", "POST"],
                                      "allow_headers": ["authorization"], "expose_headers": [],
                                      "allow_credentials": False, "max_age": 300}
    assert central["api"]["throttling"] == {"rate_limit": 40, "burst_limit": 80}
    assert central["flow_logs"] == {"enabled": True, "traffic_type": "REJECT", "retention_days": 7}
    assert central["tags"] == {"team": "platform"}
    override = central["services"]["employee"]["route_overrides"]["ANY /employees"]
    assert override == {"throttling": {"rate_limit": 5, "burst_limit": 10}}


def test_service_keys_reach_modules_provider(all_on: Manifest) -> None:
    service = module_of(all_on, "reach-provider-employee", "service")
    fargate = service["fargate"]
    assert (service["port"], fargate["container_port"]) == (8080, 9000)
    assert fargate["task_role_arn"] == ROLE
    assert fargate["secrets"] == {"DB_PASSWORD": SECRET, "API_KEY": PARAM}
    assert fargate["cpu_architecture"] == "ARM64"
    assert (service["image_pull"], service["container_insights"]) == ("nat", "disabled")
    assert service["flow_logs"] == {"enabled": False, "traffic_type": "ALL", "retention_days": 0}
    assert service["tags"] == {"team": "people"}


def test_defaults_keep_the_container_on_the_listener_port(tmp_path: Path) -> None:
    from crossgate.synth.stacks import provider_variables

    env = load_environment(write_env(tmp_path, VALID))
    variables = provider_variables(env, "employee")
    assert variables["fargate"]["container_port"] == 8080 == variables["port"]
    assert "task_role_arn" not in variables["fargate"] and variables["fargate"]["cpu_architecture"] == "X86_64"
    assert (variables["image_pull"], variables["container_insights"]) == ("vpc_endpoints", "enabled")


# --- the diagram tells each route's truth -------------------------------------------------------------------


def route_node(text: str, route: str) -> str:
    (line,) = [line for line in text.splitlines() if f'["{route}<br/>' in line or f'["PUBLIC {route}<br/>' in line]
    return line


def test_multi_diagram_draws_each_route_with_its_scopes_and_throttling() -> None:
    text = mermaid(load_environment(ENVS / "multi.yaml"))
    employees = route_node(text, "ANY /employees")
    assert "auth: JWT corporate scopes employees.read<br/>throttle 200/s burst 400" in employees
    assert "throttle 50/s burst 100" in route_node(text, "ANY /employees/{proxy+}"), "the route override's throttling"
    assert "auth: JWT corporate scopes payroll.admin" in route_node(text, "GET /payroll/runs/{id}")
    assert "auth: IAM" in route_node(text, "GET /reports")
    assert "PUBLIC" not in text and "classDef public" not in text


def test_a_public_override_on_a_jwt_service_stands_out(tmp_path: Path) -> None:
    data = copy.deepcopy(VALID)
    data["central"]["authorizers"] = {"corporate": {"type": "jwt", "issuer": "https://login.example.com",
                                                    "audiences": ["api://crossgate"]}}
    employee = data["services"]["employee"]
    employee["authorization"] = {"jwt": "corporate", "scopes": ["employees.read"]}
    employee["route_overrides"] = {"ANY /employees": {"authorization": "none"}}
    text = mermaid(load_environment(write_env(tmp_path, data)))
    public = route_node(text, "ANY /employees")
    assert public.split('["', 1)[1].startswith("PUBLIC ANY /employees") and "auth: none" in public
    assert "auth: JWT corporate scopes employees.read" in route_node(text, "ANY /employees/{proxy+}")
    node_id = public.split("[", 1)[0].strip()
    assert f"class {node_id} public" in text and "classDef public" in text


def test_the_deployer_may_pass_the_named_task_role_to_ecs_tasks_only(tmp_path: Path) -> None:
    from crossgate.iam import account_policies, env_inventories

    env = load_environment(write_env(tmp_path, ALL_ON, name="reach"))
    policies = {p.account_id: p for p in account_policies(env, env_inventories(env, tmp_path / "synth"),
                                                          github_repo="acme/gateway")}
    statements = policies["222222222222"].permissions["Statement"]
    assert {"Sid": "PassTaskRoles", "Effect": "Allow", "Action": "iam:PassRole", "Resource": ROLE,
            "Condition": {"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}}} in statements
    assert not any(s.get("Sid") == "PassTaskRoles" for s in policies["111111111111"].permissions["Statement"])
