"""Each hop of the data plane, in-process over moto's backends: the happy path, then every break.

A break is made the way a user would make it (boto3 against the control plane) where moto implements
the call; where moto does not (RejectVpcEndpointConnections), the model is changed as that call would.
Every answer must carry AWS's status and body and an ``x-crossgate-hop`` naming the hop that answered.
"""

from __future__ import annotations

import json
import socket
import time
from typing import Any

from crossgate.emulator.authorizers import AuthDecision
from crossgate.emulator.dataplane import moto_state
from crossgate.emulator.workloads import LocalAddress
from tests.dataplane.conftest import Setup
from tests.dataplane.world import CENTRAL, PORT, PROVIDER, REGION, TARGET_IP


def from_group(port: int, group: str) -> list[dict[str, Any]]:
    return [{"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "UserIdGroupPairs": [{"GroupId": group}]}]


def hop(response: Any) -> str:
    return str(response.headers["x-crossgate-hop"])


def assert_gateway_error(response: Any, status: int, message: str, hop_name: str) -> None:
    assert response.status_code == status, (response.status_code, hop(response), response.get_data())
    assert json.loads(response.get_data()) == {"message": message}
    assert hop(response).startswith(hop_name + ";"), hop(response)
    assert response.headers["apigw-requestid"]


def echoed(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, (hop(response), response.get_data())
    return dict(json.loads(response.get_data()))


# ---------------------------------------------------------------------------------- happy path
def test_request_reaches_the_workload_through_every_hop(setup: Setup) -> None:
    response = setup.get("/items/7?x=1&y=a%20b", headers={"X-Custom": "v"})
    seen = echoed(response)
    assert seen["path"] == "/items/7?x=1&y=a%20b"
    assert seen["headers"]["X-Custom"] == "v"
    assert seen["headers"]["X-Forwarded-For"] == "127.0.0.1"
    assert response.headers["x-backend"] == "echo"
    assert len(response.headers["apigw-requestid"]) == 16
    diagnostic = hop(response)
    assert diagnostic.startswith("workload; 200 from 127.0.0.1:")
    for part in (setup.world.endpoint_id, setup.world.endpoint_service_id, f"{TARGET_IP}:{PORT}"):
        assert part in diagnostic
    assert f"workload; {diagnostic.removeprefix('workload; ')}" in setup.log.getvalue()


def test_host_header_addresses_the_api(setup: Setup) -> None:
    response = setup.raw("/items/1", headers={"Host": f"{setup.world.api_id}.execute-api.localhost:4566"})
    assert echoed(response)["path"] == "/items/1"
    aws_host = f"{setup.world.api_id}.execute-api.{REGION}.amazonaws.com"
    assert echoed(setup.raw("/items/2", headers={"Host": aws_host}))["path"] == "/items/2"


def test_other_paths_go_to_moto_and_control_calls_to_their_owner(setup: Setup) -> None:
    assert setup.raw("/2015-03-31/functions").status_code == 418  # the moto app stand-in
    assert setup.raw("/_crossgate/workloads/ping").get_data() == b'{"workloads":true}'
    missing = setup.raw("/_crossgate/oidc/nothing")
    assert missing.status_code == 404 and "message" in json.loads(missing.get_data())


# ---------------------------------------------------------------------------------- api, stage, route
def test_unknown_api_is_not_found(setup: Setup) -> None:
    assert_gateway_error(setup.raw("/_crossgate/execute-api/nosuchapi/items/1"), 404, "Not Found", "api")


def test_disabled_execute_api_endpoint_is_forbidden(setup: Setup) -> None:
    setup.aws(CENTRAL, "apigatewayv2").update_api(ApiId=setup.world.api_id, DisableExecuteApiEndpoint=True)
    assert_gateway_error(setup.get("/items/1"), 403, "Forbidden", "api")


def test_stage_prefix_is_stripped_by_the_path_mapping_and_leaks_without_it(setup: Setup) -> None:
    assert echoed(setup.get("/v1/items/3"))["path"] == "/items/3"
    apigw = setup.aws(CENTRAL, "apigatewayv2")
    apigw.update_integration(ApiId=setup.world.api_id, IntegrationId=setup.world.integration_id,
                             RequestParameters={"overwrite:path": ""})
    assert echoed(setup.get("/v1/items/3"))["path"] == "/v1/items/3"  # private integrations see the stage


def test_no_matching_stage_and_no_default_stage_is_not_found(setup: Setup) -> None:
    apigw = setup.aws(CENTRAL, "apigatewayv2")
    apigw.delete_stage(ApiId=setup.world.api_id, StageName="$default")
    assert_gateway_error(setup.get("/items/1"), 404, "Not Found", "stage")
    assert echoed(setup.get("/v1/items/1"))["path"] == "/items/1"


def test_no_matching_route_is_not_found(setup: Setup) -> None:
    apigw = setup.aws(CENTRAL, "apigatewayv2")
    routes = apigw.get_routes(ApiId=setup.world.api_id)["Items"]
    greedy = next(r for r in routes if r["RouteKey"] == "ANY /{proxy+}")
    apigw.delete_route(ApiId=setup.world.api_id, RouteId=greedy["RouteId"])
    assert_gateway_error(setup.get("/orders", method="POST"), 404, "Not Found", "route")
    assert echoed(setup.get("/health"))["path"] == "/health"


def test_parameter_mappings_edit_headers_and_query(setup: Setup) -> None:
    setup.aws(CENTRAL, "apigatewayv2").update_integration(
        ApiId=setup.world.api_id, IntegrationId=setup.world.integration_id,
        RequestParameters={"overwrite:path": "/v2$request.path", "append:header.x-item": "$request.path.id",
                           "overwrite:querystring.q": "$request.header.x-q", "remove:header.x-drop": "''",
                           "overwrite:header.x-request": "$context.requestId"})
    response = setup.get("/items/9?q=old", headers={"x-q": "new", "x-drop": "1"})
    seen = echoed(response)
    assert seen["path"] == "/v2/items/9?q=new"
    assert seen["headers"]["x-item"] == "9"
    assert "x-drop" not in {k.lower() for k in seen["headers"]}
    assert seen["headers"]["x-request"] == response.headers["apigw-requestid"]


# ---------------------------------------------------------------------------------- authorizer, throttle, limits
def test_authorizer_denial_is_returned_as_decided(setup: Setup) -> None:
    setup.authorizers.deny = AuthDecision(False, 401, {"message": "Unauthorized"},
                                          {"www-authenticate": 'Bearer error="invalid_token"'}, "jwt; token expired")
    response = setup.get("/items/1")
    assert_gateway_error(response, 401, "Unauthorized", "authorizer")
    assert response.headers["www-authenticate"] == 'Bearer error="invalid_token"'
    assert setup.authorizers.seen[-1].route_key == "GET /items/{id}"
    assert dict(setup.authorizers.seen[-1].path_parameters) == {"id": "1"}


def test_authorizer_not_implemented_is_a_500_with_the_reason(setup: Setup) -> None:
    def raise_it(request: Any) -> AuthDecision:
        raise NotImplementedError("authorization type JWT is not enforced yet")

    setup.authorizers.authorize = raise_it  # type: ignore[method-assign]
    response = setup.get("/items/1")
    assert_gateway_error(response, 500, "Internal Server Error", "authorizer")
    assert "JWT" in hop(response)


def test_throttling_burst_gets_429_and_the_bucket_refills(setup: Setup) -> None:
    apigw = setup.aws(CENTRAL, "apigatewayv2")
    apigw.delete_stage(ApiId=setup.world.api_id, StageName="$default")
    apigw.create_stage(ApiId=setup.world.api_id, StageName="$default",
                       DefaultRouteSettings={"ThrottlingBurstLimit": 3, "ThrottlingRateLimit": 4},
                       RouteSettings={"GET /health": {"ThrottlingBurstLimit": 1, "ThrottlingRateLimit": 0}})
    statuses = [setup.get("/items/1").status_code for _ in range(6)]
    assert statuses[:3] == [200, 200, 200] and statuses.count(429) >= 2
    assert_gateway_error(setup.get("/items/1"), 429, "Too Many Requests", "throttle")
    assert [setup.get("/health").status_code for _ in range(2)] == [200, 429]  # per-route override
    assert setup.get("/other").status_code == 200  # another route, another bucket
    time.sleep(0.6)  # 4 tokens/s: two back
    assert [setup.get("/items/1").status_code for _ in range(2)] == [200, 200]


def test_payload_above_10_mb_is_refused(setup: Setup) -> None:
    response = setup.get("/items", method="POST", data=b"x" * (10 * 1024 * 1024 + 1))
    assert_gateway_error(response, 413, "Request Entity Too Large", "request")
    assert echoed(setup.get("/items", method="POST", data=b"small"))["body"] == "small"


# ---------------------------------------------------------------------------------- integration, VPC link, Cloud Map
def test_missing_vpc_link_is_an_internal_server_error(setup: Setup) -> None:
    setup.aws(CENTRAL, "apigatewayv2").delete_vpc_link(VpcLinkId=setup.world.vpc_link_id)
    response = setup.get("/items/1")
    assert_gateway_error(response, 500, "Internal Server Error", "vpc-link")
    assert setup.world.vpc_link_id in hop(response)


def test_deregistered_cloud_map_instances_leave_nothing_to_call(setup: Setup) -> None:
    sd = setup.aws(CENTRAL, "servicediscovery")
    for i in range(len(setup.world.endpoint_ips)):
        sd.deregister_instance(ServiceId=setup.world.service_id, InstanceId=f"eni-{i}")
    assert_gateway_error(setup.get("/items/1"), 503, "Service Unavailable", "cloud-map")


def test_cloud_map_instance_on_the_wrong_port(setup: Setup) -> None:
    sd = setup.aws(CENTRAL, "servicediscovery")
    for i, ip in enumerate(setup.world.endpoint_ips):
        sd.register_instance(ServiceId=setup.world.service_id, InstanceId=f"eni-{i}",
                             Attributes={"AWS_INSTANCE_IPV4": ip, "AWS_INSTANCE_PORT": "9090"})
    response = setup.get("/items/1")
    assert_gateway_error(response, 503, "Service Unavailable", "endpoint-sg")
    assert "tcp/9090" in hop(response) and "timeout" in hop(response)
    ec2 = setup.aws(CENTRAL, "ec2")
    ec2.authorize_security_group_ingress(GroupId=setup.world.vpce_sg,
                                         IpPermissions=from_group(9090, setup.world.link_sg))
    response = setup.get("/items/1")
    assert_gateway_error(response, 503, "Service Unavailable", "nlb-listener")
    assert "port 9090" in hop(response)


def test_cloud_map_instance_that_is_no_endpoint_eni(setup: Setup) -> None:
    sd = setup.aws(CENTRAL, "servicediscovery")
    for i in range(len(setup.world.endpoint_ips)):
        sd.register_instance(ServiceId=setup.world.service_id, InstanceId=f"eni-{i}",
                             Attributes={"AWS_INSTANCE_IPV4": "10.0.1.200", "AWS_INSTANCE_PORT": str(PORT)})
    assert_gateway_error(setup.get("/items/1"), 503, "Service Unavailable", "cloud-map-target")


def test_query_parameters_on_the_integration_uri_filter_instances(setup: Setup) -> None:
    apigw = setup.aws(CENTRAL, "apigatewayv2")
    uri = f"arn:aws:servicediscovery:{REGION}:{CENTRAL}:service/{setup.world.service_id}?stage=blue"
    apigw.update_integration(ApiId=setup.world.api_id, IntegrationId=setup.world.integration_id, IntegrationUri=uri)
    assert_gateway_error(setup.get("/items/1"), 503, "Service Unavailable", "cloud-map")
    setup.aws(CENTRAL, "servicediscovery").register_instance(
        ServiceId=setup.world.service_id, InstanceId="eni-0",
        Attributes={"AWS_INSTANCE_IPV4": setup.world.endpoint_ips[0], "AWS_INSTANCE_PORT": str(PORT), "stage": "blue"})
    assert setup.world.endpoint_ips[0] in hop(setup.get("/items/1"))


# ---------------------------------------------------------------------------------- central network
def test_vpc_link_egress_revoked(setup: Setup) -> None:
    setup.aws(CENTRAL, "ec2").revoke_security_group_egress(
        GroupId=setup.world.link_sg, IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    response = setup.get("/items/1")
    assert_gateway_error(response, 503, "Service Unavailable", "vpc-link-sg")
    assert setup.world.link_sg in hop(response)


def test_vpc_link_egress_to_the_endpoint_security_group_admits(setup: Setup) -> None:
    """As modules/central writes it: egress only to the endpoint's group (a group reference, no CIDR)."""
    ec2 = setup.aws(CENTRAL, "ec2")
    ec2.revoke_security_group_egress(
        GroupId=setup.world.link_sg, IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    ec2.authorize_security_group_egress(GroupId=setup.world.link_sg, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": PORT, "ToPort": PORT,
         "UserIdGroupPairs": [{"GroupId": setup.world.vpce_sg}]}])
    response = setup.get("/items/1")
    assert response.status_code == 200, hop(response)


def test_endpoint_ingress_revoked_then_admitted_by_cidr(setup: Setup) -> None:
    ec2 = setup.aws(CENTRAL, "ec2")
    ec2.revoke_security_group_ingress(GroupId=setup.world.vpce_sg, IpPermissions=from_group(PORT, setup.world.link_sg))
    response = setup.get("/items/1")
    assert_gateway_error(response, 503, "Service Unavailable", "endpoint-sg")
    assert setup.world.vpce_sg in hop(response) and setup.world.link_sg in hop(response)
    ec2.authorize_security_group_ingress(GroupId=setup.world.vpce_sg, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 8000, "ToPort": 8100, "IpRanges": [{"CidrIp": "10.0.1.0/24"}]}])
    assert setup.get("/items/1").status_code == 503  # only one of the two VPC link subnets
    ec2.authorize_security_group_ingress(GroupId=setup.world.vpce_sg, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 8000, "ToPort": 8100, "IpRanges": [{"CidrIp": "10.0.0.0/16"}]}])
    assert setup.get("/items/1").status_code == 200


