"""Every examples/* folder (modules/*/examples/*, eni_lookup/examples/*) applied with plain terraform against one
emulator, then read back with boto3.

The drop-in promise: the examples are real-AWS root modules used with no Python. The test copies the modules to a
temp folder and writes next to each example only what pointing it at the emulator takes, the terraform-native
way: an ``emulator_override.tf`` merging the emulator's endpoints, fake credentials and the account's role into
the example's own ``provider "aws"`` block (Terraform "Override Files": a provider block in an override file
merges into the one with the same name), and an ``emulator.auto.tfvars.json`` with the ids the test created
(existing VPC, NLB, Lambda, certificate, zone) or another example produced (endpoint service names, the network
eni_lookup's endpoint goes in). Then ``terraform init``, ``apply``, a ``plan`` that must show no changes, boto3
read-backs, and ``destroy``.

Accounts: central examples and eni_lookup's in 111111111111 (the examples' default allowed principal), provider
examples in 222222222222; existing-nlb in eu-west-1, consumed cross-region by central/complete's payroll service.
"""

from __future__ import annotations

import io
import ipaddress
import json
import os
import subprocess
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest

from crossgate import emulator
from crossgate.emulator.settings import assume_role_arn, provider_settings
from crossgate.paths import TERRAFORM_CLI_CONFIG
from tests.hcl_copies import copy_hcl_modules

pytestmark = [pytest.mark.e2e, pytest.mark.terraform]

ROOT = Path(__file__).resolve().parents[2]
CENTRAL = "111111111111"
PROVIDER = "222222222222"
REGION = "us-east-1"
CROSS_REGION = "eu-west-1"
DOMAIN = "api.crossgate-example.test"

# (example folder, account, region): the order is the apply order within each phase. A folder is named relative to
# modules/ (eni_lookup's relative to the checkout: it is not under modules/).
PROVIDER_EXAMPLES = [
    ("private_network/examples/basic", CENTRAL, REGION),
    ("provider/examples/fargate", PROVIDER, REGION),
    ("provider/examples/fargate-nat", PROVIDER, REGION),
    ("provider/examples/existing-vpc", PROVIDER, REGION),
    ("provider/examples/existing-nlb", PROVIDER, CROSS_REGION),
]
# Phase 2: what consumes phase 1's endpoint services and network, in the central account.
ENI_EXAMPLE = "eni_lookup/examples/basic"
ENI_SERVICE_EXAMPLE = "provider/examples/fargate-nat"  # the endpoint service eni_lookup's example connects to
CENTRAL_EXAMPLES = [
    ("central/examples/complete", CENTRAL, REGION),
    ("central/examples/existing-vpc", CENTRAL, REGION),
    (ENI_EXAMPLE, CENTRAL, REGION),
]


def _checkout_path(name: str) -> str:
    """An example's folder relative to the checkout (the names above are relative to modules/, but eni_lookup's)."""
    return name if name.startswith("eni_lookup/") else f"modules/{name}"


def test_every_example_is_applied() -> None:
    """A new example folder must join this suite (else its apply is never proven)."""
    found = [p.parent for p in (*(ROOT / "modules").glob("*/examples/*/main.tf"),
                                *(ROOT / "eni_lookup").glob("examples/*/main.tf"))]
    assert sorted(str(f.relative_to(ROOT)) for f in found) == sorted(
        _checkout_path(name) for name, _, _ in PROVIDER_EXAMPLES + CENTRAL_EXAMPLES)


def _override(url: str, account: str) -> str:
    """HCL merging the emulator settings (crossgate.emulator.settings.provider_settings) into the example's provider."""
    settings = provider_settings(url)
    endpoints = settings.pop("endpoints")[0]  # type: ignore[index]
    lines = ['provider "aws" {']
    lines += [f"  {key} = {json.dumps(value)}" for key, value in settings.items()]
    lines += ["  endpoints {"] + [f"    {svc} = {json.dumps(u)}" for svc, u in endpoints.items()] + ["  }"]
    lines += ["  assume_role {", f"    role_arn = {json.dumps(assume_role_arn(account))}", "  }", "}", ""]
    return "\n".join(lines)


