"""The central network hop: VPC link ENIs -> interface endpoint ENI, inside the central account's VPC.

AWS: the VPC link places ENIs in its subnets with its security groups (developer guide, "Set up VPC
links for HTTP APIs"); they send to the Cloud Map instance's IP:port, which must be an interface
endpoint's ENI in that VPC (crossgate registers the endpoint ENIs' private IPs as the instances). The VPC link
groups must allow egress to it; the endpoint's groups must allow ingress from the link's groups or
subnets (an interface endpoint without groups gets the VPC's default group; PrivateLink Guide,
"Access an AWS service using an interface VPC endpoint"). A flow a security group does not admit is
silently dropped: in AWS the request waits out the integration timeout, then 503.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crossgate.emulator.dataplane import moto_state
from crossgate.emulator.dataplane.cloudmap import Instance
from crossgate.emulator.dataplane.network import Peer, admits, group_ids
from crossgate.emulator.dataplane.responses import HopFailure

TIMEOUT_NOTE = "AWS would drop the packets and answer 503 only after the integration timeout"


@dataclass(frozen=True)
class CentralPath:
    """The VPC link's network and the endpoint reached through it."""

    vpc_id: str
    link_peer: Peer
    endpoint: Any
    eni: Any


def _link_network(ec2: Any, link: Any) -> tuple[str, Peer, list[Any]]:
    subnets = []
    for subnet_id in link.subnet_ids or []:
        subnet = moto_state.subnet(ec2, subnet_id)
        if subnet is None:
            raise HopFailure(500, "vpc-link", f"VPC link {link.id} subnet {subnet_id} does not exist",
                             "VPC link subnet not found")
        subnets.append(subnet)
    if not subnets:
        raise HopFailure(500, "vpc-link", f"VPC link {link.id} has no subnets", "VPC link has no subnets")
    groups = []
    for group_id in link.sg_ids or []:
        group = moto_state.security_group(ec2, group_id)
        if group is not None:
            groups.append(group)
    peer = Peer.of([s.cidr_block for s in subnets], [g.id for g in groups])
    return subnets[0].vpc_id, peer, groups


def _endpoint_of(ec2: Any, eni: Any) -> Any | None:
    for endpoint in list(ec2.vpc_end_points.values()):
        if eni.id in (endpoint.network_interface_ids or []):
            return endpoint
    return None


def reach_endpoint(ec2: Any, link: Any, instance: Instance) -> CentralPath:
    """Check the path VPC link -> endpoint ENI; return it, or raise the failure AWS would show."""
    vpc_id, peer, link_groups = _link_network(ec2, link)
    target = f"{instance.ip}:{instance.port}"
    eni = moto_state.eni_by_ip(ec2, instance.ip)
    endpoint = _endpoint_of(ec2, eni) if eni is not None else None
    if endpoint is None or (endpoint.vpc_endpoint_type or "").lower() != "interface":
        raise HopFailure(503, "cloud-map-target", f"{target} (instance {instance.instance_id}) is no interface "
                                                  f"endpoint ENI in the central account; {TIMEOUT_NOTE}",
                         "Connection timed out")
    if endpoint.vpc_id != vpc_id:
        raise HopFailure(503, "cloud-map-target", f"{target} is endpoint {endpoint.id} in {endpoint.vpc_id}, "
                                                  f"the VPC link is in {vpc_id}; {TIMEOUT_NOTE}",
                         "Connection timed out")
    # An interface endpoint's ENIs carry the endpoint's security groups (or the VPC's default group when it
    # names none): "security groups associated with the endpoint network interfaces", PrivateLink guide.
    groups = [g for g in (moto_state.security_group(ec2, i) for i in endpoint.security_group_ids or []) if g]
    if not endpoint.security_group_ids:
        default = moto_state.default_security_group(ec2, endpoint.vpc_id)
        groups = [default] if default is not None else []
    # Egress rules may name the destination by address or by a security group its ENI carries.
    destination = Peer.of([instance.ip], [g.id for g in groups])
    if admits(link_groups, "egress", instance.port, destination) is None:
        raise HopFailure(503, "vpc-link-sg", f"VPC link groups {group_ids(link_groups)} admit no egress tcp/"
                                             f"{instance.port} to {instance.ip} ({group_ids(groups)}); "
                                             f"{TIMEOUT_NOTE}", "Connection timed out")
    if admits(groups, "ingress", instance.port, peer) is None:
        raise HopFailure(503, "endpoint-sg", f"{group_ids(groups)} of {endpoint.id} admit no tcp/{instance.port} "
                                             f"from the VPC link's {peer.describe()}; {TIMEOUT_NOTE}",
                         "Connection timed out")
    return CentralPath(vpc_id, peer, endpoint, eni)
