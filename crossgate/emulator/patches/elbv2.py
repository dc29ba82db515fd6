"""ELBv2: load balancer ARNs, idempotent creates and the PrivateLink inbound-rules attribute."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from moto.core.responses import ActionResult

from crossgate.emulator.patches.base import result_item, wrap

_LOAD_BALANCER_ARN_KIND = {"application": "app", "network": "net", "gateway": "gwy"}


def patch_elbv2_load_balancer_arn_kind() -> None:
    """AWS names a load balancer ``...:loadbalancer/<kind>/<name>/<id>`` with kind ``app`` (ALB),
    ``net`` (NLB) or ``gwy`` (GWLB); listener ARNs follow (``listener/net/...``). moto writes
    ``app`` for every type, so an NLB created in the emulator fails crossgate's own check that a
    bring-your-own NLB ARN is ``.../loadbalancer/net/...``. The balancer is re-keyed (and its
    tags moved) right after moto creates it, before any listener derives its ARN from it."""
    from moto.elbv2.models import ELBv2Backend

    def make(original: Callable[..., Any]) -> Callable[..., Any]:
        def create_load_balancer(self: Any, *args: Any, **kwargs: Any) -> Any:
            balancer = original(self, *args, **kwargs)
            kind = _LOAD_BALANCER_ARN_KIND.get(balancer.type, "app")
            old_arn: str = balancer.arn
            new_arn = old_arn.replace(":loadbalancer/app/", f":loadbalancer/{kind}/", 1)
            if new_arn != old_arn:
                balancer.arn = new_arn
                self.load_balancers[new_arn] = self.load_balancers.pop(old_arn)
                tags = self.tagging_service.tags.pop(old_arn, None)
                if tags is not None:
                    self.tagging_service.tags[new_arn] = tags
            return balancer

        return create_load_balancer

    wrap(ELBv2Backend, "create_load_balancer", make)


# --------------------------------------------------------------------------------------------
# ELBv2: CreateLoadBalancer / CreateTargetGroup are idempotent
# --------------------------------------------------------------------------------------------
def _subnet_ids(subnet_ids: list[str] | None, subnet_mappings: list[dict[str, str]] | None) -> set[str]:
    return set(subnet_ids or []) | {m["SubnetId"] for m in subnet_mappings or []}


def patch_elbv2_idempotent_create() -> None:
    """AWS: CreateLoadBalancer and CreateTargetGroup "are idempotent ... If you attempt to create
    multiple load balancers [target groups] with the same settings, each call succeeds" and returns
    the existing one; the same name with other settings is DuplicateLoadBalancerName /
    DuplicateTargetGroupName. moto 5.2.5 creates a second load balancer of the same name (with a
    new random id) and refuses a second target group outright, so a deploy re-run after terraform
    was killed mid-create leaks an NLB or fails, where against AWS it adopts the one it created."""
    from moto.elbv2.exceptions import DuplicateLoadBalancerName, DuplicateTargetGroupName
    from moto.elbv2.models import ELBv2Backend

    def make_balancer(original: Callable[..., Any]) -> Callable[..., Any]:
        def create_load_balancer(self: Any, name: str, security_groups: list[str], subnet_ids: list[str],
                                 subnet_mappings: list[dict[str, str]] | None = None, scheme: str = "internet-facing",
                                 loadbalancer_type: str | None = None, *args: Any, **kwargs: Any) -> Any:
            for balancer in list(self.load_balancers.values()):
                if balancer.name != name:
                    continue
                same = (balancer.type == (loadbalancer_type or "application") and balancer.scheme == scheme
                        and {s.id for s in balancer.subnets} == _subnet_ids(subnet_ids, subnet_mappings)
                        and set(balancer.security_groups or []) == set(security_groups or []))
                if not same:
                    raise DuplicateLoadBalancerName()
                return balancer
            return original(self, name, security_groups, subnet_ids, subnet_mappings, scheme, loadbalancer_type,
                            *args, **kwargs)

        return create_load_balancer

    def make_target_group(original: Callable[..., Any]) -> Callable[..., Any]:
        def create_target_group(self: Any, name: str, **kwargs: Any) -> Any:
            for group in list(self.target_groups.values()):
                if group.name != name:
                    continue
                wanted = (kwargs.get("vpc_id"), kwargs.get("protocol"), str(kwargs.get("port")),
                          kwargs.get("target_type") or "instance")
                if (group.vpc_id, group.protocol, str(group.port), group.target_type) != wanted:
                    raise DuplicateTargetGroupName()
                return group
            return original(self, name, **kwargs)

        return create_target_group

    wrap(ELBv2Backend, "create_load_balancer", make_balancer, layer="idempotent")
    wrap(ELBv2Backend, "create_target_group", make_target_group, layer="idempotent")


# --------------------------------------------------------------------------------------------
# ELBv2: EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic
# --------------------------------------------------------------------------------------------
_ENFORCE_PRIVATELINK_ATTR = "enforce_security_group_inbound_rules_on_private_link_traffic"


def patch_elbv2_enforce_privatelink_inbound_rules() -> None:
    """AWS keeps ``EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic`` on a network load
    balancer that has security groups: ``on`` by default when it is created with security groups,
    changed by SetSecurityGroups (which echoes it), returned by DescribeLoadBalancers; absent on an
    NLB without security groups and on other types. moto ignores the parameter and never returns
    the field, so ``aws_lb.enforce_security_group_inbound_rules_on_private_link_traffic = "off"``
    is planned again on every run."""
    from moto.elbv2.responses import ELBV2Response

    def make_create(original: Callable[..., ActionResult]) -> Callable[..., ActionResult]:
        def create_load_balancer(self: Any) -> ActionResult:
            result = original(self)
            for balancer in result_item(result, "LoadBalancers"):
                if balancer.type == "network" and balancer.security_groups:
                    setattr(balancer, _ENFORCE_PRIVATELINK_ATTR, "on")
            return result

        return create_load_balancer

    def make_set(original: Callable[..., ActionResult]) -> Callable[..., ActionResult]:
        def set_security_groups(self: Any) -> ActionResult:
            requested = self._get_param("EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic")
            result = original(self)
            arn = self._get_param("LoadBalancerArn")
            [balancer] = self.elbv2_backend.describe_load_balancers([arn], None)
            if balancer.type != "network":
                return result
            if requested:
                setattr(balancer, _ENFORCE_PRIVATELINK_ATTR, requested)
            elif balancer.security_groups and getattr(balancer, _ENFORCE_PRIVATELINK_ATTR, None) is None:
                setattr(balancer, _ENFORCE_PRIVATELINK_ATTR, "on")
            return ActionResult(
                {
                    "SecurityGroupIds": list(balancer.security_groups),
                    "EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic": getattr(
                        balancer, _ENFORCE_PRIVATELINK_ATTR, None
                    ),
                }
            )

        return set_security_groups

    wrap(ELBV2Response, "create_load_balancer", make_create)
    wrap(ELBV2Response, "set_security_groups", make_set)