# ---------------------------------------------------------------------------------- PrivateLink
def test_removed_principal_keeps_the_existing_connection(setup: Setup) -> None:
    setup.aws(PROVIDER, "ec2").modify_vpc_endpoint_service_permissions(
        ServiceId=setup.world.endpoint_service_id, RemoveAllowedPrincipals=[f"arn:aws:iam::{CENTRAL}:root"])
    response = setup.get("/items/1")
    assert response.status_code == 200
    assert "no longer an allowed principal" in hop(response) and setup.world.endpoint_id in hop(response)


def test_rejected_endpoint_connection_carries_nothing(setup: Setup) -> None:
    # moto 5.2.5 has no RejectVpcEndpointConnections: set the state that call leaves behind.
    endpoint = moto_state.ec2_backend(CENTRAL, REGION).vpc_end_points[setup.world.endpoint_id]
    endpoint.state = "rejected"
    response = setup.get("/items/1")
    assert_gateway_error(response, 503, "Service Unavailable", "privatelink")
    assert "rejected" in hop(response)
    endpoint.state = "pendingAcceptance"
    assert "acceptance" in hop(setup.get("/items/1"))


def test_deleted_endpoint_service(setup: Setup) -> None:
    setup.aws(PROVIDER, "ec2").delete_vpc_endpoint_service_configurations(
        ServiceIds=[setup.world.endpoint_service_id])
    assert_gateway_error(setup.get("/items/1"), 503, "Service Unavailable", "privatelink")


