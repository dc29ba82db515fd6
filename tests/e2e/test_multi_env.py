"""An emulator copy of envs/multi.yaml: three services, two provider accounts, a bring-your-own NLB,
cross-region PrivateLink and a JWT authorizer, deployed for real into the emulator.

The copy lives in us-east-1 (six AZs, mapped to AZ ids per account as AWS does in its oldest regions) with
az_count 2 on both sides, and reports stays cross-region in us-west-1: the first two AZ names of the central
account and of a provider account are not the same AZ ids, so each endpoint must only use the subnets in the
AZ ids its service serves."""

from __future__ import annotations

import json
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from botocore.credentials import Credentials as AwsCredentials

from crossgate.config import Credentials
from crossgate.emulator.authorizers.issuer import LOCAL_ISSUER_URL
from crossgate.emulator.client import EmulatorControl
from crossgate.ops.aws_sessions import AccountSessions
from crossgate.ops.request_auth import BearerAuth, SigV4ExecuteApiAuth
from crossgate.ops.smoke import render_table, run_smoke
from crossgate.paths import ENVS
from crossgate.runner.orchestrate import Orchestrator
from crossgate.runner.terraform import Terraform
from service.localrun import serve_local
from tests.e2e.conftest import Deployment, deploy, hop

pytestmark = [pytest.mark.e2e, pytest.mark.terraform]


BYO_TARGET_IP = "10.40.0.10"
REGION = "us-east-1"  # central, employee, payroll: six AZs
REPORTS_REGION = "us-west-1"  # reports: cross-region from the central account
LOCAL_COMMAND = ["{python}", "-m", "service", "--host", "{host}", "--port", "{port}"]


def byo_nlb(sessions: AccountSessions, creds: Credentials) -> str:
    """An existing internal NLB in the payroll account, as a team bringing its own EC2 service has:
    a listener on 443 forwarding to an IP target group with one target."""
    ec2 = sessions.client(creds, "ec2")
    vpc = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
    zones = [z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"]][:2]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.40.{i}.0/24", AvailabilityZone=zone)["Subnet"]["SubnetId"]
               for i, zone in enumerate(zones)]
    elbv2 = sessions.client(creds, "elbv2")
    lb = elbv2.create_load_balancer(Name="payroll", Subnets=subnets, Scheme="internal", Type="network")
    lb_arn = lb["LoadBalancers"][0]["LoadBalancerArn"]
    group = elbv2.create_target_group(Name="payroll", Protocol="TCP", Port=443, VpcId=vpc, TargetType="ip",
                                      HealthCheckProtocol="TCP")["TargetGroups"][0]["TargetGroupArn"]
    elbv2.create_listener(LoadBalancerArn=lb_arn, Protocol="TCP", Port=443,
                          DefaultActions=[{"Type": "forward", "TargetGroupArn": group}])
    elbv2.register_targets(TargetGroupArn=group, Targets=[{"Id": BYO_TARGET_IP, "Port": 443}])
    return lb_arn


GATEKEEPER = """
def handler(event, context):
    # payload 2.0, simple response: allow exactly one pass, and say who asked
    return {"isAuthorized": event["headers"].get("x-pass") == "let-me-in", "context": {"checked": "yes"}}
"""


def lambda_authorizer(sessions: AccountSessions, central: dict[str, Any], folder: Path) -> str:
    """A Python Lambda function in the central account (its role and zip), as a team's authorizer is."""
    creds = Credentials(account_id=central["account_id"], region=central["region"], role_arn=central["role_arn"])
    role = sessions.client(creds, "iam").create_role(RoleName="gatekeeper", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                "Principal": {"Service": "lambda.amazonaws.com"}}]}))["Role"]["Arn"]
    archive = folder / "gatekeeper.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("gatekeeper.py", GATEKEEPER)
    function = sessions.client(creds, "lambda").create_function(
        FunctionName="gatekeeper", Runtime="python3.11", Role=role, Handler="gatekeeper.handler",
        Code={"ZipFile": archive.read_bytes()}, Timeout=10)
    return str(function["FunctionArn"])


