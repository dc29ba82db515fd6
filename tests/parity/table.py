"""ONE table: every module rule (tests/parity/rules.py) -> the env mutation that would feed a value breaking it
and the env field the schema must then name, or the reason no env file can reach it.

A module that gains a rule fails tests/parity/test_schema_parity.py until the rule is entered here.
Keys are the start of :attr:`Rule.key` (module, block, kind: first words of the message).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

DELETE = object()
"""A mutation value: remove the key."""

SVC = "services.employee"
FARGATE = f"{SVC}.workload.fargate"
JWT = {"type": "jwt", "issuer": "https://issuer.example.com", "audiences": ["api"]}
DOMAIN = {"domain_name": "api.example.com",
          "certificate_arn": "arn:aws:acm:us-west-1:111111111111:certificate/abc-123"}
LAMBDA = {"type": "lambda", "function_arn": "arn:aws:lambda:us-west-1:111111111111:function:authz"}


@dataclass(frozen=True)
class Refused:
    """Reachable from an env file: each case's mutated env must be refused, naming the field (a path prefix)."""

    cases: tuple[tuple[dict[str, Any], str], ...]


@dataclass(frozen=True)
class Unreachable:
    """No env file can feed a value breaking it, for this reason."""

    reason: str
    unpassed: tuple[str, ...] = ()
    """For a variable crossgate does not pass: its path in the provider module's variables (checked absent)."""


def refused(*cases: tuple[dict[str, Any], str]) -> Refused:
    return Refused(cases)


NOT_PASSED = "crossgate does not pass this variable (crossgate/synth/stacks.py): the module's valid default applies"
ONLY_AWS_KNOWS = ("only AWS knows this at plan (a data source read in the account): the precondition fails at plan, "
                  "before any resource is created, with the module's message")
FROM_MODULE = "fed by the calling crossgate module from its own variables, validated there, or from constants"
AFTER_APPLY = "checks the ENIs AWS created (read after the endpoint exists); no env value decides it"
KNOWN_REGION = ("a region from crossgate.config.regions (the schema refuses any other); "
                "test_every_known_region_matches_the_module_patterns proves they all match")