# ---------------------------------------------------------------------------------- provider side
def test_nlb_security_group_on_privatelink_traffic(setup: Setup) -> None:
    ec2, elbv2 = setup.aws(PROVIDER, "ec2"), setup.aws(PROVIDER, "elbv2")
    ec2.revoke_security_group_ingress(GroupId=setup.world.nlb_sg, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": PORT, "ToPort": PORT, "IpRanges": [{"CidrIp": "10.0.0.0/16"}]}])
    assert_gateway_error(setup.get("/items/1"), 503, "Service Unavailable", "nlb-sg")
    elbv2.set_security_groups(LoadBalancerArn=setup.world.nlb_arn, SecurityGroups=[setup.world.nlb_sg],
                              EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic="off")
    assert setup.get("/items/1").status_code == 200


def test_target_security_group_revoked(setup: Setup) -> None:
    setup.aws(PROVIDER, "ec2").revoke_security_group_ingress(
        GroupId=setup.world.task_sg, IpPermissions=from_group(PORT, setup.world.nlb_sg))
    response = setup.get("/items/1")
    assert_gateway_error(response, 503, "Service Unavailable", "target-sg")
    assert setup.world.task_sg in hop(response)


def test_deregistered_target(setup: Setup) -> None:
    setup.aws(PROVIDER, "elbv2").deregister_targets(TargetGroupArn=setup.world.target_group_arn,
                                                    Targets=[{"Id": TARGET_IP, "Port": PORT}])
    assert_gateway_error(setup.get("/items/1"), 503, "Service Unavailable", "target-group")


def test_healthy_targets_are_preferred_and_all_unhealthy_fails_open(setup: Setup) -> None:
    other = "10.1.2.60"
    setup.aws(PROVIDER, "elbv2").register_targets(TargetGroupArn=setup.world.target_group_arn,
                                                  Targets=[{"Id": other, "Port": PORT}])
    setup.workloads.health[(other, PORT)] = "unhealthy"
    assert all(setup.get("/items/1").status_code == 200 for _ in range(8))  # never the unhealthy one
    setup.workloads.health[(TARGET_IP, PORT)] = "unhealthy"
    statuses = {setup.get("/items/1").status_code for _ in range(20)}
    assert statuses == {200, 503}  # fail open: both targets, and nothing serves 10.1.2.60
    setup.workloads.health[(other, PORT)] = "draining"
    response = setup.get("/items/1")
    assert response.status_code == 200 and "fails open" in hop(response)


# ---------------------------------------------------------------------------------- workload
def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_workload_refusing_or_unmapped_is_service_unavailable(setup: Setup) -> None:
    key = (PROVIDER, REGION, TARGET_IP, PORT)
    setup.workloads.addresses[key] = LocalAddress("127.0.0.1", _closed_port())
    response = setup.get("/items/1")
    assert_gateway_error(response, 503, "Service Unavailable", "workload")
    assert "refused" in hop(response)
    del setup.workloads.addresses[key]
    assert_gateway_error(setup.get("/items/1"), 503, "Service Unavailable", "workload")


def test_integration_timeout_is_service_unavailable(setup: Setup) -> None:
    setup.aws(CENTRAL, "apigatewayv2").update_integration(
        ApiId=setup.world.api_id, IntegrationId=setup.world.integration_id, TimeoutInMillis=200)
    started = time.monotonic()
    response = setup.get("/slow")
    assert_gateway_error(response, 503, "Service Unavailable", "workload")
    assert "200 ms" in hop(response) and time.monotonic() - started < 0.9


# ---------------------------------------------------------------------------------- access logs
def test_access_log_lines_carry_status_and_route_key(setup: Setup) -> None:
    ok = setup.get("/items/5")
    assert ok.status_code == 200
    missing = setup.raw(f"/_crossgate/execute-api/{setup.world.api_id}/v1/")
    events = setup.aws(CENTRAL, "logs").filter_log_events(logGroupName="/crossgate/access")["events"]
    lines = [json.loads(e["message"]) for e in events]
    by_id = {line["requestId"]: line for line in lines}
    first = by_id[ok.headers["apigw-requestid"]]
    assert (first["status"], first["routeKey"], first["integrationStatus"], first["path"]) == (
        "200", "GET /items/{id}", "200", "/items/5")
    assert first["error"] == "-" and first["sourceIp"] == "127.0.0.1"
    assert by_id[missing.headers["apigw-requestid"]]["status"] == "404"