@dataclass
class Example:
    name: str
    folder: Path
    account: str
    region: str
    env: dict[str, str]
    outputs: dict[str, Any] = field(default_factory=dict)
    plan_exit: int = -1

    def tf(self, *args: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(["terraform", *args], cwd=self.folder, env=self.env, text=True, capture_output=True,
                              timeout=900)
        return done

    def run(self, *args: str) -> str:
        done = self.tf(*args)
        assert done.returncode == 0, f"{self.name}: terraform {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def apply(self, variables: dict[str, Any]) -> Example:
        (self.folder / "emulator.auto.tfvars.json").write_text(json.dumps(variables))
        self.run("init", "-input=false", "-no-color")
        self.run("apply", "-auto-approve", "-input=false", "-no-color")
        self.outputs = {k: v["value"] for k, v in json.loads(self.run("output", "-json")).items()}
        self.plan_exit = self.tf("plan", "-detailed-exitcode", "-input=false", "-no-color").returncode
        return self

    def destroy(self) -> None:
        self.tf("destroy", "-auto-approve", "-input=false", "-no-color")


class Accounts:
    """boto3 clients into the emulated accounts (moto issues keys owned by the assumed role's account)."""

    def __init__(self, url: str) -> None:
        self.url = url
        env = emulator.terraform_environment(url)
        self.base = boto3.Session(aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
                                  aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"], region_name=REGION)

    def client(self, account: str, service: str, region: str = REGION) -> Any:
        sts = self.base.client("sts", endpoint_url=self.url)
        creds = sts.assume_role(RoleArn=assume_role_arn(account), RoleSessionName="examples")["Credentials"]
        return boto3.client(service, region_name=region, endpoint_url=self.url,
                            aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                            aws_session_token=creds["SessionToken"])


@dataclass
class Prerequisites:
    """What the examples take as existing: made here with boto3, as a user's account would already hold them."""

    provider_vpc_id: str
    provider_subnet_ids: list[str]
    nlb_name: str
    function_arn: str
    certificate_arn: str
    zone_id: str


def _network(ec2: Any, cidr: str) -> tuple[str, list[str]]:
    vpc = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    zones = [z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"]][:2]
    base = cidr.split(".")
    subnets = [ec2.create_subnet(VpcId=vpc, AvailabilityZone=zone, CidrBlock=f"{base[0]}.{base[1]}.{i}.0/24")
               ["Subnet"]["SubnetId"] for i, zone in enumerate(zones)]
    return vpc, subnets


def _self_signed(domain: str) -> tuple[bytes, bytes]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, domain)])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(domain)]), critical=False)
            .sign(key, hashes.SHA256()))
    return (cert.public_bytes(serialization.Encoding.PEM),
            key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                              serialization.NoEncryption()))


def _prerequisites(accounts: Accounts) -> Prerequisites:
    vpc_id, subnet_ids = _network(accounts.client(PROVIDER, "ec2"), "10.50.0.0/16")

    # existing-nlb: an internal NLB with a TCP listener on port 80, in eu-west-1.
    nlb_name = "inventory-internal"
    ec2_eu = accounts.client(PROVIDER, "ec2", CROSS_REGION)
    eu_vpc, eu_subnets = _network(ec2_eu, "10.60.0.0/16")
    elb = accounts.client(PROVIDER, "elbv2", CROSS_REGION)
    nlb = elb.create_load_balancer(Name=nlb_name, Type="network", Scheme="internal", Subnets=eu_subnets)
    nlb_arn = nlb["LoadBalancers"][0]["LoadBalancerArn"]
    group = elb.create_target_group(Name="inventory", Protocol="TCP", Port=80, VpcId=eu_vpc, TargetType="ip")
    elb.create_listener(LoadBalancerArn=nlb_arn, Protocol="TCP", Port=80, DefaultActions=[
        {"Type": "forward", "TargetGroupArn": group["TargetGroups"][0]["TargetGroupArn"]}])

    iam = accounts.client(CENTRAL, "iam")
    role = iam.create_role(RoleName="crossgate-authorizer", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                "Principal": {"Service": "lambda.amazonaws.com"}}]}))["Role"]["Arn"]
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("index.py", "def handler(event, context):\n    return {'isAuthorized': True}\n")
    function_arn = accounts.client(CENTRAL, "lambda").create_function(
        FunctionName="crossgate-authorizer", Runtime="python3.12", Role=role, Handler="index.handler",
        Code={"ZipFile": archive.getvalue()})["FunctionArn"]

    cert, key = _self_signed(DOMAIN)
    certificate_arn = accounts.client(CENTRAL, "acm").import_certificate(Certificate=cert, PrivateKey=key)[
        "CertificateArn"]
    route53 = accounts.client(CENTRAL, "route53")
    # The module checks the zone id is AWS-shaped (^Z[A-Z0-9]+$); the emulator's route53-zone-ids patch draws such ids.
    zone = route53.create_hosted_zone(Name="crossgate-example.test", CallerReference="examples")[
        "HostedZone"]["Id"].rsplit("/", 1)[-1]
    return Prerequisites(vpc_id, subnet_ids, nlb_name, function_arn, certificate_arn, zone)