@pytest.fixture(scope="module")
def multi(emulator_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    folder = tmp_path_factory.mktemp("multi-env")
    data = yaml.safe_load((ENVS / "multi.yaml").read_text())
    data["target"] = "emulator"
    del data["state"]
    data["central"]["region"] = REGION
    for name, service in data["services"].items():
        service["region"] = REPORTS_REGION if name == "reports" else REGION
    payroll = data["services"]["payroll"]
    payroll_creds = Credentials(account_id=payroll["account_id"], region=payroll["region"],
                                role_arn=payroll["role_arn"])
    payroll["workload"]["nlb_arn"] = byo_nlb(AccountSessions(emulator_url=emulator_url), payroll_creds)
    # The emulator runs no containers: each Fargate image is played by the demo service, locally.
    for name in ("employee", "reports"):
        data["services"][name]["workload"]["fargate"]["emulator_command"] = LOCAL_COMMAND
    data["services"]["employee"]["workload"]["fargate"]["desired_count"] = 1  # one database (no shared storage)
    # employee trusts the emulator's own issuer; payroll keeps the corporate IdP, unreachable from here
    data["central"]["authorizers"]["local"] = {"type": "jwt", "issuer": LOCAL_ISSUER_URL,
                                               "audiences": ["api://crossgate"]}
    data["services"]["employee"]["authorization"]["jwt"] = "local"
    # a Lambda (REQUEST) authorizer on one route: a Python function in the central account, run locally
    data["central"]["authorizers"]["gatekeeper"] = {
        "type": "lambda", "function_arn": lambda_authorizer(AccountSessions(emulator_url=emulator_url),
                                                            data["central"], folder),
        "identity_sources": ["$request.header.x-pass"], "result_ttl_seconds": 0}
    data["services"]["reports"]["route_overrides"] = {
        "GET /reports/{proxy+}": {"authorization": {"lambda": "gatekeeper"}}}
    env_path = folder / "multi.yaml"
    env_path.write_text(yaml.safe_dump(data))
    with serve_local(folder / "payroll.db", folder / "payroll.log") as payroll_server:
        EmulatorControl(emulator_url).map_target(payroll["account_id"], payroll["region"], BYO_TARGET_IP, 443,
                                                 payroll_server.base_url.removeprefix("http://"))
        deployment = deploy(env_path, emulator_url, folder / "cdktf.out")
        yield deployment
        deployment.orchestrator.run("destroy")


def test_every_stack_applies(multi: Deployment) -> None:
    assert {o.stack: o.status for o in multi.outcomes} == {
        "multi-provider-employee": "applied", "multi-provider-payroll": "applied",
        "multi-provider-reports": "applied", "multi-central": "applied"}, multi.outcomes


def test_three_endpoints_each_wired_to_its_own_cloud_map_service_and_integration(multi: Deployment) -> None:
    outputs = multi.outputs()
    central = outputs["multi-central"]
    ec2 = multi.central_client("ec2")
    discovery = multi.central_client("servicediscovery")
    api = multi.central_client("apigatewayv2")
    routes = api.get_routes(ApiId=central["api_id"])["Items"]
    integration_ids = set()
    for name, service in multi.env.config.services.items():
        wiring = central["services"][name]
        (endpoint,) = ec2.describe_vpc_endpoints(VpcEndpointIds=[wiring["endpoint_id"]])["VpcEndpoints"]
        assert endpoint["ServiceName"] == outputs[f"multi-provider-{name}"]["endpoint_service_name"]
        assert len(endpoint["NetworkInterfaceIds"]) == len(wiring["endpoint_subnet_ids"]), "one ENI per subnet"
        enis = ec2.describe_network_interfaces(NetworkInterfaceIds=endpoint["NetworkInterfaceIds"])
        eni_ips = sorted(e["PrivateIpAddress"] for e in enis["NetworkInterfaces"])
        instances = discovery.list_instances(ServiceId=wiring["cloudmap_service_arn"].rsplit("/", 1)[-1])
        assert sorted(i["Attributes"]["AWS_INSTANCE_IPV4"] for i in instances["Instances"]) == eni_ips
        assert {i["Attributes"]["AWS_INSTANCE_PORT"] for i in instances["Instances"]} == {str(service.port)}
        integration = api.get_integration(ApiId=central["api_id"], IntegrationId=wiring["integration_id"])
        assert integration["IntegrationUri"] == wiring["cloudmap_service_arn"]
        mine = {r["RouteKey"] for r in routes if r["Target"] == f"integrations/{wiring['integration_id']}"}
        assert mine == set(service.routes)
        integration_ids.add(wiring["integration_id"])
    assert len(integration_ids) == 3


def test_cross_region_service(multi: Deployment) -> None:
    outputs = multi.outputs()
    wiring = outputs["multi-central"]["services"]["reports"]
    (endpoint,) = multi.central_client("ec2").describe_vpc_endpoints(
        VpcEndpointIds=[wiring["endpoint_id"]])["VpcEndpoints"]
    assert endpoint["ServiceRegion"] == REPORTS_REGION
    ec2_east = multi.provider_client("reports", "ec2")
    (config,) = ec2_east.describe_vpc_endpoint_service_configurations(
        ServiceIds=[outputs["multi-provider-reports"]["endpoint_service_id"]])["ServiceConfigurations"]
    assert [r["Region"] for r in config.get("SupportedRegions", [])] in ([REGION], sorted([REGION, REPORTS_REGION]))


def _zone_ids(ec2: Any) -> dict[str, str]:
    """This account's AZ name -> AZ id map."""
    return {z["ZoneName"]: z["ZoneId"] for z in ec2.describe_availability_zones()["AvailabilityZones"]}


def test_every_endpoint_lies_in_az_ids_its_service_serves(multi: Deployment) -> None:
    """Read back in both accounts: the service's AZ ids from its owner, the endpoint's subnets' AZ ids from the
    central account. The central subnets are us-east-1a/b of the central account; each endpoint uses exactly
    those of them whose AZ id the service's NLB covers, and at least one, so every stack applied."""
    outputs = multi.outputs()
    central = outputs["multi-central"]
    central_ec2 = multi.central_client("ec2")
    (employee,) = central_ec2.describe_vpc_endpoints(
        VpcEndpointIds=[central["services"]["employee"]["endpoint_id"]])["VpcEndpoints"]
    central_subnets = central_ec2.describe_subnets(
        Filters=[{"Name": "vpc-id", "Values": [employee["VpcId"]]}])["Subnets"]
    assert sorted(s["AvailabilityZone"] for s in central_subnets) == ["us-east-1a", "us-east-1b"]
    central_zone_of = {s["SubnetId"]: s["AvailabilityZoneId"] for s in central_subnets}
    served_counts: dict[str, int] = {}
    for name in ("employee", "payroll"):
        provider_ec2 = multi.provider_client(name, "ec2")
        (config,) = provider_ec2.describe_vpc_endpoint_service_configurations(
            ServiceIds=[outputs[f"multi-provider-{name}"]["endpoint_service_id"]])["ServiceConfigurations"]
        owner_zone_ids = _zone_ids(provider_ec2)
        served = {owner_zone_ids[zone] for zone in config["AvailabilityZones"]}
        (endpoint,) = central_ec2.describe_vpc_endpoints(
            VpcEndpointIds=[central["services"][name]["endpoint_id"]])["VpcEndpoints"]
        endpoint_zones = {central_zone_of[subnet] for subnet in endpoint["SubnetIds"]}
        assert endpoint_zones and endpoint_zones <= served, (name, endpoint_zones, served)
        assert endpoint_zones == set(central_zone_of.values()) & served, (name, endpoint_zones, served)
        assert sorted(central["services"][name]["service_availability_zone_ids"]) == sorted(served)
        served_counts[name] = len(endpoint["SubnetIds"])
    # The per-account maps are fixed (emulator: deterministic per account): employee's account covers only one
    # of the central account's two AZ ids, so its endpoint uses one subnet; payroll's covers both.
    assert served_counts == {"employee": 1, "payroll": 2}, served_counts
    (reports,) = central_ec2.describe_vpc_endpoints(
        VpcEndpointIds=[central["services"]["reports"]["endpoint_id"]])["VpcEndpoints"]
    assert sorted(reports["SubnetIds"]) == sorted(central_zone_of), "cross-region: every central subnet"


def test_bring_your_own_nlb_and_stricter_principal(multi: Deployment) -> None:
    outputs = multi.outputs()["multi-provider-payroll"]
    assert outputs["nlb_arn"] == multi.env.config.services["payroll"].workload.nlb_arn
    ec2 = multi.provider_client("payroll", "ec2")
    allowed = ec2.describe_vpc_endpoint_service_permissions(ServiceId=outputs["endpoint_service_id"])
    assert [p["Principal"] for p in allowed["AllowedPrincipals"]] == [
        "arn:aws:iam::111111111111:role/crossgate-deployer"]
    assert multi.provider_client("payroll", "ecs").list_clusters()["clusterArns"] == []


def test_routes_carry_their_authorization(multi: Deployment) -> None:
    central = multi.outputs()["multi-central"]
    api = multi.central_client("apigatewayv2")
    routes = {r["RouteKey"]: r for r in api.get_routes(ApiId=central["api_id"])["Items"]}
    authorizers = {a["AuthorizerId"]: a for a in api.get_authorizers(ApiId=central["api_id"])["Items"]}
    authorizer = authorizers[routes["GET /payroll"]["AuthorizerId"]]
    assert authorizer["AuthorizerType"] == "JWT"
    assert authorizer["JwtConfiguration"]["Issuer"] == "https://login.example.com/oauth2/default"
    assert routes["GET /payroll"]["AuthorizationType"] == "JWT"
    assert routes["GET /payroll"]["AuthorizationScopes"] == ["payroll.admin"]
    local = api.get_authorizer(ApiId=central["api_id"], AuthorizerId=routes["ANY /employees"]["AuthorizerId"])
    assert local["JwtConfiguration"]["Issuer"] == LOCAL_ISSUER_URL
    assert routes["GET /reports"]["AuthorizationType"] == "AWS_IAM"


def _token(multi: Deployment, **claims: Any) -> str:
    return EmulatorControl(multi.sessions.emulator_url or "").token(audience="api://crossgate", **claims)


def _served(multi: Deployment, path: str, headers: dict[str, str] | None = None) -> httpx.Response:
    """GET through the gateway, waiting out a workload that is still starting (503 from the NLB)."""
    deadline = time.monotonic() + 90
    while True:
        response = httpx.get(multi.gateway_url() + path, headers=headers, timeout=35)
        if response.status_code != 503 or time.monotonic() > deadline:
            return response
        time.sleep(1)


def test_jwt_route_through_the_gateway(multi: Deployment) -> None:
    good = _token(multi, scopes=["employees.read"])
    assert _served(multi, "/employees", {"Authorization": f"Bearer {good}"}).status_code == 200
    with httpx.Client(timeout=30, auth=BearerAuth(good)) as client:
        report = run_smoke(multi.gateway_url(), client=client)
    assert report.ok, render_table(report)

    def answer(headers: dict[str, str]) -> tuple[int, Any, str]:
        response = httpx.get(multi.gateway_url() + "/employees", headers=headers, timeout=30)
        return response.status_code, response.json(), response.headers.get("www-authenticate", "")

    assert answer({})[:2] == (401, {"message": "Unauthorized"})
    expired = _token(multi, scopes=["employees.read"], expires_in=-60)
    status, body, challenge = answer({"Authorization": f"Bearer {expired}"})
    assert (status, body) == (401, {"message": "Unauthorized"}) and 'error="invalid_token"' in challenge
    status, body, _ = answer({"Authorization": f"Bearer {_token(multi, scopes=['other.scope'])}"})
    assert (status, body) == (403, {"message": "Forbidden"})


def test_unreachable_issuer_is_401_and_the_diagnostic_says_how(multi: Deployment) -> None:
    response = httpx.get(multi.gateway_url() + "/payroll", headers={"Authorization": f"Bearer {_token(multi)}"},
                         timeout=30)
    assert (response.status_code, response.json()) == (401, {"message": "Unauthorized"})
    assert "JWKS" in hop(response) and LOCAL_ISSUER_URL in hop(response), hop(response)


def test_iam_route_through_the_gateway(multi: Deployment) -> None:
    iam = multi.central_client("iam")
    central = multi.outputs()["multi-central"]
    iam.create_user(UserName="reports-reader")
    iam.put_user_policy(UserName="reports-reader", PolicyName="invoke", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "execute-api:Invoke",
                                                "Resource": f"arn:aws:execute-api:{REGION}:111111111111:"
                                                            f"{central['api_id']}/*/GET/reports*"}]}))
    iam.create_user(UserName="nobody")
    keys = {user: iam.create_access_key(UserName=user)["AccessKey"] for user in ("reports-reader", "nobody")}

    def signed(user: str) -> httpx.Response:
        credentials = AwsCredentials(keys[user]["AccessKeyId"], keys[user]["SecretAccessKey"])
        with httpx.Client(timeout=35, auth=SigV4ExecuteApiAuth(credentials, REGION)) as client:
            return client.get(multi.gateway_url() + "/reports")

    reports_log = Path(next(t["log_path"] for t in EmulatorControl(multi.sessions.emulator_url or "").tasks()
                            if t["service"] == "multi-reports"))
    _served(multi, "/reports", {})  # wait for the task to answer at all (a 403 is the authorizer's)
    def requests_seen() -> int:  # the service logs each request as JSON (health checks go to /health)
        return reports_log.read_text().count('"path": "/reports"')

    seen_before = requests_seen()
    unsigned = httpx.get(multi.gateway_url() + "/reports", timeout=30)
    assert (unsigned.status_code, unsigned.json()) == (403, {"message": "Forbidden"})
    assert signed("nobody").status_code == 403
    assert requests_seen() == seen_before, "a refused request must not reach the task"
    deadline = time.monotonic() + 90
    while (allowed := signed("reports-reader")).status_code == 503 and time.monotonic() < deadline:
        time.sleep(1)
    # the demo service answers 404 for /reports: the request crossed the region and reached the task
    assert allowed.status_code == 404 and hop(allowed).startswith("workload"), hop(allowed)
    assert REPORTS_REGION in hop(allowed) or "vpce-svc" in hop(allowed)


