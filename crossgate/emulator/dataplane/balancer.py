"""The provider-side hop: endpoint service -> internal NLB listener -> target group -> one target.

AWS (Elastic Load Balancing, Network Load Balancers):
- The endpoint forwards to the NLB on the same port; the NLB needs a listener on it whose default
  action forwards to a target group (weighted when several).
- "Update the security groups for your Network Load Balancer": with security groups on the NLB and
  ``EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic`` on (the default), inbound rules apply to
  PrivateLink traffic and "the source of the traffic is the private IP address of the client, not the
  endpoint interface" -- here the VPC link's ENIs, known to the emulator as the link's subnets.
- Targets' groups must admit traffic from the NLB (its groups, or its addresses: its subnets / the VPC
  CIDR), "Target security groups".
- "Health checks for Network Load Balancer target groups": requests go to healthy targets; when all
  targets fail health checks at once the NLB fails open and routes to all targets.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from crossgate.emulator.dataplane import moto_state
from crossgate.emulator.dataplane.endpoint import TIMEOUT_NOTE
from crossgate.emulator.dataplane.network import Peer, admits, group_ids
from crossgate.emulator.dataplane.responses import HopFailure

_ENFORCE_ATTR = "enforce_security_group_inbound_rules_on_private_link_traffic"  # see patches/elbv2.py
_NOT_ROUTABLE = {"unused", "draining", "unavailable"}

HealthOf = Callable[[str, str, str, str, int], Any]  # (account, region, tg arn, ip, port) -> TargetHealth


@dataclass(frozen=True)
class Target:
    account_id: str
    region: str
    load_balancer: Any
    target_group_arn: str
    ip: str
    port: int
    notes: tuple[str, ...] = ()


def _listener(balancer: Any, port: int) -> Any | None:
    for listener in list(balancer.listeners.values()):
        if listener.port is not None and int(listener.port) == port:
            return listener
    return None


def _forward_group(listener: Any, rng: random.Random) -> str | None:
    for action in listener.default_actions or []:
        data: dict[str, Any] = getattr(action, "data", None) or {}
        if data.get("Type") != "forward":
            continue
        if data.get("TargetGroupArn"):
            return str(data["TargetGroupArn"])
        groups = (data.get("ForwardConfig") or {}).get("TargetGroups") or []
        if groups:
            weights = [max(int(g.get("Weight", 1) or 0), 0) for g in groups]
            if sum(weights) == 0:
                weights = [1] * len(groups)
            return str(rng.choices(groups, weights)[0]["TargetGroupArn"])
    return None


def _target_address(ec2: Any, group: Any, target: dict[str, Any]) -> tuple[str, int, list[Any] | None]:
    """IP, port and (when the emulator knows the ENI or instance) the target's security groups."""
    port = int(target.get("Port") or group.port)
    target_id = str(target["Id"])
    if target_id.startswith("i-") and ec2 is not None:
        instance = ec2.get_instance_by_id(target_id) if hasattr(ec2, "get_instance_by_id") else None
        if instance is not None:
            return instance.private_ip_address, port, list(instance.security_groups or [])
    eni = moto_state.eni_by_ip(ec2, target_id) if ec2 is not None else None
    groups = None
    if eni is not None:
        groups = [g if hasattr(g, "ingress_rules") else moto_state.security_group(ec2, g) for g in eni.group_set]
        groups = [g for g in groups if g is not None]
    return target_id, port, groups


def pick_target(account_id: str, region: str, nlb_arns: list[str], port: int, client: Peer,
                health_of: HealthOf, rng: random.Random) -> Target:
    elbv2 = moto_state.elbv2_backend(account_id, region)
    ec2 = moto_state.ec2_backend(account_id, region)
    balancer = None
    for arn in nlb_arns:
        balancer = moto_state.load_balancer(elbv2, arn) if elbv2 is not None else None
        if balancer is not None:
            break
    if balancer is None:
        raise HopFailure(503, "nlb", f"the endpoint service's NLB {', '.join(nlb_arns) or '(none)'} does not exist "
                                     f"in {account_id}/{region}; {TIMEOUT_NOTE}", "Connection timed out")
    listener = _listener(balancer, port)
    if listener is None:
        raise HopFailure(503, "nlb-listener", f"{balancer.name} has no listener on port {port}; {TIMEOUT_NOTE}",
                         "Connection timed out")
    notes: list[str] = []
    nlb_groups = [g for g in (moto_state.security_group(ec2, i) for i in balancer.security_groups or []) if g]
    enforce = str(getattr(balancer, _ENFORCE_ATTR, None) or "on").lower() == "on"
    if nlb_groups and enforce and admits(nlb_groups, "ingress", port, client) is None:
        raise HopFailure(503, "nlb-sg", f"{balancer.name} groups {group_ids(nlb_groups)} admit no tcp/{port} from "
                                        f"the PrivateLink client {client.describe()} (inbound rules enforced on "
                                        f"PrivateLink traffic); {TIMEOUT_NOTE}", "Connection timed out")
    group_arn = _forward_group(listener, rng)
    group = moto_state.target_group(elbv2, group_arn) if group_arn else None
    if group is None:
        raise HopFailure(503, "nlb-listener", f"listener {port} of {balancer.name} forwards to no existing target "
                                              f"group; {TIMEOUT_NOTE}", "Connection timed out")
    registered = [_target_address(ec2, group, t) for t in list(group.targets.values())]
    if not registered:
        raise HopFailure(503, "target-group", f"{group.name} has no registered targets", "Connection refused")
    states = {(ip, p): health_of(account_id, region, group.arn, ip, p) for ip, p, _ in registered}
    healthy = [t for t in registered if states[(t[0], t[1])].state == "healthy"]
    if not healthy:
        healthy = [t for t in registered if states[(t[0], t[1])].state not in _NOT_ROUTABLE]
        if not healthy:
            summary = ", ".join(f"{ip}:{p} {states[(ip, p)].state}" for ip, p, _ in registered)
            raise HopFailure(503, "target-group", f"{group.name} has no routable target ({summary})",
                             "Connection refused")
        notes.append(f"no healthy target in {group.name}: NLB fails open to all {len(healthy)} targets")
    ip, target_port, target_groups = rng.choice(healthy)
    nlb_subnets = [s.cidr_block for s in balancer.subnets or [] if getattr(s, "cidr_block", None)]
    nlb_peer = Peer.of(nlb_subnets, [g.id for g in nlb_groups])
    if target_groups is None:
        notes.append(f"target {ip} is no ENI the emulator knows: its security groups were not checked")
    elif admits(target_groups, "ingress", target_port, nlb_peer) is None:
        raise HopFailure(503, "target-sg", f"{group_ids(target_groups)} of target {ip} admit no tcp/{target_port} "
                                           f"from the NLB's {nlb_peer.describe()}; {TIMEOUT_NOTE}",
                         "Connection timed out")
    return Target(account_id, region, balancer, group.arn, ip, target_port, tuple(notes))