def _eni_lookup_vars(ec2: Any, network: dict[str, Any], service_name: str) -> dict[str, Any]:
    """eni_lookup's example endpoint in the private_network example's VPC, in the subnets whose AZs the service
    serves (as a user reads them: DescribeVpcEndpointServices answers the consumer's AZ names), with the VPC's
    default security group (EC2 API reference, CreateVpcEndpoint SecurityGroupIds: "If this parameter is not
    specified, we use the default security group for the VPC")."""
    served = ec2.describe_vpc_endpoint_services(ServiceNames=[service_name])["ServiceDetails"][0]["AvailabilityZones"]
    subnets = ec2.describe_subnets(SubnetIds=network["subnet_ids"])["Subnets"]
    subnet_ids = [s["SubnetId"] for s in sorted(subnets, key=lambda s: s["AvailabilityZone"])
                  if s["AvailabilityZone"] in served]
    assert len(subnet_ids) >= 2, f"the network shares fewer than 2 AZs with {service_name} ({served})"
    default_group = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [network["vpc_id"]]},
                                                          {"Name": "group-name", "Values": ["default"]}])[
        "SecurityGroups"][0]["GroupId"]
    return {"region": REGION, "vpc_id": network["vpc_id"], "subnet_ids": subnet_ids,
            "security_group_ids": [default_group], "endpoint_service_name": service_name}


@dataclass
class Applied:
    examples: dict[str, Example]
    accounts: Accounts
    pre: Prerequisites

    def __getitem__(self, name: str) -> Example:
        return self.examples[name]