TABLE: dict[str, Refused | Unreachable] = {
    # --- modules/provider -------------------------------------------------------------------------------
    "modules/provider resource.aws_vpc_endpoint_service.this precondition: Set exactly one of nlb_arn": refused(
        ({f"{SVC}.workload.nlb_arn": "arn:aws:elasticloadbalancing:us-west-1:222222222222:loadbalancer/net/x/abc"},
         f"{SVC}.workload"),
        ({f"{SVC}.workload": {}}, f"{SVC}.workload")),
    "modules/provider resource.aws_vpc_endpoint_service.this precondition: vpc_id needs subnet_ids": refused(
        ({f"{SVC}.network": {"vpc_id": "vpc-0123456789abcdef0", "subnet_ids": []}}, f"{SVC}.network"),
        ({f"{SVC}.network": {"vpc_id": "vpc-0123456789abcdef0"}}, f"{SVC}.network")),
    "modules/provider resource.aws_vpc_endpoint_service.this precondition: image_pull": refused(
        ({f"{FARGATE}.image_pull": "nat",
          f"{SVC}.network": {"vpc_id": "vpc-0123456789abcdef0", "subnet_ids": ["subnet-0123456789abcdef0"]}},
         f"{FARGATE}.image_pull")),
    "modules/provider resource.aws_vpc_endpoint_service.this precondition: enforce_security_group": Unreachable(
        NOT_PASSED + " (enforcement off)",
        ("enforce_security_group_inbound_rules_on_private_link_traffic",)),
    "modules/provider var.name validation": refused(
        ({"name": "a" * 16, "services": {"x" * 8: "COPY:employee"}}, "services"),
        ({"services": {"employee\n": "COPY:employee"}}, "services")),
    "modules/provider var.tags validation": refused(
        ({f"{SVC}.tags": {"k" * 129: "v"}}, f"{SVC}.tags"), ({f"{SVC}.tags": {"": "v"}}, f"{SVC}.tags"),
        ({f"{SVC}.tags": {"k": "v" * 257}}, f"{SVC}.tags")),
    "modules/provider var.port validation": refused(
        ({f"{SVC}.port": 0}, f"{SVC}.port"), ({f"{SVC}.port": 65536}, f"{SVC}.port"),
        ({f"{SVC}.port": 80.5}, f"{SVC}.port")),
    "modules/provider var.allowed_principals validation: allowed_principals must list": refused(
        ({f"{SVC}.allowed_principals": []}, f"{SVC}.allowed_principals")),
    "modules/provider var.allowed_principals validation: Each allowed principal": refused(
        ({f"{SVC}.allowed_principals": ["*"]}, f"{SVC}.allowed_principals"),
        ({f"{SVC}.allowed_principals": ["arn:aws-iso:iam::111111111111:root"]}, f"{SVC}.allowed_principals"),
        ({f"{SVC}.allowed_principals": ["arn:aws:iam::111111111111:root\n"]}, f"{SVC}.allowed_principals"),
        ({f"{SVC}.allowed_principals": ["arn:aws:iam::111111111111:role/ünï"]}, f"{SVC}.allowed_principals"),
        ({"central.account_id": "\u0661" * 12, "central.role_arn": DELETE}, "central.account_id")),
    "modules/provider var.acceptance_required validation": refused(
        ({f"{SVC}.acceptance_required": None}, f"{SVC}.acceptance_required")),
    "modules/provider var.supported_regions validation": Unreachable(KNOWN_REGION),
    "modules/provider var.nlb_arn validation": refused(*(
        ({f"{SVC}.workload": {"nlb_arn": arn}}, f"{SVC}.workload.nlb_arn") for arn in (
            "arn:aws:elasticloadbalancing:us-west-1:222222222222:loadbalancer/net/x/ABC",
            "arn:aws-iso:elasticloadbalancing:us-west-1:222222222222:loadbalancer/net/x/abc",
            "arn:aws:elasticloadbalancing:us-west-1:222222222222:loadbalancer/net/x_y/abc",
            "arn:aws:elasticloadbalancing:us-west-1:222222222222:loadbalancer/app/x/abc"))),
    "modules/provider var.fargate validation: fargate.image must not be empty": refused(
        ({f"{FARGATE}.image": ""}, f"{FARGATE}.image"), ({f"{FARGATE}.image": "  "}, f"{FARGATE}.image")),
    "modules/provider var.fargate validation: fargate.cpu/memory": refused(
        ({f"{FARGATE}.cpu": 256, f"{FARGATE}.memory": 4096}, f"{FARGATE}.memory"),
        ({f"{FARGATE}.cpu": 8192, f"{FARGATE}.memory": 8192}, f"{FARGATE}.memory"),
        ({f"{FARGATE}.cpu": 4096, f"{FARGATE}.memory": 30721}, f"{FARGATE}.memory"),
        ({f"{FARGATE}.cpu": 300}, f"{FARGATE}.cpu"), ({f"{FARGATE}.cpu": 32768}, f"{FARGATE}.cpu")),
    "modules/provider var.fargate validation: fargate.desired_count": refused(
        ({f"{FARGATE}.desired_count": -1}, f"{FARGATE}.desired_count"),
        ({f"{FARGATE}.desired_count": 1.5}, f"{FARGATE}.desired_count")),
    "modules/provider var.fargate validation: fargate.container_port": refused(
        ({f"{SVC}.port": 70000}, f"{SVC}.port"), ({f"{FARGATE}.container_port": 0}, f"{FARGATE}.container_port"),
        ({f"{FARGATE}.container_port": 65536}, f"{FARGATE}.container_port")),
    "modules/provider var.fargate validation: fargate.task_role_arn must be an IAM role ARN": refused(*(
        ({f"{FARGATE}.task_role_arn": arn}, f"{FARGATE}.task_role_arn") for arn in (
            "arn:aws:iam::222222222222:user/x", "arn:aws-iso:iam::222222222222:role/x",
            "arn:aws:iam::222222222222:role/x\n"))),
    "modules/provider var.fargate validation: fargate.task_role_arn and fargate.shared_storage": refused(
        ({f"{FARGATE}.task_role_arn": "arn:aws:iam::222222222222:role/app",
          f"{FARGATE}.shared_storage": {"path": "/data"}}, FARGATE)),
    "modules/provider var.fargate validation: fargate.secrets must map": refused(
        ({f"{FARGATE}.secrets": {"DB": "db-password"}}, f"{FARGATE}.secrets"),
        ({f"{FARGATE}.secrets": {"1DB": "arn:aws:ssm:us-west-1:222222222222:parameter/db"}}, f"{FARGATE}.secrets")),
    "modules/provider var.fargate validation: fargate.secrets and fargate.environment": refused(
        ({f"{FARGATE}.secrets": {"DB": "arn:aws:ssm:us-west-1:222222222222:parameter/db"},
          f"{FARGATE}.environment": {"DB": "x"}}, FARGATE)),
    "modules/provider var.fargate validation: fargate.cpu_architecture": refused(
        ({f"{FARGATE}.cpu_architecture": "arm64"}, f"{FARGATE}.cpu_architecture")),
    "modules/provider var.fargate validation: fargate.health_check_path": refused(
        ({f"{FARGATE}.health_check_path": "/a b"}, f"{FARGATE}.health_check_path"),
        ({f"{FARGATE}.health_check_path": "health"}, f"{FARGATE}.health_check_path"),
        ({f"{FARGATE}.health_check_path": "/" + "a" * 1024}, f"{FARGATE}.health_check_path")),
    "modules/provider var.fargate validation: fargate.environment keys": refused(
        ({f"{FARGATE}.environment": {"1ST": "x"}}, f"{FARGATE}.environment"),
        ({f"{FARGATE}.environment": {"A-B": "x"}}, f"{FARGATE}.environment"),
        ({f"{FARGATE}.environment": {"ÄB": "x"}}, f"{FARGATE}.environment")),
    "modules/provider var.fargate validation: fargate.writable_paths": Unreachable(
        NOT_PASSED + " (writable_paths = [\"/data\"])", ("fargate", "writable_paths")),
    "modules/provider var.fargate validation: fargate.shared_storage.path": refused(
        ({f"{FARGATE}.shared_storage": {"path": "/data/"}}, f"{FARGATE}.shared_storage.path"),
        ({f"{FARGATE}.shared_storage": {"path": "/a/../b"}}, f"{FARGATE}.shared_storage.path"),
        ({f"{FARGATE}.shared_storage": {"path": "/"}}, f"{FARGATE}.shared_storage.path"),
        ({f"{FARGATE}.shared_storage": {"path": "/" + "a" * 255}}, f"{FARGATE}.shared_storage.path")),
    "modules/provider var.fargate validation: fargate.shared_storage.uid and gid": Unreachable(
        NOT_PASSED + " (shared_storage.uid/gid = 10001)", ("fargate", "shared_storage", "uid")),
    "modules/provider var.fargate validation: fargate.shared_storage.kms_key_arn": Unreachable(
        NOT_PASSED, ("fargate", "shared_storage", "kms_key_arn")),
    "modules/provider var.vpc_cidr validation": refused(
        ({f"{SVC}.network": {"cidr": "10.0.0.0/8"}}, f"{SVC}.network.cidr"),
        ({f"{SVC}.network": {"cidr": "10.20.0.0/25"}}, f"{SVC}.network.cidr"),
        ({f"{SVC}.network": {"cidr": "10.20.0.0"}}, f"{SVC}.network.cidr")),
    "modules/provider var.az_count validation": refused(
        ({f"{SVC}.network": {"cidr": "10.20.0.0/16", "az_count": 7}}, f"{SVC}.network.az_count"),
        ({f"{SVC}.network": {"cidr": "10.20.0.0/16", "az_count": 0}}, f"{SVC}.network.az_count")),
    "modules/provider var.availability_zone_ids validation": refused(
        ({f"{SVC}.network": {"cidr": "10.20.0.0/16", "availability_zone_ids": ["usw1-az1", "usw1-az1"]}},
         f"{SVC}.network.availability_zone_ids"),
        ({f"{SVC}.network": {"cidr": "10.20.0.0/16", "availability_zone_ids": ["us-west-1a"]}},
         f"{SVC}.network.availability_zone_ids"),
        ({f"{SVC}.network": {"cidr": "10.20.0.0/16", "availability_zone_ids": [f"usw1-az{i}" for i in range(7)]}},
         f"{SVC}.network.availability_zone_ids")),
    "modules/provider var.vpc_id validation": refused(
        ({f"{SVC}.network": {"vpc_id": "vpc-xyz", "subnet_ids": ["subnet-0123456789abcdef0"]}},
         f"{SVC}.network.vpc_id")),
    "modules/provider var.subnet_ids validation": refused(
        ({f"{SVC}.network": {"vpc_id": "vpc-0123456789abcdef0", "subnet_ids": ["subnet-XYZ"]}},
         f"{SVC}.network.subnet_ids"),
        ({f"{SVC}.network": {"vpc_id": "vpc-0123456789abcdef0",
                             "subnet_ids": ["subnet-0123456789abcdef0", "subnet-0123456789abcdef0"]}},
         f"{SVC}.network.subnet_ids")),
    "modules/provider var.image_pull validation": refused(
        ({f"{FARGATE}.image_pull": "internet"}, f"{FARGATE}.image_pull")),
    "modules/provider var.log_retention_days validation": Unreachable(
        NOT_PASSED + " (30 days)", ("log_retention_days",)),
    "modules/provider var.log_kms_key_arn validation": Unreachable(NOT_PASSED, ("log_kms_key_arn",)),
    "modules/provider var.container_insights validation": refused(
        ({f"{FARGATE}.container_insights": "on"}, f"{FARGATE}.container_insights")),
    "modules/provider var.flow_logs validation: flow_logs.traffic_type": refused(
        ({f"{SVC}.flow_logs": {"traffic_type": "all"}}, f"{SVC}.flow_logs.traffic_type")),
    "modules/provider var.flow_logs validation: flow_logs.retention_days": refused(
        ({f"{SVC}.flow_logs": {"retention_days": 31}}, f"{SVC}.flow_logs.retention_days")),
    "modules/provider var.enforce_security_group_inbound_rules_on_private_link_traffic validation": Unreachable(
        NOT_PASSED, ("enforce_security_group_inbound_rules_on_private_link_traffic",)),
    "modules/provider var.privatelink_client_cidrs validation": Unreachable(
        NOT_PASSED, ("privatelink_client_cidrs",)),
    # --- modules/central --------------------------------------------------------------------------------
    "modules/central resource.aws_vpc_endpoint.this precondition: local.network_problem": refused(
        ({"central.network": {"cidr": "10.10.0.0/16", "vpc_id": "vpc-0123456789abcdef0",
                              "subnet_ids": ["subnet-0123456789abcdef0"]}}, "central.network"),
        ({"central.network": {"vpc_id": "vpc-0123456789abcdef0", "subnet_ids": []}}, "central.network")),
    "modules/central resource.aws_apigatewayv2_vpc_link.this precondition: local.network_problem": refused(
        ({"central.network": {"vpc_id": "vpc-0123456789abcdef0"}}, "central.network")),
    "modules/central resource.aws_vpc_endpoint.this precondition: Service … pins": refused(
        ({f"{SVC}.endpoint_ips": ["10.10.0.10"]}, f"{SVC}.endpoint_ips"),
        ({"central.network": {"vpc_id": "vpc-0123456789abcdef0", "subnet_ids": ["subnet-0123456789abcdef0"]},
          f"{SVC}.endpoint_ips": ["10.10.0.10", "10.10.32.10"]}, f"{SVC}.endpoint_ips")),
    "modules/central resource.aws_vpc_endpoint.this precondition: local.zone_problem": Unreachable(
        ONLY_AWS_KNOWS + " (the AZs the endpoint service serves, as the central account names them)"),
    "modules/central resource.aws_apigatewayv2_route.this precondition: Route": refused(
        ({"central.authorizers": {"authz": LAMBDA}, f"{SVC}.authorization": {"jwt": "authz"}},
         f"{SVC}.authorization"),
        ({"central.authorizers": {"authz": JWT}, f"{SVC}.authorization": {"lambda": "authz"}},
         f"{SVC}.authorization"),
        ({f"{SVC}.authorization": {"jwt": "missing"}}, f"{SVC}.authorization")),
    "modules/central var.name validation": refused(
        ({"name": "a" * 24, "central.api": {"name": "b" * 8}}, "central.api.name"),
        ({"central.api": {"name": "Api"}}, "central.api.name"),
        ({"central.api": {"name": "api-"}}, "central.api.name"),
        ({"name": "dev\n"}, "name")),
    "modules/central var.tags validation": refused(
        ({"central.tags": {f"k{i}": "v" for i in range(41)}}, "central.tags")),
    "modules/central var.vpc_cidr validation": refused(
        ({"central.network": {"cidr": "10.0.0.0/8"}}, "central.network.cidr"),
        ({"central.network": {"cidr": "10.10.0.1/16"}}, "central.network.cidr")),
    "modules/central var.az_count validation": refused(
        ({"central.network": {"cidr": "10.10.0.0/16", "az_count": 7}}, "central.network.az_count"),
        ({"central.network": {"cidr": "10.10.0.0/16", "az_count": 1.5}}, "central.network.az_count")),
    "modules/central var.availability_zone_ids validation": refused(
        ({"central.network": {"cidr": "10.10.0.0/16", "availability_zone_ids": ["usw1-az1", "usw1-az1"]}},
         "central.network.availability_zone_ids"),
        ({"central.network": {"cidr": "10.10.0.0/16", "availability_zone_ids": ["usw1-az1\n"]}},
         "central.network.availability_zone_ids")),
    "modules/central var.vpc_id validation": refused(
        ({"central.network": {"vpc_id": "vpc-12", "subnet_ids": ["subnet-0123456789abcdef0"]}},
         "central.network.vpc_id")),
    "modules/central var.subnet_ids validation: Every subnet id": refused(
        ({"central.network": {"vpc_id": "vpc-0123456789abcdef0", "subnet_ids": ["subnet-0123456789ABCDEF0"]}},
         "central.network.subnet_ids")),
    "modules/central var.subnet_ids validation: The subnet_ids must be distinct and at most 16": refused(
        ({"central.network": {"vpc_id": "vpc-0123456789abcdef0",
                              "subnet_ids": ["subnet-0123456789abcdef0"] * 2}}, "central.network.subnet_ids"),
        ({"central.network": {"vpc_id": "vpc-0123456789abcdef0",
                              "subnet_ids": [f"subnet-{i:017x}" for i in range(17)]}}, "central.network")),
    "modules/central var.flow_logs validation: The flow_logs.traffic_type": refused(
        ({"central.flow_logs": {"traffic_type": "NONE"}}, "central.flow_logs.traffic_type")),
    "modules/central var.flow_logs validation: The flow_logs.retention_days": refused(
        ({"central.flow_logs": {"retention_days": 0}}, "central.flow_logs.retention_days"),
        ({"central.flow_logs": {"retention_days": 2}}, "central.flow_logs.retention_days")),
    "modules/central var.flow_logs validation: The flow_logs.kms_key_arn": refused(
        ({"central.flow_logs": {"kms_key_arn": "alias/x"}}, "central.flow_logs.kms_key_arn")),
    "modules/central var.services validation: Give from 1 to 300 services": refused(
        ({"services": {}}, "services"),
        ({"services": {f"s{i}": "COPY:employee" for i in range(301)}}, "services")),
    "modules/central var.services validation: Service names must be DNS-safe": refused(
        ({"services": {"Employee": "COPY:employee"}}, "services"),
        ({"services": {"e" * 33: "COPY:employee"}}, "services"),
        ({"services": {"employee-": "COPY:employee"}}, "services")),
    "modules/central var.services validation: Every service port": refused(
        ({f"{SVC}.port": -1}, f"{SVC}.port"), ({f"{SVC}.port": "80x"}, f"{SVC}.port")),
    "modules/central var.services validation: Every endpoint_service_name": Unreachable(
        "the provider stack's output (aws_vpc_endpoint_service.service_name), never a value of the env file"),
    "modules/central var.services validation: Every service_region": Unreachable(KNOWN_REGION),
    "modules/central var.services validation: Every service needs at least one route": refused(
        ({f"{SVC}.routes": []}, f"{SVC}.routes")),
    "modules/central var.services validation: Route keys must be \"METHOD /path\"": refused(*(
        ({f"{SVC}.routes": [route]}, f"{SVC}.routes") for route in (
            "FETCH /x", "GET x", "GET /a b", "GET /{proxy+}/x", "GET /x\n", "GET /ünï", "GET /x/"))),
    "modules/central var.services validation: Route keys must be unique across all services": refused(
        ({"services.other": "COPY:employee"}, "services.other.routes")),
    "modules/central var.services validation: An HTTP API allows at most 300 routes": refused(
        ({f"{SVC}.routes": [f"GET /r{i}" for i in range(301)]}, "services")),
    "modules/central var.services validation: Every endpoint_ips entry": refused(
        ({f"{SVC}.endpoint_ips": ["10.10.0.10", "10.10.0.10"]}, f"{SVC}.endpoint_ips"),
        ({f"{SVC}.endpoint_ips": ["010.10.0.10", "10.10.32.10"]}, f"{SVC}.endpoint_ips"),
        ({f"{SVC}.endpoint_ips": ["10.10.0.10\n", "10.10.32.10"]}, f"{SVC}.endpoint_ips")),
    "modules/central var.services validation: Every authorization.type": refused(
        ({f"{SVC}.authorization": "basic"}, f"{SVC}.authorization"),
        ({f"{SVC}.route_overrides": {"ANY /employees": {"authorization": "NONE"}}},
         f"{SVC}.route_overrides")),
    "modules/central var.services validation: Authorization JWT and CUSTOM must name an authorizer": refused(
        ({"central.authorizers": {"authz": LAMBDA}, f"{SVC}.authorization": {"lambda": "authz", "scopes": ["a"]}},
         f"{SVC}.authorization"),
        ({f"{SVC}.authorization": {"scopes": ["a"]}}, f"{SVC}.authorization")),
    "modules/central var.services validation: Every route_overrides key": refused(
        ({f"{SVC}.route_overrides": {"GET /elsewhere": {"authorization": "iam"}}}, f"{SVC}.route_overrides")),
    "modules/central var.services validation: Route throttling": refused(*(
        ({f"{SVC}.route_overrides": {"ANY /employees": {"throttling": throttling}}},
         f"{SVC}.route_overrides") for throttling in (
            {"rate_limit": 0, "burst_limit": 1}, {"rate_limit": 10001, "burst_limit": 1},
            {"rate_limit": 1, "burst_limit": 5001}, {"rate_limit": 1, "burst_limit": -1},
            {"rate_limit": 1, "burst_limit": 1.5}))),
    "modules/central var.authorizers validation: An HTTP API allows at most 10 authorizers": refused(
        ({"central.authorizers": {f"a{i}": JWT for i in range(11)}}, "central.authorizers")),
    "modules/central var.authorizers validation: Authorizer names": refused(
        ({"central.authorizers": {"bad name": JWT}}, "central.authorizers"),
        ({"central.authorizers": {"a" * 65: JWT}}, "central.authorizers"),
        ({"central.authorizers": {"ä": JWT}}, "central.authorizers")),
    "modules/central var.authorizers validation: Every authorizer type": refused(
        ({"central.authorizers": {"a": {**JWT, "type": "oauth"}}}, "central.authorizers.a")),
    "modules/central var.authorizers validation: A JWT authorizer needs": refused(
        ({"central.authorizers": {"a": {**JWT, "issuer": "http://issuer.example.com"}}}, "central.authorizers.a"),
        ({"central.authorizers": {"a": {**JWT, "audiences": []}}}, "central.authorizers.a"),
        ({"central.authorizers": {"a": {**JWT, "function_arn": LAMBDA["function_arn"]}}}, "central.authorizers.a")),
    "modules/central var.authorizers validation: A REQUEST authorizer needs": refused(*(
        ({"central.authorizers": {"a": {**LAMBDA, "function_arn": arn}}}, "central.authorizers.a") for arn in (
            "arn:aws:lambda:us-west-1:111111111111:function:ünï",
            "arn:aws:lambda:us-west-1:111111111111:function:authz\n",
            "arn:aws:lambda:us-west-1:11111111111:function:authz",
            "arn:aws:lambda:us-west-1:111111111111:function:a.b"))),
    "modules/central var.authorizers validation: Every result_ttl_seconds": refused(
        ({"central.authorizers": {"a": {**LAMBDA, "result_ttl_seconds": 3601}}}, "central.authorizers.a"),
        ({"central.authorizers": {"a": {**LAMBDA, "result_ttl_seconds": -1}}}, "central.authorizers.a")),
    "modules/central var.authorizers validation: Every identity source": refused(*(
        ({"central.authorizers": {"a": {**kind, "identity_sources": [source]}}}, "central.authorizers.a")
        for kind in (JWT, LAMBDA) for source in ("Authorization", "$request.header.", "$request.body.x"))),
    "modules/central var.api validation: The api.throttling": refused(*(
        ({"central.api": {"throttling": throttling}}, "central.api.throttling") for throttling in (
            {"rate_limit": 0}, {"rate_limit": -1}, {"rate_limit": 10000.5}, {"burst_limit": 5001},
            {"burst_limit": -1}, {"burst_limit": 2.5}))),
    "modules/central var.api validation: The api.log_retention_days": refused(
        ({"central.api": {"log_retention_days": 31}}, "central.api.log_retention_days"),
        ({"central.api": {"log_retention_days": 0}}, "central.api.log_retention_days")),
    "modules/central var.api validation: The api.log_kms_key_arn": refused(
        ({"central.api": {"log_kms_key_arn": "alias/logs"}}, "central.api.log_kms_key_arn"),
        ({"central.api": {"log_kms_key_arn": "arn:aws:kms:us-west-1:111111111111:alias/logs"}},
         "central.api.log_kms_key_arn")),
    "modules/central var.api validation: The api.cors": refused(
        ({"central.api": {"cors": {"allow_origins": []}}}, "central.api.cors.allow_origins"),
        ({"central.api": {"cors": {"allow_origins": ["*"], "max_age": 86401}}}, "central.api.cors.max_age"),
        ({"central.api": {"cors": {"allow_origins": ["*"], "max_age": -1}}}, "central.api.cors.max_age")),
    "modules/central var.custom_domain validation: The custom_domain.domain_name": refused(*(
        ({"central.custom_domain": {**DOMAIN, "domain_name": name}}, "central.custom_domain.domain_name")
        for name in ("API.example.com", "api", "api.example.com\n", "-a.example.com"))),
    "modules/central var.custom_domain validation: The custom_domain.certificate_arn": refused(
        ({"central.custom_domain": {**DOMAIN, "certificate_arn": "arn:aws:iam::111111111111:server-certificate/x"}},
         "central.custom_domain.certificate_arn")),
    "modules/central var.custom_domain validation: The custom_domain.mtls_truststore_uri": refused(*(
        ({"central.custom_domain": {**DOMAIN, "mtls_truststore_uri": uri}}, "central.custom_domain.mtls_truststore_uri")
        for uri in ("s3://bucket/", "https://bucket/key", "s3://b/key"))),
    "modules/central var.custom_domain validation: The custom_domain.route53_zone_id": refused(
        ({"central.custom_domain": {**DOMAIN, "route53_zone_id": "z123"}}, "central.custom_domain.route53_zone_id")),
    # --- modules/private_network (called by modules/central and modules/provider) ----------------------
    "modules/private_network resource.aws_vpc.this precondition: The region has": Unreachable(
        ONLY_AWS_KNOWS + " (the region's AZ count in this account)"),
    "modules/private_network resource.aws_vpc.this precondition: The availability_zone_ids": Unreachable(
        ONLY_AWS_KNOWS + " (the region's AZ ids)"),
    "modules/private_network resource.aws_vpc.this precondition: A /": Unreachable(
        FROM_MODULE + ": subnet_newbits is 3 (central) or 4 (provider) and both modules cap vpc_cidr at /24"),
    "modules/private_network var.": Unreachable(FROM_MODULE),
    # --- eni_lookup (called by modules/central per service) -------------------------------------------
    "eni_lookup data.aws_network_interface.this precondition: The VPC endpoint lists": Unreachable(
        AFTER_APPLY),
    "eni_lookup data.aws_network_interface.this precondition: There are": Unreachable(
        FROM_MODULE + ": modules/central passes expected_ips only when their count is the subnet count"),
    "eni_lookup data.aws_network_interface.this postcondition": Unreachable(AFTER_APPLY),
    "eni_lookup var.": Unreachable(
        FROM_MODULE + ": ENI ids come from AWS, expected_count is the subnet count (1-16 by central's "
        "subnet_ids and az_count rules), expected_ips are a service's endpoint_ips (central's services rule)"),
}
