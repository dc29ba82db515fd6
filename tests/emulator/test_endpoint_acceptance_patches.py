"""Endpoint service permissions and connection acceptance, across two accounts, against the running emulator."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError
from conftest import CENTRAL_ACCOUNT, PROVIDER_ACCOUNT, AccountClient
from emulator_network import Network, make_internal_nlb, make_network

from crossgate.emulator import assume_role_arn


def _service(account_client: AccountClient, acceptance_required: bool, principals: list[str]) -> dict[str, Any]:
    ec2 = account_client(PROVIDER_ACCOUNT, "ec2")
    octet = uuid.uuid4().int % 50 + 150
    network = make_network(ec2, f"10.{octet}.0.0/16", [f"10.{octet}.1.0/24"])
    nlb = make_internal_nlb(account_client(PROVIDER_ACCOUNT, "elbv2"), f"nlb-{uuid.uuid4().hex[:8]}",
                            network.subnet_ids)
    config = ec2.create_vpc_endpoint_service_configuration(
        NetworkLoadBalancerArns=[nlb], AcceptanceRequired=acceptance_required)["ServiceConfiguration"]
    if principals:
        ec2.modify_vpc_endpoint_service_permissions(ServiceId=config["ServiceId"], AddAllowedPrincipals=principals)
    return dict(config)


@pytest.fixture()
def consumer_network(account_client: AccountClient) -> Network:
    octet = uuid.uuid4().int % 50 + 200
    return make_network(account_client(CENTRAL_ACCOUNT, "ec2"), f"10.{octet}.0.0/16", [f"10.{octet}.1.0/24"])


def _create_endpoint(ec2: Any, network: Network, service: dict[str, Any]) -> dict[str, Any]:
    return dict(ec2.create_vpc_endpoint(
        VpcId=network.vpc_id, ServiceName=service["ServiceName"], VpcEndpointType="Interface",
        SubnetIds=network.subnet_ids,
    )["VpcEndpoint"])


def _state(ec2: Any, endpoint_id: str) -> str:
    return str(ec2.describe_vpc_endpoints(VpcEndpointIds=[endpoint_id])["VpcEndpoints"][0]["State"])


def _connection_state(owner: Any, service_id: str, endpoint_id: str) -> str:
    [connection] = owner.describe_vpc_endpoint_connections(Filters=[
        {"Name": "service-id", "Values": [service_id]}, {"Name": "vpc-endpoint-id", "Values": [endpoint_id]},
    ])["VpcEndpointConnections"]
    return str(connection["VpcEndpointState"])


# -- acceptance -------------------------------------------------------------------------------
def test_endpoint_waits_for_acceptance_then_becomes_available(
    account_client: AccountClient, consumer_network: Network
) -> None:
    service = _service(account_client, True, [f"arn:aws:iam::{CENTRAL_ACCOUNT}:root"])
    consumer, owner = account_client(CENTRAL_ACCOUNT, "ec2"), account_client(PROVIDER_ACCOUNT, "ec2")
    endpoint = _create_endpoint(consumer, consumer_network, service)
    endpoint_id = endpoint["VpcEndpointId"]
    assert endpoint["State"] == "pendingAcceptance"
    assert _state(consumer, endpoint_id) == "pendingAcceptance"
    assert _connection_state(owner, service["ServiceId"], endpoint_id) == "pendingAcceptance"
    assert [c["VpcEndpointId"] for c in owner.describe_vpc_endpoint_connections(Filters=[
        {"Name": "vpc-endpoint-state", "Values": ["pendingAcceptance"]}])["VpcEndpointConnections"]
        if c["VpcEndpointId"] == endpoint_id] == [endpoint_id]

    answer = owner.accept_vpc_endpoint_connections(ServiceId=service["ServiceId"], VpcEndpointIds=[endpoint_id])
    assert answer.get("Unsuccessful", []) == []
    assert _state(consumer, endpoint_id) == "available"
    assert _connection_state(owner, service["ServiceId"], endpoint_id) == "available"

    # A connection can be rejected once available.
    owner.reject_vpc_endpoint_connections(ServiceId=service["ServiceId"], VpcEndpointIds=[endpoint_id])
    assert _state(consumer, endpoint_id) == "rejected"


def test_rejected_endpoint_is_rejected(account_client: AccountClient, consumer_network: Network) -> None:
    service = _service(account_client, True, [f"arn:aws:iam::{CENTRAL_ACCOUNT}:root"])
    consumer, owner = account_client(CENTRAL_ACCOUNT, "ec2"), account_client(PROVIDER_ACCOUNT, "ec2")
    endpoint_id = _create_endpoint(consumer, consumer_network, service)["VpcEndpointId"]
    answer = owner.reject_vpc_endpoint_connections(ServiceId=service["ServiceId"], VpcEndpointIds=[endpoint_id])
    assert answer.get("Unsuccessful", []) == []
    assert _state(consumer, endpoint_id) == "rejected"
    assert _connection_state(owner, service["ServiceId"], endpoint_id) == "rejected"


def test_accept_reports_endpoints_not_connected_to_the_service(
    account_client: AccountClient, consumer_network: Network
) -> None:
    service = _service(account_client, True, [f"arn:aws:iam::{CENTRAL_ACCOUNT}:root"])
    owner = account_client(PROVIDER_ACCOUNT, "ec2")
    answer = owner.accept_vpc_endpoint_connections(ServiceId=service["ServiceId"],
                                                   VpcEndpointIds=["vpce-0123456789abcdef0"])
    assert [(u["ResourceId"], u["Error"]["Code"]) for u in answer["Unsuccessful"]] == [
        ("vpce-0123456789abcdef0", "InvalidVpcEndpointId.NotFound")]
    # Only the service owner can accept: the consumer has no such service.
    with pytest.raises(ClientError) as error:
        account_client(CENTRAL_ACCOUNT, "ec2").accept_vpc_endpoint_connections(
            ServiceId=service["ServiceId"], VpcEndpointIds=["vpce-0123456789abcdef0"])
    assert error.value.response["Error"]["Code"] == "InvalidVpcEndpointServiceId.NotFound"


def test_endpoint_without_acceptance_required_is_available_at_once(
    account_client: AccountClient, consumer_network: Network
) -> None:
    service = _service(account_client, False, [f"arn:aws:iam::{CENTRAL_ACCOUNT}:root"])
    endpoint = _create_endpoint(account_client(CENTRAL_ACCOUNT, "ec2"), consumer_network, service)
    assert endpoint["State"] == "available"


# -- allowed principals -----------------------------------------------------------------------
def test_endpoint_to_a_service_not_allowing_the_caller_is_refused(
    account_client: AccountClient, consumer_network: Network
) -> None:
    consumer = account_client(CENTRAL_ACCOUNT, "ec2")
    for principals in ([], [f"arn:aws:iam::{PROVIDER_ACCOUNT}:root"], [assume_role_arn(CENTRAL_ACCOUNT, "other")]):
        service = _service(account_client, False, principals)
        with pytest.raises(ClientError) as error:
            _create_endpoint(consumer, consumer_network, service)
        assert error.value.response["Error"]["Code"] == "InvalidServiceName"
    assert consumer.describe_vpc_endpoints(Filters=[{"Name": "vpc-id", "Values": [consumer_network.vpc_id]}])[
        "VpcEndpoints"] == []


@pytest.mark.parametrize("principal", ["root", "role", "*"])
def test_endpoint_to_a_service_allowing_the_caller_is_created(
    account_client: AccountClient, consumer_network: Network, principal: str
) -> None:
    allowed = {"root": f"arn:aws:iam::{CENTRAL_ACCOUNT}:root", "role": assume_role_arn(CENTRAL_ACCOUNT),
               "*": "*"}[principal]
    service = _service(account_client, False, [allowed])
    endpoint = _create_endpoint(account_client(CENTRAL_ACCOUNT, "ec2"), consumer_network, service)
    assert endpoint["State"] == "available"


def test_service_owner_needs_no_permission_for_its_own_endpoint(account_client: AccountClient) -> None:
    service = _service(account_client, False, [])
    owner = account_client(PROVIDER_ACCOUNT, "ec2")
    network = make_network(owner, "10.240.0.0/16", ["10.240.1.0/24"])
    assert _create_endpoint(owner, network, service)["State"] == "available"