@pytest.fixture(scope="module")
def applied(emulator_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Applied]:
    root = copy_hcl_modules(tmp_path_factory.mktemp("examples"), without=("terraform.tfstate*",))
    env = emulator.terraform_environment(emulator_url, os.environ)
    env.update(TF_IN_AUTOMATION="1", TF_INPUT="0", CHECKPOINT_DISABLE="1")
    if TERRAFORM_CLI_CONFIG.exists():
        env.setdefault("TF_CLI_CONFIG_FILE", str(TERRAFORM_CLI_CONFIG))
    env = {k: v for k, v in env.items() if not k.startswith("TF_VAR_")}

    examples: dict[str, Example] = {}
    for name, account, region in PROVIDER_EXAMPLES + CENTRAL_EXAMPLES:
        folder = root / _checkout_path(name)
        (folder / "emulator_override.tf").write_text(_override(emulator_url, account))
        examples[name] = Example(name, folder, account, region, env)

    accounts = Accounts(emulator_url)
    pre = _prerequisites(accounts)
    central_root = f"arn:aws:iam::{CENTRAL}:root"
    provider_vars: dict[str, dict[str, Any]] = {
        "private_network/examples/basic": {"region": REGION},
        "provider/examples/fargate": {"allowed_principals": [central_root]},
        "provider/examples/fargate-nat": {"allowed_principals": [central_root], "central_vpc_cidrs": ["10.10.0.0/16"]},
        "provider/examples/existing-vpc": {"allowed_principals": [central_root], "vpc_id": pre.provider_vpc_id,
                                           "subnet_ids": pre.provider_subnet_ids},
        "provider/examples/existing-nlb": {"region": CROSS_REGION, "nlb_name": pre.nlb_name,
                                           "allowed_principals": [central_root], "supported_regions": [REGION]},
    }
    try:
        # Phase 1: the network and the provider examples are independent (their waits are the provider's sleeps).
        with ThreadPoolExecutor(max_workers=len(provider_vars)) as pool:
            list(pool.map(lambda n: examples[n].apply(provider_vars[n]), provider_vars))
        network = examples["private_network/examples/basic"].outputs
        central_vars: dict[str, dict[str, Any]] = {
            "central/examples/complete": {
                "employees_endpoint_service_name": examples["provider/examples/fargate"].outputs[
                    "endpoint_service_name"],
                "payroll_endpoint_service_name": examples["provider/examples/existing-nlb"].outputs[
                    "endpoint_service_name"],
                "payroll_region": CROSS_REGION,
            },
            "central/examples/existing-vpc": {
                "vpc_id": network["vpc_id"], "subnet_ids": network["subnet_ids"],
                "ledger_endpoint_service_name": examples["provider/examples/existing-vpc"].outputs[
                    "endpoint_service_name"],
                "authorizer_function_arn": pre.function_arn, "domain_name": DOMAIN,
                "certificate_arn": pre.certificate_arn, "route53_zone_id": pre.zone_id,
            },
            ENI_EXAMPLE: _eni_lookup_vars(accounts.client(CENTRAL, "ec2"), network,
                                          examples[ENI_SERVICE_EXAMPLE].outputs["endpoint_service_name"]),
        }
        with ThreadPoolExecutor(max_workers=len(central_vars)) as pool:
            list(pool.map(lambda n: examples[n].apply(central_vars[n]), central_vars))
        yield Applied(examples, accounts, pre)
    finally:
        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(lambda n: examples[n].destroy(), [n for n, _, _ in CENTRAL_EXAMPLES]))
        with ThreadPoolExecutor(max_workers=len(PROVIDER_EXAMPLES)) as pool:
            list(pool.map(lambda n: examples[n].destroy(), [n for n, _, _ in PROVIDER_EXAMPLES]))


@pytest.mark.parametrize("name", [n for n, _, _ in PROVIDER_EXAMPLES + CENTRAL_EXAMPLES])
def test_replan_shows_no_changes(applied: Applied, name: str) -> None:
    assert applied[name].plan_exit == 0, f"{name}: plan after apply is not clean (exit {applied[name].plan_exit})"


def test_private_network_flow_logs(applied: Applied) -> None:
    out = applied["private_network/examples/basic"].outputs
    ec2 = applied.accounts.client(CENTRAL, "ec2")
    logs = ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [out["vpc_id"]]}])["FlowLogs"]
    assert [f["TrafficType"] for f in logs] == ["REJECT"]
    assert out["flow_log_group_name"] in (logs[0].get("LogGroupName") or logs[0].get("LogDestination", ""))
    groups = applied.accounts.client(CENTRAL, "logs").describe_log_groups(
        logGroupNamePrefix=out["flow_log_group_name"])["logGroups"]
    assert [g.get("retentionInDays") for g in groups] == [90]
    subnets = ec2.describe_subnets(SubnetIds=out["subnet_ids"])["Subnets"]
    assert len({s["AvailabilityZone"] for s in subnets}) == 3


