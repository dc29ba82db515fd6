"""boto3 builders for the test networks (faster than Terraform: no provider waits)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Network:
    """A VPC with one subnet per AZ, as the tests need it."""

    vpc_id: str
    subnet_ids: list[str]
    subnet_cidrs: list[str]


def make_network(ec2: Any, cidr: str, subnet_cidrs: list[str]) -> Network:
    vpc_id = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    zones = [z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"]]
    subnet_ids = [
        ec2.create_subnet(VpcId=vpc_id, CidrBlock=block, AvailabilityZone=zones[i % len(zones)])["Subnet"][
            "SubnetId"
        ]
        for i, block in enumerate(subnet_cidrs)
    ]
    return Network(vpc_id, subnet_ids, subnet_cidrs)


def make_internal_nlb(elbv2: Any, name: str, subnet_ids: list[str]) -> str:
    """An internal NLB; returns its ARN (the endpoint service needs one)."""
    balancer = elbv2.create_load_balancer(Name=name, Subnets=subnet_ids, Scheme="internal", Type="network")
    return str(balancer["LoadBalancers"][0]["LoadBalancerArn"])
