"""API Gateway v2 against the running emulator: UpdateStage / DeleteRouteSettings (patched) and VPC link
status (moto already answers like AWS: pinned here), GetAuthorizers (patched: moto has no handler)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError
from conftest import CENTRAL_ACCOUNT, AccountClient
from emulator_network import make_network


@pytest.fixture()
def http_api(account_client: AccountClient) -> tuple[Any, str]:
    client = account_client(CENTRAL_ACCOUNT, "apigatewayv2")
    api_id = client.create_api(Name=f"api-{uuid.uuid4().hex[:8]}", ProtocolType="HTTP")["ApiId"]
    for route_key in ("GET /a", "GET /b"):
        client.create_route(ApiId=api_id, RouteKey=route_key)
    client.create_stage(
        ApiId=api_id, StageName="$default", AutoDeploy=True, Description="first",
        DefaultRouteSettings={"DetailedMetricsEnabled": False, "ThrottlingBurstLimit": 100,
                              "ThrottlingRateLimit": 50.0},
        RouteSettings={"GET /a": {"ThrottlingBurstLimit": 10, "ThrottlingRateLimit": 5.0}},
        StageVariables={"keep": "1", "drop": "2"},
    )
    return client, str(api_id)


def test_update_stage_changes_only_the_given_fields(http_api: tuple[Any, str]) -> None:
    client, api_id = http_api
    updated = client.update_stage(
        ApiId=api_id, StageName="$default",
        DefaultRouteSettings={"DetailedMetricsEnabled": False, "ThrottlingBurstLimit": 400,
                              "ThrottlingRateLimit": 200.0},
        RouteSettings={"GET /b": {"ThrottlingBurstLimit": 20, "ThrottlingRateLimit": 10.0}},
        AccessLogSettings={"DestinationArn": "arn:aws:logs:us-east-1:222222222222:log-group:access",
                           "Format": "$context.requestId"},
    )
    assert updated["DefaultRouteSettings"]["ThrottlingBurstLimit"] == 400

    stage = client.get_stage(ApiId=api_id, StageName="$default")
    assert stage["DefaultRouteSettings"] == {
        "DetailedMetricsEnabled": False, "ThrottlingBurstLimit": 400, "ThrottlingRateLimit": 200.0}
    assert stage["RouteSettings"] == {
        "GET /a": {"ThrottlingBurstLimit": 10, "ThrottlingRateLimit": 5.0},
        "GET /b": {"ThrottlingBurstLimit": 20, "ThrottlingRateLimit": 10.0},
    }
    assert stage["AccessLogSettings"]["Format"] == "$context.requestId"
    # Untouched: not in the request.
    assert stage["AutoDeploy"] is True
    assert stage["Description"] == "first"
    assert stage["StageVariables"] == {"keep": "1", "drop": "2"}
    assert stage["LastUpdatedDate"] >= stage["CreatedDate"]


def test_update_stage_flags_description_variables_and_log_removal(http_api: tuple[Any, str]) -> None:
    client, api_id = http_api
    client.update_stage(ApiId=api_id, StageName="$default",
                        AccessLogSettings={"DestinationArn": "arn:aws:logs:us-east-1:222222222222:log-group:x",
                                           "Format": "$context.requestId"})
    client.update_stage(ApiId=api_id, StageName="$default", AutoDeploy=False, Description="second",
                        StageVariables={"drop": "", "new": "3"}, AccessLogSettings={})
    stage = client.get_stage(ApiId=api_id, StageName="$default")
    assert stage["AutoDeploy"] is False
    assert stage["Description"] == "second"
    assert stage["StageVariables"] == {"keep": "1", "new": "3"}
    assert "AccessLogSettings" not in stage
    assert stage["DefaultRouteSettings"]["ThrottlingBurstLimit"] == 100


def test_update_stage_of_a_missing_stage_is_not_found(http_api: tuple[Any, str]) -> None:
    client, api_id = http_api
    with pytest.raises(ClientError) as error:
        client.update_stage(ApiId=api_id, StageName="nope", Description="x")
    assert error.value.response["Error"]["Code"] == "NotFoundException"


def test_delete_route_settings_drops_one_route(http_api: tuple[Any, str]) -> None:
    client, api_id = http_api
    client.update_stage(ApiId=api_id, StageName="$default",
                        RouteSettings={"GET /b": {"ThrottlingBurstLimit": 20, "ThrottlingRateLimit": 10.0}})
    client.delete_route_settings(ApiId=api_id, StageName="$default", RouteKey="GET /a")
    stage = client.get_stage(ApiId=api_id, StageName="$default")
    assert list(stage["RouteSettings"]) == ["GET /b"]
    with pytest.raises(ClientError) as error:
        client.delete_route_settings(ApiId=api_id, StageName="$default", RouteKey="GET /a")
    assert error.value.response["Error"]["Code"] == "NotFoundException"


# -- VPC link status: claim checked, moto already answers AVAILABLE / V2 -----------------------
def test_vpc_link_is_available_v2(account_client: AccountClient) -> None:
    ec2 = account_client(CENTRAL_ACCOUNT, "ec2")
    network = make_network(ec2, "10.77.0.0/16", ["10.77.1.0/24", "10.77.2.0/24"])
    group = ec2.create_security_group(GroupName=f"link-{uuid.uuid4().hex[:8]}", Description="link",
                                      VpcId=network.vpc_id)["GroupId"]
    client = account_client(CENTRAL_ACCOUNT, "apigatewayv2")
    created = client.create_vpc_link(Name="link", SubnetIds=network.subnet_ids, SecurityGroupIds=[group])
    assert (created["VpcLinkStatus"], created["VpcLinkVersion"]) == ("AVAILABLE", "V2")
    described = client.get_vpc_link(VpcLinkId=created["VpcLinkId"])
    assert (described["VpcLinkStatus"], described["VpcLinkVersion"]) == ("AVAILABLE", "V2")
    client.delete_vpc_link(VpcLinkId=created["VpcLinkId"])


def test_get_authorizers_lists_every_authorizer_in_pages(http_api: tuple[Any, str]) -> None:
    client, api_id = http_api
    created = [client.create_authorizer(
        ApiId=api_id, AuthorizerType="JWT", Name=f"jwt-{n}", IdentitySource=["$request.header.Authorization"],
        JwtConfiguration={"Audience": ["crossgate"], "Issuer": f"https://issuer-{n}.example.com"})["AuthorizerId"]
        for n in range(3)]

    listed = client.get_authorizers(ApiId=api_id)
    assert [a["AuthorizerId"] for a in listed["Items"]] == created
    assert "NextToken" not in listed
    assert listed["Items"][1]["JwtConfiguration"]["Issuer"] == "https://issuer-1.example.com"
    assert listed["Items"][0] == {k: v for k, v in client.get_authorizer(ApiId=api_id, AuthorizerId=created[0]).items()
                                  if k != "ResponseMetadata"}

    first = client.get_authorizers(ApiId=api_id, MaxResults="2")
    rest = client.get_authorizers(ApiId=api_id, MaxResults="2", NextToken=first["NextToken"])
    assert [a["AuthorizerId"] for a in first["Items"] + rest["Items"]] == created
    assert "NextToken" not in rest


def test_get_authorizers_of_a_missing_api_is_not_found(account_client: AccountClient) -> None:
    client = account_client(CENTRAL_ACCOUNT, "apigatewayv2")
    with pytest.raises(ClientError) as raised:
        client.get_authorizers(ApiId="nosuchapi")
    assert raised.value.response["Error"]["Code"] == "NotFoundException"