def _vpc_endpoint_services(ec2: Any, vpc_id: str) -> list[str]:
    found = ec2.describe_vpc_endpoints(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["VpcEndpoints"]
    return sorted(e["ServiceName"].rsplit(".", 1)[-1] for e in found)


def test_fargate_image_pull_through_vpc_endpoints(applied: Applied) -> None:
    ec2 = applied.accounts.client(PROVIDER, "ec2")
    nlb_arn = applied["provider/examples/fargate"].outputs["nlb_arn"]
    nlb = applied.accounts.client(PROVIDER, "elbv2").describe_load_balancers(LoadBalancerArns=[nlb_arn])[
        "LoadBalancers"][0]
    # ecr.api, ecr.dkr, logs (interface) and s3 (gateway), by the last label of their service names.
    assert {"api", "dkr", "logs", "s3"} <= set(_vpc_endpoint_services(ec2, nlb["VpcId"]))
    assert not ec2.describe_nat_gateways(Filters=[{"Name": "vpc-id", "Values": [nlb["VpcId"]]}])["NatGateways"]


def test_fargate_nat_and_privatelink_sg_enforcement(applied: Applied) -> None:
    out = applied["provider/examples/fargate-nat"].outputs
    ec2 = applied.accounts.client(PROVIDER, "ec2")
    nats = ec2.describe_nat_gateways(Filters=[{"Name": "vpc-id", "Values": [out["vpc_id"]]}])["NatGateways"]
    assert len([n for n in nats if n["State"] == "available"]) == 1
    assert _vpc_endpoint_services(ec2, out["vpc_id"]) == [], "nat mode creates no image-pull endpoints"
    elb = applied.accounts.client(PROVIDER, "elbv2")
    nlb = [lb for lb in elb.describe_load_balancers()["LoadBalancers"] if out["nlb_security_group_id"] in
           lb.get("SecurityGroups", [])]
    assert len(nlb) == 1
    assert nlb[0].get("EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic") == "on"
    rules = ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [out["nlb_security_group_id"]]}])[
        "SecurityGroupRules"]
    ingress = {(r.get("CidrIpv4"), r["FromPort"], r["ToPort"]) for r in rules if not r["IsEgress"]}
    assert ("10.10.0.0/16", 80, 80) in ingress
    assert not any(cidr == "0.0.0.0/0" for cidr, _, _ in ingress)


def test_provider_in_existing_vpc(applied: Applied) -> None:
    out = applied["provider/examples/existing-vpc"].outputs
    ec2 = applied.accounts.client(PROVIDER, "ec2")
    nlb = applied.accounts.client(PROVIDER, "elbv2").describe_load_balancers(LoadBalancerArns=[out["nlb_arn"]])[
        "LoadBalancers"][0]
    assert nlb["VpcId"] == applied.pre.provider_vpc_id
    assert sorted(z["SubnetId"] for z in nlb["AvailabilityZones"]) == sorted(applied.pre.provider_subnet_ids)
    group = ec2.describe_security_groups(GroupIds=[out["tasks_security_group_id"]])["SecurityGroups"][0]
    assert group["VpcId"] == applied.pre.provider_vpc_id
    assert _vpc_endpoint_services(ec2, applied.pre.provider_vpc_id) == [], "image_pull none adds no endpoints"
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "tag:Project", "Values": ["crossgate"]}])["Vpcs"]
    assert applied.pre.provider_vpc_id not in [v["VpcId"] for v in vpcs], "the given VPC is not re-tagged or re-made"


def test_existing_nlb_acceptance_required_leaves_the_endpoint_pending(applied: Applied) -> None:
    service_id = applied["provider/examples/existing-nlb"].outputs["endpoint_service_id"]
    provider_ec2 = applied.accounts.client(PROVIDER, "ec2", CROSS_REGION)
    config = provider_ec2.describe_vpc_endpoint_service_configurations(ServiceIds=[service_id])[
        "ServiceConfigurations"][0]
    assert config["AcceptanceRequired"] is True
    payroll = applied["central/examples/complete"].outputs["services"]["payroll"]
    central_ec2 = applied.accounts.client(CENTRAL, "ec2")
    endpoint = central_ec2.describe_vpc_endpoints(VpcEndpointIds=[payroll["endpoint_id"]])["VpcEndpoints"][0]
    assert endpoint["State"] == "pendingAcceptance"


