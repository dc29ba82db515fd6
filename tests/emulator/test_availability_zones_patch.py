"""AZ names map to AZ ids per account; endpoint services show their AZs in the consumer's names and refuse
endpoints in AZs they do not serve. Every test here fails on unpatched moto 5.2.5 (one map for all accounts,
foreign services invisible, any subnet accepted)."""

from __future__ import annotations

import uuid
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from conftest import CENTRAL_ACCOUNT, PROVIDER_ACCOUNT
from emulator_network import make_internal_nlb

from crossgate.emulator import Emulator, assume_role_arn, terraform_environment

REGION = "us-east-1"  # six AZs, mapped per account by AWS


@pytest.fixture(scope="module")
def east(emulator: Emulator) -> Any:
    """``east(account, service)``: a us-east-1 client acting in that account."""
    env = terraform_environment(emulator.endpoint_url)
    base = boto3.Session(aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
                         aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"], region_name=REGION)
    sessions: dict[str, boto3.Session] = {}

    def make(account_id: str, service: str) -> Any:
        if account_id not in sessions:
            creds = base.client("sts", endpoint_url=emulator.endpoint_url).assume_role(
                RoleArn=assume_role_arn(account_id), RoleSessionName="az-tests")["Credentials"]
            sessions[account_id] = boto3.Session(
                aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                aws_session_token=creds["SessionToken"], region_name=REGION)
        return sessions[account_id].client(service, endpoint_url=emulator.endpoint_url)

    return make


def _zone_map(ec2: Any) -> dict[str, str]:
    return {z["ZoneName"]: z["ZoneId"] for z in ec2.describe_availability_zones()["AvailabilityZones"]}


def test_each_account_has_its_own_deterministic_name_to_id_map(east: Any) -> None:
    provider, central = _zone_map(east(PROVIDER_ACCOUNT, "ec2")), _zone_map(east(CENTRAL_ACCOUNT, "ec2"))
    assert sorted(provider) == sorted(central) == [f"us-east-1{c}" for c in "abcdef"]
    assert sorted(provider.values()) == sorted(central.values()) == [f"use1-az{i}" for i in range(1, 7)]
    assert provider != central, "the same name should be another physical AZ in another account"
    assert _zone_map(east(PROVIDER_ACCOUNT, "ec2")) == provider  # the same on every call
    zone_id = provider["us-east-1a"]
    filtered = east(PROVIDER_ACCOUNT, "ec2").describe_availability_zones(ZoneIds=[zone_id])["AvailabilityZones"]
    assert [z["ZoneName"] for z in filtered] == ["us-east-1a"]


def test_create_subnet_by_zone_id_lands_in_the_callers_name_for_it(east: Any) -> None:
    ec2 = east(CENTRAL_ACCOUNT, "ec2")
    zones = _zone_map(ec2)
    vpc = ec2.create_vpc(CidrBlock="10.77.0.0/16")["Vpc"]["VpcId"]
    by_id = ec2.create_subnet(VpcId=vpc, CidrBlock="10.77.1.0/24", AvailabilityZoneId="use1-az4")["Subnet"]
    assert by_id["AvailabilityZoneId"] == "use1-az4"
    assert zones[by_id["AvailabilityZone"]] == "use1-az4"
    by_name = ec2.create_subnet(VpcId=vpc, CidrBlock="10.77.2.0/24", AvailabilityZone="us-east-1a")["Subnet"]
    assert by_name["AvailabilityZoneId"] == zones["us-east-1a"]
    listed = ec2.describe_subnets(Filters=[{"Name": "availability-zone", "Values": [by_id["AvailabilityZone"]]},
                                           {"Name": "vpc-id", "Values": [vpc]}])["Subnets"]
    assert [s["SubnetId"] for s in listed] == [by_id["SubnetId"]]
    with pytest.raises(ClientError) as error:
        ec2.create_subnet(VpcId=vpc, CidrBlock="10.77.3.0/24", AvailabilityZoneId="use1-az9")
    assert error.value.response["Error"]["Code"] == "InvalidParameterValue"


@pytest.fixture(scope="module")
def service(east: Any) -> dict[str, Any]:
    """A provider endpoint service over an NLB in the provider's us-east-1a and us-east-1b, open to central."""
    ec2 = east(PROVIDER_ACCOUNT, "ec2")
    vpc = ec2.create_vpc(CidrBlock="10.78.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.78.{i}.0/24", AvailabilityZone=f"us-east-1{c}")["Subnet"]
               for i, c in enumerate("ab")]
    nlb = make_internal_nlb(east(PROVIDER_ACCOUNT, "elbv2"), f"az-{uuid.uuid4().hex[:8]}",
                            [s["SubnetId"] for s in subnets])
    config = ec2.create_vpc_endpoint_service_configuration(NetworkLoadBalancerArns=[nlb])["ServiceConfiguration"]
    ec2.modify_vpc_endpoint_service_permissions(ServiceId=config["ServiceId"],
                                                AddAllowedPrincipals=[f"arn:aws:iam::{CENTRAL_ACCOUNT}:root"])
    return {"name": config["ServiceName"], "zone_ids": sorted(s["AvailabilityZoneId"] for s in subnets)}