def test_bring_your_own_nlb_target_is_served_by_its_mapped_server(multi: Deployment) -> None:
    # payroll's authorizer trusts an IdP this machine cannot reach, so call its NLB path as the gateway
    # would after authorization: through the data plane with the route made public for a moment
    api = multi.central_client("apigatewayv2")
    central = multi.outputs()["multi-central"]
    route = next(r for r in api.get_routes(ApiId=central["api_id"])["Items"] if r["RouteKey"] == "GET /payroll")
    api.update_route(ApiId=central["api_id"], RouteId=route["RouteId"], AuthorizationType="NONE")
    try:
        response = _served(multi, "/payroll")
    finally:
        api.update_route(ApiId=central["api_id"], RouteId=route["RouteId"], AuthorizationType="JWT",
                         AuthorizerId=route["AuthorizerId"], AuthorizationScopes=route["AuthorizationScopes"])
    assert response.status_code == 404 and hop(response).startswith("workload"), hop(response)
    assert f"{BYO_TARGET_IP}:443" in hop(response)


def test_lambda_authorizer_allows_and_denies(multi: Deployment) -> None:
    url = multi.gateway_url() + "/reports/monthly"
    missing = httpx.get(url, timeout=30)
    assert (missing.status_code, missing.json()) == (401, {"message": "Unauthorized"}), hop(missing)
    denied = httpx.get(url, headers={"x-pass": "wrong"}, timeout=30)
    assert (denied.status_code, denied.json()) == (403, {"message": "Forbidden"}), hop(denied)
    allowed = _served(multi, "/reports/monthly", {"x-pass": "let-me-in"})
    assert allowed.status_code == 404 and hop(allowed).startswith("workload"), hop(allowed)