def test_central_complete_stage_throttling_access_logs_and_jwt(applied: Applied) -> None:
    out = applied["central/examples/complete"].outputs
    api = applied.accounts.client(CENTRAL, "apigatewayv2")
    api_id = out["api_endpoint"].split("//", 1)[1].split(".", 1)[0]
    stage = api.get_stage(ApiId=api_id, StageName="$default")
    assert (stage["DefaultRouteSettings"]["ThrottlingRateLimit"],
            stage["DefaultRouteSettings"]["ThrottlingBurstLimit"]) == (50, 100)
    health = stage["RouteSettings"]["GET /employees/health"]
    assert (health["ThrottlingRateLimit"], health["ThrottlingBurstLimit"]) == (5, 10)
    destination = stage["AccessLogSettings"]["DestinationArn"]
    group_name = destination.split(":log-group:", 1)[1].removesuffix(":*")
    groups = applied.accounts.client(CENTRAL, "logs").describe_log_groups(logGroupNamePrefix=group_name)["logGroups"]
    assert [g.get("retentionInDays") for g in groups] == [14]
    assert "$context.requestId" in stage["AccessLogSettings"]["Format"]
    routes = {r["RouteKey"]: r for r in api.get_routes(ApiId=api_id)["Items"]}
    authorizers = {a["AuthorizerId"]: a for a in api.get_authorizers(ApiId=api_id)["Items"]}
    jwt = authorizers[routes["ANY /employees"]["AuthorizerId"]]
    assert (jwt["AuthorizerType"], jwt["JwtConfiguration"]["Issuer"]) == (
        "JWT", "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_example")
    assert routes["GET /employees/health"]["AuthorizationType"] == "NONE"
    assert routes["ANY /employees"]["AuthorizationType"] == "JWT"
    assert routes["ANY /payroll/{proxy+}"]["AuthorizationType"] == "AWS_IAM"


def _rules(ec2: Any, group_id: str) -> set[tuple[Any, ...]]:
    rules = ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [group_id]}])[
        "SecurityGroupRules"]
    return {(r.get("ReferencedGroupInfo", {}).get("GroupId") or r.get("CidrIpv4"), r["IpProtocol"], r["FromPort"],
             r["ToPort"], r["IsEgress"]) for r in rules}


def test_central_security_group_rules_as_applied(applied: Applied) -> None:
    """Each endpoint's group admits only the VPC link's group, on that service's port; read back, not planned."""
    out = applied["central/examples/complete"].outputs
    ec2 = applied.accounts.client(CENTRAL, "ec2")
    links = [link for link in applied.accounts.client(CENTRAL, "apigatewayv2").get_vpc_links()["Items"]
             if link["Name"] == "crossgate-example"]
    assert len(links) == 1
    link_groups = set(links[0]["SecurityGroupIds"])
    expected_egress: set[tuple[Any, ...]] = set()
    for name, port in (("employees", 8080), ("payroll", 443)):
        wiring = out["services"][name]
        endpoint = ec2.describe_vpc_endpoints(VpcEndpointIds=[wiring["endpoint_id"]])["VpcEndpoints"][0]
        assert [g["GroupId"] for g in endpoint["Groups"]] == [wiring["endpoint_security_group_id"]]
        inbound = {r for r in _rules(ec2, wiring["endpoint_security_group_id"]) if not r[4]}
        assert len(inbound) == 1, inbound
        source, protocol, from_port, to_port, _ = inbound.pop()
        assert source in link_groups and protocol == "tcp" and from_port == to_port == port
        expected_egress.add((wiring["endpoint_security_group_id"], "tcp", port, port, True))
    # Terraform's aws_security_group removes AWS's default allow-all egress: only the rules per endpoint remain.
    assert set().union(*(_rules(ec2, g) for g in link_groups)) == expected_egress


