"""An emulator copy of envs/multi.yaml: three services, two provider accounts, a bring-your-own NLB,
cross-region PrivateLink and a JWT authorizer, deployed for real into the emulator."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import yaml

from crossgate.config import Credentials
from crossgate.ops.aws_sessions import AccountSessions
from crossgate.paths import ENVS
from crossgate.runner.terraform import Terraform
from tests.e2e.conftest import Deployment, deploy

pytestmark = [pytest.mark.e2e, pytest.mark.terraform]


def byo_nlb(sessions: AccountSessions, creds: Credentials) -> str:
    """An existing internal NLB in the payroll account, as a team bringing its own EC2 service has."""
    ec2 = sessions.client(creds, "ec2")
    vpc = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
    zones = [z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"]][:2]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.40.{i}.0/24", AvailabilityZone=zone)["Subnet"]["SubnetId"]
               for i, zone in enumerate(zones)]
    lb = sessions.client(creds, "elbv2").create_load_balancer(
        Name="payroll", Subnets=subnets, Scheme="internal", Type="network")["LoadBalancers"][0]
    return lb["LoadBalancerArn"]


@pytest.fixture(scope="module")
def multi(emulator_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    folder = tmp_path_factory.mktemp("multi-env")
    data = yaml.safe_load((ENVS / "multi.yaml").read_text())
    data["target"] = "emulator"
    del data["state"]
    payroll = data["services"]["payroll"]
    payroll_creds = Credentials(account_id=payroll["account_id"], region=payroll["region"],
                                role_arn=payroll["role_arn"])
    payroll["workload"]["nlb_arn"] = byo_nlb(AccountSessions(emulator_url=emulator_url), payroll_creds)
    env_path = folder / "multi.yaml"
    env_path.write_text(yaml.safe_dump(data))
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
        assert len(endpoint["NetworkInterfaceIds"]) == 2, "one ENI per central subnet (az_count 2)"
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
    assert endpoint["ServiceRegion"] == "us-east-1"
    ec2_east = multi.provider_client("reports", "ec2")
    (config,) = ec2_east.describe_vpc_endpoint_service_configurations(
        ServiceIds=[outputs["multi-provider-reports"]["endpoint_service_id"]])["ServiceConfigurations"]
    assert [r["Region"] for r in config.get("SupportedRegions", [])] in (["us-west-1"], ["us-east-1", "us-west-1"])


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
    # (moto has no GetAuthorizers; GetAuthorizer by the id the route carries is what matters anyway)
    authorizer = api.get_authorizer(ApiId=central["api_id"], AuthorizerId=routes["GET /payroll"]["AuthorizerId"])
    assert authorizer["AuthorizerType"] == "JWT"
    assert authorizer["JwtConfiguration"]["Issuer"] == "https://login.example.com/oauth2/default"
    assert routes["GET /payroll"]["AuthorizationType"] == "JWT"
    assert routes["GET /payroll"]["AuthorizationScopes"] == ["payroll.admin"]
    assert routes["ANY /employees"]["AuthorizerId"] == authorizer["AuthorizerId"]
    assert routes["GET /reports"]["AuthorizationType"] == "AWS_IAM"


def test_replan_is_clean_and_destroy_leaves_nothing(multi: Deployment) -> None:
    assert {o.status for o in multi.orchestrator.run("plan")} == {"unchanged"}
    assert all(o.status == "destroyed" for o in multi.orchestrator.run("destroy"))
    for stack in multi.manifest.stacks:
        assert Terraform(stack.directory, extra_env=multi.orchestrator.extra_env).state_list() == []
    endpoints = multi.central_client("ec2").describe_vpc_endpoints()["VpcEndpoints"]
    assert [e for e in endpoints if e["State"].lower() != "deleted"] == []
    assert multi.provider_client("reports", "ec2").describe_vpc_endpoint_service_configurations()[
        "ServiceConfigurations"] == []