def test_consumer_sees_the_service_in_its_own_zone_names(east: Any, service: dict[str, Any]) -> None:
    central = east(CENTRAL_ACCOUNT, "ec2")
    (detail,) = central.describe_vpc_endpoint_services(ServiceNames=[service["name"]])["ServiceDetails"]
    assert detail["AvailabilityZoneIds"] == service["zone_ids"]
    names = _zone_map(central)
    assert sorted(detail["AvailabilityZones"]) == sorted(n for n, i in names.items() if i in service["zone_ids"])
    assert detail["Owner"] == PROVIDER_ACCOUNT
    (own,) = east(PROVIDER_ACCOUNT, "ec2").describe_vpc_endpoint_services(
        ServiceNames=[service["name"]])["ServiceDetails"]
    assert own["AvailabilityZones"] == ["us-east-1a", "us-east-1b"]
    with pytest.raises(ClientError):  # an account no principal admits does not see it
        east("333333333333", "ec2").describe_vpc_endpoint_services(ServiceNames=[service["name"]])


def test_interface_endpoint_only_in_zones_the_service_serves(east: Any, service: dict[str, Any]) -> None:
    central = east(CENTRAL_ACCOUNT, "ec2")
    vpc = central.create_vpc(CidrBlock="10.79.0.0/16")["Vpc"]["VpcId"]
    served, other = service["zone_ids"][0], next(f"use1-az{i}" for i in range(1, 7)
                                                 if f"use1-az{i}" not in service["zone_ids"])
    good = central.create_subnet(VpcId=vpc, CidrBlock="10.79.1.0/24", AvailabilityZoneId=served)["Subnet"]["SubnetId"]
    bad = central.create_subnet(VpcId=vpc, CidrBlock="10.79.2.0/24", AvailabilityZoneId=other)["Subnet"]["SubnetId"]
    with pytest.raises(ClientError) as error:
        central.create_vpc_endpoint(VpcId=vpc, ServiceName=service["name"], VpcEndpointType="Interface",
                                    SubnetIds=[good, bad])
    assert error.value.response["Error"]["Code"] == "InvalidParameter"
    assert f"does not support the Availability Zone of the subnet: {bad}" in error.value.response["Error"]["Message"]
    endpoint = central.create_vpc_endpoint(VpcId=vpc, ServiceName=service["name"], VpcEndpointType="Interface",
                                           SubnetIds=[good])["VpcEndpoint"]
    with pytest.raises(ClientError) as added:
        central.modify_vpc_endpoint(VpcEndpointId=endpoint["VpcEndpointId"], AddSubnetIds=[bad])
    assert added.value.response["Error"]["Code"] == "InvalidParameter"
    central.delete_vpc_endpoints(VpcEndpointIds=[endpoint["VpcEndpointId"]])