def test_central_existing_vpc_lambda_authorizer_and_custom_domain(applied: Applied) -> None:
    out = applied["central/examples/existing-vpc"].outputs
    network = applied["private_network/examples/basic"].outputs
    ec2 = applied.accounts.client(CENTRAL, "ec2")
    ledger = out["services"]["ledger"]
    endpoint = ec2.describe_vpc_endpoints(VpcEndpointIds=[ledger["endpoint_id"]])["VpcEndpoints"][0]
    assert endpoint["VpcId"] == network["vpc_id"]
    assert set(endpoint["SubnetIds"]) <= set(network["subnet_ids"])

    api = applied.accounts.client(CENTRAL, "apigatewayv2")
    api_id = out["api_id"]
    links = [link for link in api.get_vpc_links()["Items"] if set(link["SubnetIds"]) == set(network["subnet_ids"])]
    assert len(links) == 1
    authorizer = api.get_authorizer(ApiId=api_id, AuthorizerId=out["authorizer_ids"]["tokens"])
    assert authorizer["AuthorizerType"] == "REQUEST"
    assert applied.pre.function_arn in authorizer["AuthorizerUri"]
    assert authorizer["AuthorizerPayloadFormatVersion"] == "2.0" and authorizer["EnableSimpleResponses"] is True
    routes = {r["RouteKey"]: r for r in api.get_routes(ApiId=api_id)["Items"]}
    assert routes["ANY /ledger/{proxy+}"]["AuthorizationType"] == "CUSTOM"
    assert routes["ANY /ledger/{proxy+}"]["AuthorizerId"] == authorizer["AuthorizerId"]
    policy = json.loads(applied.accounts.client(CENTRAL, "lambda").get_policy(
        FunctionName=applied.pre.function_arn)["Policy"])
    assert [s["Principal"] for s in policy["Statement"]] == [{"Service": "apigateway.amazonaws.com"}]

    domain = api.get_domain_name(DomainName=DOMAIN)
    assert domain["DomainNameConfigurations"][0]["CertificateArn"] == applied.pre.certificate_arn
    assert "MutualTlsAuthentication" not in domain  # the example turns no mutual TLS on
    mappings = api.get_api_mappings(DomainName=DOMAIN)["Items"]
    assert [(m["ApiId"], m["Stage"]) for m in mappings] == [(api_id, "$default")]
    records = applied.accounts.client(CENTRAL, "route53").list_resource_record_sets(
        HostedZoneId=applied.pre.zone_id)["ResourceRecordSets"]
    alias = [r for r in records if r["Type"] == "A" and r["Name"].rstrip(".") == DOMAIN]
    assert len(alias) == 1
    target = out["custom_domain_target"]
    assert alias[0]["AliasTarget"]["DNSName"].rstrip(".") == target["target_domain"].rstrip(".")
    assert alias[0]["AliasTarget"]["HostedZoneId"] == target["hosted_zone_id"]


def test_eni_lookup_ips_match_the_endpoint_enis(applied: Applied) -> None:
    """The module's outputs are what EC2 says: DescribeVpcEndpoints -> NetworkInterfaceIds -> their private IPs."""
    out = applied[ENI_EXAMPLE].outputs
    network = applied["private_network/examples/basic"].outputs
    ec2 = applied.accounts.client(CENTRAL, "ec2")
    endpoints = ec2.describe_vpc_endpoints(Filters=[{"Name": "tag:Name", "Values": ["eni-lookup-example"]}])[
        "VpcEndpoints"]
    assert len(endpoints) == 1
    endpoint = endpoints[0]
    service_name = applied[ENI_SERVICE_EXAMPLE].outputs["endpoint_service_name"]
    assert (endpoint["VpcId"], endpoint["ServiceName"], endpoint["VpcEndpointType"]) == (
        network["vpc_id"], service_name, "Interface")
    assert set(endpoint["SubnetIds"]) <= set(network["subnet_ids"])
    eni_ids = sorted(endpoint["NetworkInterfaceIds"])
    assert len(eni_ids) == len(endpoint["SubnetIds"]) >= 2, "one ENI per endpoint subnet"

    enis = {e["NetworkInterfaceId"]: e for e in ec2.describe_network_interfaces(NetworkInterfaceIds=eni_ids)[
        "NetworkInterfaces"]}
    assert out["endpoint_ips"] == [enis[i]["PrivateIpAddress"] for i in eni_ids], "ordered by ENI id"
    assert out["endpoint_network_interfaces"] == [
        {"id": i, "private_ip": enis[i]["PrivateIpAddress"], "subnet_id": enis[i]["SubnetId"],
         "availability_zone": enis[i]["AvailabilityZone"]} for i in eni_ids]
    subnets = {s["SubnetId"]: s for s in ec2.describe_subnets(SubnetIds=endpoint["SubnetIds"])["Subnets"]}
    assert sorted(e["subnet_id"] for e in out["endpoint_network_interfaces"]) == sorted(subnets)
    for eni in out["endpoint_network_interfaces"]:
        subnet = subnets[eni["subnet_id"]]
        assert ipaddress.ip_address(eni["private_ip"]) in ipaddress.ip_network(subnet["CidrBlock"]), eni
        assert eni["availability_zone"] == subnet["AvailabilityZone"]