def test_route_throttling_answers_429_then_refills(multi: Deployment) -> None:
    """Route settings are token buckets: the route override's limits, tightened for the test with UpdateStage
    (a CPU-bound 2-core machine cannot outrun 50 requests a second through the whole chain), then restored."""
    api = multi.central_client("apigatewayv2")
    api_id = multi.outputs()["multi-central"]["api_id"]
    route_key = "ANY /employees/{proxy+}"
    configured = api.get_stage(ApiId=api_id, StageName="$default")["RouteSettings"][route_key]
    assert (configured["ThrottlingRateLimit"], configured["ThrottlingBurstLimit"]) == (50, 100)
    headers = {"Authorization": f"Bearer {_token(multi, scopes=['employees.read'])}"}
    url = multi.gateway_url() + "/employees/1"
    api.update_stage(ApiId=api_id, StageName="$default", RouteSettings={
        route_key: {**configured, "ThrottlingRateLimit": 1, "ThrottlingBurstLimit": 3}})
    try:
        with httpx.Client(timeout=30, headers=headers) as client:
            statuses = [client.get(url).status_code for _ in range(8)]
            throttled = client.get(url)
            assert statuses.count(429) >= 4 and 429 not in statuses[:3], statuses
            assert throttled.status_code == 429 and throttled.json() == {"message": "Too Many Requests"}
            time.sleep(2.5)  # one token a second
            assert client.get(url).status_code != 429
    finally:
        api.update_stage(ApiId=api_id, StageName="$default", RouteSettings={route_key: configured})


def test_replan_is_clean_and_destroy_leaves_nothing(multi: Deployment) -> None:
    replan = Orchestrator(multi.manifest, extra_env=multi.orchestrator.extra_env, collect_plans=True).run("plan")
    changes = {o.stack: [(c["address"], c["change"]["actions"]) for c in (o.plan_json or {}).get("resource_changes", [])
                         if c["change"]["actions"] != ["no-op"]] for o in replan if o.status != "unchanged"}
    assert {o.status for o in replan} == {"unchanged"}, changes
    assert all(o.status == "destroyed" for o in multi.orchestrator.run("destroy"))
    for stack in multi.manifest.stacks:
        assert Terraform(stack.directory, extra_env=multi.orchestrator.extra_env).state_list() == []
    endpoints = multi.central_client("ec2").describe_vpc_endpoints()["VpcEndpoints"]
    assert [e for e in endpoints if e["State"].lower() != "deleted"] == []
    assert multi.provider_client("reports", "ec2").describe_vpc_endpoint_service_configurations()[
        "ServiceConfigurations"] == []
