"""Security group evaluation: does a set of groups admit a TCP flow?

Security groups are allow-lists evaluated per ENI: a flow passes if any rule of any group attached
matches protocol (``tcp``/``6`` or all ``-1``), port (inclusive ``FromPort..ToPort``) and peer: a CIDR
holding the peer address, or a referenced group attached to the peer (Amazon VPC User Guide, "Security
group rules"). Egress is checked on the sender's groups, ingress on the receiver's. Prefix-list peers
are not resolved (the emulator treats them as not matching and says so).

A source known only as subnets (the VPC link's ENIs, whose IPs moto does not model) is admitted when
a rule's CIDR contains each such subnet's CIDR, so whichever VPC link ENI carries the flow, it passes.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

_TCP = {"tcp", "6"}
_ALL = {"-1", "all"}

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@functools.lru_cache(maxsize=4096)
def parse_network(text: str) -> Network:
    """``ipaddress.ip_network`` memoised: the same few CIDRs are checked on every request (a pure function)."""
    return ipaddress.ip_network(text, strict=False)


@dataclass(frozen=True)
class Peer:
    """The other end of a flow: its addresses (single IPs or whole subnets) and its security groups."""

    networks: tuple[Network, ...] = ()
    group_ids: frozenset[str] = frozenset()

    @staticmethod
    def of(addresses: Iterable[str], group_ids: Iterable[str] = ()) -> Peer:
        return Peer(tuple(parse_network(a) for a in addresses), frozenset(group_ids))

    def describe(self) -> str:
        parts = []
        if self.group_ids:
            parts.append("groups [" + ", ".join(sorted(self.group_ids)) + "]")
        if self.networks:
            parts.append("addresses [" + ", ".join(str(n) for n in self.networks) + "]")
        return " or ".join(parts) or "nothing"


def _port_matches(rule: Any, port: int) -> bool:
    protocol = str(rule.ip_protocol or "").lower()
    if protocol in _ALL:
        return True
    if protocol not in _TCP:
        return False
    low = -1 if rule.from_port is None else int(rule.from_port)
    high = -1 if rule.to_port is None else int(rule.to_port)
    return low <= port <= high


def _rule_networks(rule: Any) -> list[Network]:
    networks: list[Network] = []
    for key in ("CidrIp", "CidrIpv6"):
        cidr = (rule.ip_range or {}).get(key)
        if cidr:
            networks.append(parse_network(cidr))
    return networks


def _peer_matches(rule: Any, peer: Peer) -> bool:
    referenced = (rule.source_group or {}).get("GroupId")
    if referenced and referenced in peer.group_ids:
        return True
    if not peer.networks:
        return False
    networks = _rule_networks(rule)
    return bool(networks) and all(
        any(n.version == p.version and p.subnet_of(n) for n in networks)  # type: ignore[arg-type]
        for p in peer.networks
    )


def admits(groups: Sequence[Any], direction: str, port: int, peer: Peer) -> Any | None:
    """The first rule (ingress or egress) of ``groups`` admitting tcp/``port`` to/from ``peer``, else None."""
    for group in groups:
        rules = group.ingress_rules if direction == "ingress" else group.egress_rules
        for rule in list(rules):
            if _port_matches(rule, port) and _peer_matches(rule, peer):
                return rule
    return None


def group_ids(groups: Iterable[Any]) -> str:
    return "[" + ", ".join(g.id for g in groups) + "]"
