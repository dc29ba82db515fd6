"""The whole two-account pattern built with boto3 (no terraform): what the data plane walks through.

Central account 111111111111: VPC + 2 subnets, VPC link (group ``link``), interface endpoint (group
``vpce`` admitting tcp/8080 from ``link``), Cloud Map service whose instances are the endpoint ENI IPs,
HTTP API with routes, a HTTP_PROXY integration over the VPC link, ``$default`` and ``v1`` stages
with access logs. Provider account 222222222222: VPC + 2 subnets, internal NLB (group ``nlb``
admitting tcp/8080 from the central VPC), listener 8080 -> IP target group -> one target ENI
10.1.1.50 (group ``task`` admitting tcp/8080 from ``nlb``), endpoint service allowing the central account.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

CENTRAL = "111111111111"
PROVIDER = "222222222222"
REGION = "us-west-1"
PORT = 8080
TARGET_IP = "10.1.1.50"
LOG_GROUP = "/crossgate/access"
LOG_FORMAT = (
    '{"requestId":"$context.requestId","status":"$context.status","routeKey":"$context.routeKey",'
    '"path":"$context.path","integrationStatus":"$context.integration.status",'
    '"error":"$context.integrationErrorMessage","sourceIp":"$context.identity.sourceIp"}'
)

Client = Callable[[str, str], Any]


@dataclass
class World:
    api_id: str
    integration_id: str
    vpc_link_id: str
    service_id: str
    namespace_id: str
    endpoint_id: str
    endpoint_ips: list[str]
    endpoint_service_id: str
    link_sg: str
    vpce_sg: str
    nlb_sg: str
    task_sg: str
    nlb_arn: str
    target_group_arn: str
    central_cidrs: list[str]


def _network(ec2: Any, cidr: str, subnets: list[str]) -> tuple[str, list[str]]:
    vpc_id = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    zones = [z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"]]
    ids = [ec2.create_subnet(VpcId=vpc_id, CidrBlock=block, AvailabilityZone=zones[i % len(zones)])["Subnet"]
           ["SubnetId"] for i, block in enumerate(subnets)]
    return vpc_id, ids


def _group(ec2: Any, vpc_id: str, name: str) -> str:
    return str(ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc_id)["GroupId"])


def _ingress_from_group(ec2: Any, group: str, source: str, port: int = PORT) -> None:
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "UserIdGroupPairs": [{"GroupId": source}]}])


def _ingress_from_cidr(ec2: Any, group: str, cidr: str, port: int = PORT) -> None:
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "IpRanges": [{"CidrIp": cidr}]}])


def build(client: Client) -> World:
    # ---------------- provider account: NLB, target, endpoint service
    pec2, elbv2 = client(PROVIDER, "ec2"), client(PROVIDER, "elbv2")
    pvpc, psubnets = _network(pec2, "10.1.0.0/16", ["10.1.1.0/24", "10.1.2.0/24"])
    nlb_sg, task_sg = _group(pec2, pvpc, "nlb"), _group(pec2, pvpc, "task")
    _ingress_from_cidr(pec2, nlb_sg, "10.0.0.0/16")
    _ingress_from_group(pec2, task_sg, nlb_sg)
    pec2.create_network_interface(SubnetId=psubnets[0], Groups=[task_sg], PrivateIpAddress=TARGET_IP)
    nlb_arn = elbv2.create_load_balancer(Name="svc", Subnets=psubnets, Scheme="internal", Type="network",
                                         SecurityGroups=[nlb_sg])["LoadBalancers"][0]["LoadBalancerArn"]
    tg_arn = elbv2.create_target_group(Name="svc", Protocol="TCP", Port=PORT, VpcId=pvpc, TargetType="ip",
                                       HealthCheckProtocol="HTTP", HealthCheckPath="/health")[
        "TargetGroups"][0]["TargetGroupArn"]
    elbv2.register_targets(TargetGroupArn=tg_arn, Targets=[{"Id": TARGET_IP, "Port": PORT}])
    elbv2.create_listener(LoadBalancerArn=nlb_arn, Protocol="TCP", Port=PORT,
                          DefaultActions=[{"Type": "forward", "TargetGroupArn": tg_arn}])
    service = pec2.create_vpc_endpoint_service_configuration(NetworkLoadBalancerArns=[nlb_arn],
                                                             AcceptanceRequired=False)["ServiceConfiguration"]
    pec2.modify_vpc_endpoint_service_permissions(ServiceId=service["ServiceId"],
                                                 AddAllowedPrincipals=[f"arn:aws:iam::{CENTRAL}:root"])

    # ---------------- central account: endpoint, Cloud Map, VPC link, HTTP API
    cec2 = client(CENTRAL, "ec2")
    central_cidrs = ["10.0.1.0/24", "10.0.2.0/24"]
    cvpc, csubnets = _network(cec2, "10.0.0.0/16", central_cidrs)
    link_sg, vpce_sg = _group(cec2, cvpc, "link"), _group(cec2, cvpc, "vpce")
    _ingress_from_group(cec2, vpce_sg, link_sg)
    endpoint = cec2.create_vpc_endpoint(VpcId=cvpc, ServiceName=service["ServiceName"], VpcEndpointType="Interface",
                                        SubnetIds=csubnets, SecurityGroupIds=[vpce_sg])["VpcEndpoint"]
    enis = cec2.describe_network_interfaces(NetworkInterfaceIds=endpoint["NetworkInterfaceIds"])["NetworkInterfaces"]
    ips = sorted(e["PrivateIpAddress"] for e in enis)

    sd = client(CENTRAL, "servicediscovery")
    sd.create_http_namespace(Name="crossgate.internal")
    namespace_id = next(n["Id"] for n in sd.list_namespaces()["Namespaces"] if n["Name"] == "crossgate.internal")
    cm_service = sd.create_service(Name="svc", NamespaceId=namespace_id)["Service"]
    for i, ip in enumerate(ips):
        sd.register_instance(ServiceId=cm_service["Id"], InstanceId=f"eni-{i}",
                             Attributes={"AWS_INSTANCE_IPV4": ip, "AWS_INSTANCE_PORT": str(PORT)})

    logs = client(CENTRAL, "logs")
    logs.create_log_group(logGroupName=LOG_GROUP)
    log_arn = f"arn:aws:logs:{REGION}:{CENTRAL}:log-group:{LOG_GROUP}"

    apigw = client(CENTRAL, "apigatewayv2")
    link_id = apigw.create_vpc_link(Name="link", SubnetIds=csubnets, SecurityGroupIds=[link_sg])["VpcLinkId"]
    api_id = apigw.create_api(Name="central", ProtocolType="HTTP")["ApiId"]
    integration_id = apigw.create_integration(
        ApiId=api_id, IntegrationType="HTTP_PROXY", IntegrationMethod="ANY", ConnectionType="VPC_LINK",
        ConnectionId=link_id, IntegrationUri=cm_service["Arn"], PayloadFormatVersion="1.0",
        RequestParameters={"overwrite:path": "$request.path"},
    )["IntegrationId"]
    for key in ("ANY /{proxy+}", "GET /items/{id}", "GET /health"):
        apigw.create_route(ApiId=api_id, RouteKey=key, Target=f"integrations/{integration_id}")
    for name in ("$default", "v1"):
        apigw.create_stage(ApiId=api_id, StageName=name, AutoDeploy=True,
                           AccessLogSettings={"DestinationArn": log_arn, "Format": LOG_FORMAT})
    return World(api_id, integration_id, link_id, cm_service["Id"], namespace_id, endpoint["VpcEndpointId"], ips,
                 service["ServiceId"], link_sg, vpce_sg, nlb_sg, task_sg, nlb_arn, tg_arn, central_cidrs)
