"""Small, documented corrections to moto 5.2.5 so the emulator answers the way AWS does.

Each patch exists because the real aws provider (5.100.0), run against unpatched moto, either
fails or shows a perpetual diff. Every patch is applied on the emulator side only, by the
child process of :class:`crossgate.emulator.Emulator`, before the server starts; the Terraform
modules never know they talk to an emulator.

Differences patched (one :class:`Patch` each, in :data:`PATCHES`):

* ECS CreateService drops ``availabilityZoneRebalancing``.
* EC2 endpoint service permissions lack ``ServicePermissionId``/``PrincipalType``/``ServiceId``.
* EC2 interface endpoint ENIs get random IPs outside their subnets; ``SubnetConfigurations``
  and ``ServiceRegion`` are ignored.
* EC2 DescribeVpcEndpointConnections is not implemented.
* ELBv2 load balancer ARNs say ``loadbalancer/app/`` for every type (AWS: ``net/`` for NLBs,
  ``gwy/`` for GWLBs).
* ELBv2 CreateLoadBalancer/CreateTargetGroup are not idempotent (AWS returns the existing one
  when name and settings match).
* ELBv2 ``EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic`` is neither stored nor returned.
* EC2 security group rules that reference a security group or a prefix list lose their
  ``Description`` (AuthorizeSecurityGroupIngress/Egress, DescribeSecurityGroupRules,
  ModifySecurityGroupRules).

* Cloud Map RegisterInstance with an existing InstanceId adds a second instance of that id
  (AWS updates the instance in place), so re-registering after a drift leaves duplicates.

Claims checked and found false (no patch needed):

* S3 conditional writes: moto 5.2.5 honours ``If-None-Match: *`` on PutObject (412
  PreconditionFailed when the key exists), which is all the S3 backend's ``use_lockfile``
  needs. ``tests/emulator/test_patches.py`` keeps that claim honest.
* Descriptions of CIDR security group rules (IPv4 and IPv6): moto 5.2.5 already stores,
  returns and modifies them; only rules with a group or prefix-list peer needed the patch.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import wraps
from typing import Any

from moto.core.responses import ActionResult
from moto.ec2.exceptions import EC2ClientError
from moto.moto_api._internal import mock_random

_PATCHED_MARK = "_crossgate_patched"


class _InvalidParameterValue(EC2ClientError):
    """The EC2 client error AWS returns for a bad SubnetConfigurations entry."""

    def __init__(self, message: str) -> None:
        super().__init__("InvalidParameterValue", message)


@dataclass(frozen=True)
class Patch:
    """One correction: a name for logs/tests, why it exists, and the function applying it."""

    name: str
    why: str
    apply: Callable[[], None]


def _wrap(owner: type, method_name: str, make: Callable[[Callable[..., Any]], Callable[..., Any]],
          layer: str = "") -> None:
    """Replace ``owner.method_name`` by ``make(original)`` once (idempotent across calls).

    ``layer`` names a second wrapper of a method another patch already wraps: ``wraps`` copies the
    inner wrapper's marks onto the outer one, so each layer is applied once however often we run.
    """
    mark = f"{_PATCHED_MARK}_{layer}" if layer else _PATCHED_MARK
    original = getattr(owner, method_name, None)
    if original is not None and getattr(original, mark, False):
        return
    replacement = make(original) if original is not None else make(_missing(method_name))
    if original is not None:
        replacement = wraps(original)(replacement)
    setattr(replacement, mark, True)
    setattr(owner, method_name, replacement)


def _missing(method_name: str) -> Callable[..., Any]:
    def missing(*_args: Any, **_kwargs: Any) -> Any:
        raise NotImplementedError(method_name)

    return missing


# --------------------------------------------------------------------------------------------
# ECS: availabilityZoneRebalancing
# --------------------------------------------------------------------------------------------
def _patch_ecs_availability_zone_rebalancing() -> None:
    """AWS stores ``availabilityZoneRebalancing`` (default ENABLED on CreateService) and returns it
    from DescribeServices; moto's CreateService drops it, so the provider plans the attribute
    again on every run. UpdateService already stores it in moto (generic setattr)."""
    from moto.ecs.responses import EC2ContainerServiceResponse

    def make(original: Callable[..., ActionResult]) -> Callable[..., ActionResult]:
        def create_service(self: Any) -> ActionResult:
            result = original(self)
            service = _result_item(result, "service")
            requested = self._get_param("availabilityZoneRebalancing")
            service.availability_zone_rebalancing = requested or "ENABLED"
            return result

        return create_service

    _wrap(EC2ContainerServiceResponse, "create_service", make)


# --------------------------------------------------------------------------------------------
# EC2: endpoint service permissions (ServicePermissionId)
# --------------------------------------------------------------------------------------------
def _principal_type(principal: str) -> str:
    """AWS derives PrincipalType from the ARN: ``*`` -> All, ``:root`` -> Account, ``:role/`` -> Role."""
    if principal == "*":
        return "All"
    if principal.endswith(":root"):
        return "Account"
    if ":role/" in principal:
        return "Role"
    if ":user/" in principal:
        return "User"
    return "Service" if principal.endswith(".amazonaws.com") else "Account"


def _permission_ids(config: Any) -> dict[str, str]:
    ids: dict[str, str] | None = getattr(config, "crossgate_permission_ids", None)
    if ids is None:
        ids = {}
        config.crossgate_permission_ids = ids
    return ids


def _allowed_principal(config: Any, principal: str) -> dict[str, str]:
    ids = _permission_ids(config)
    if principal not in ids:
        ids[principal] = f"vpce-svc-perm-{mock_random.get_random_hex(length=17)}"
    return {
        "Principal": principal,
        "PrincipalType": _principal_type(principal),
        "ServicePermissionId": ids[principal],
        "ServiceId": config.id,
    }


def _patch_endpoint_service_permissions() -> None:
    """AWS answers ModifyVpcEndpointServicePermissions with ``AddedPrincipals`` (each carrying a
    ``ServicePermissionId``) and lists PrincipalType/ServicePermissionId/ServiceId in
    DescribeVpcEndpointServicePermissions. moto returns only ``ReturnValue`` and bare principals,
    so ``aws_vpc_endpoint_service_allowed_principal`` gets no id back."""
    from moto.ec2.responses.vpc_service_configuration import VPCEndpointServiceConfiguration

    def make_modify(original: Callable[..., ActionResult]) -> Callable[..., ActionResult]:
        def modify_vpc_endpoint_service_permissions(self: Any) -> ActionResult:
            original(self)
            service_id = self._get_param("ServiceId")
            config = self.ec2_backend.describe_vpc_endpoint_service_configurations([service_id])[0]
            added = [_allowed_principal(config, p) for p in self._get_param("AddAllowedPrincipals", [])]
            ids = _permission_ids(config)
            for principal in self._get_param("RemoveAllowedPrincipals", []):
                ids.pop(principal, None)
            return ActionResult({"AddedPrincipals": added, "ReturnValue": True})

        return modify_vpc_endpoint_service_permissions

    def make_describe(_original: Callable[..., ActionResult]) -> Callable[..., ActionResult]:
        def describe_vpc_endpoint_service_permissions(self: Any) -> ActionResult:
            service_id = self._get_param("ServiceId")
            config = self.ec2_backend.describe_vpc_endpoint_service_configurations([service_id])[0]
            principals = [_allowed_principal(config, p) for p in sorted(config.principals)]
            filters = self._filters_from_querystring()
            wanted = {
                "principal": "Principal",
                "principal-type": "PrincipalType",
                "service-permission-id": "ServicePermissionId",
            }
            for name, values in filters.items():
                if name in wanted:
                    principals = [p for p in principals if p[wanted[name]] in values]
            return ActionResult({"AllowedPrincipals": principals})

        return describe_vpc_endpoint_service_permissions

    _wrap(VPCEndpointServiceConfiguration, "modify_vpc_endpoint_service_permissions", make_modify)
    _wrap(VPCEndpointServiceConfiguration, "describe_vpc_endpoint_service_permissions", make_describe)


# --------------------------------------------------------------------------------------------
# EC2: interface endpoint addressing (ServiceRegion, SubnetConfigurations, in-subnet IPs)
# --------------------------------------------------------------------------------------------
def _pinned_ips(self: Any, subnet_ids: list[str]) -> dict[str, str]:
    """Validate SubnetConfigurations like AWS: each entry names a requested subnet and a free IPv4
    inside that subnet's CIDR, outside the 4 addresses AWS reserves and the broadcast address."""
    pinned: dict[str, str] = {}
    for entry in self._get_param("SubnetConfigurations", []) or []:
        subnet_id, ip = entry.get("SubnetId"), entry.get("Ipv4")
        if not ip:
            continue
        if subnet_id not in subnet_ids:
            raise _InvalidParameterValue(f"Subnet {subnet_id} in SubnetConfigurations is not in SubnetIds")
        subnet = self.ec2_backend.get_subnet(subnet_id)
        address = ipaddress.ip_address(ip)
        network = ipaddress.ip_network(subnet.cidr_block)
        reserved = {network.network_address + i for i in range(4)} | {network.broadcast_address}
        if address not in network or address in reserved:
            raise _InvalidParameterValue(f"IP {ip} is not a usable address in subnet {subnet_id}")
        if ip in subnet._subnet_ips:
            raise _InvalidParameterValue(f"IP {ip} is already in use in subnet {subnet_id}")
        pinned[subnet_id] = ip
    return pinned


def _readdress(eni: Any, ip: str) -> None:
    """Give an ENI a new primary private IPv4 (and the matching private DNS name)."""
    from moto.ec2.utils import generate_dns_from_ip

    eni.private_ip_address = ip
    eni.private_ip_addresses = [{"Primary": True, "PrivateIpAddress": ip}]
    if getattr(eni, "private_dns_name", None):
        eni.private_dns_name = generate_dns_from_ip(ip)
        eni.private_ip_addresses[0]["PrivateDnsName"] = eni.private_dns_name


def _patch_vpc_endpoint_addressing() -> None:
    """AWS gives each interface-endpoint ENI a private IP from its subnet (or the one pinned by
    ``SubnetConfigurations``) and echoes ``ServiceRegion`` (the endpoint's own region when not
    cross-region). moto picks random 10.x addresses, ignores SubnetConfigurations and drops
    ServiceRegion: the ENI lookup finds IPs outside the VPC, pinned IPs never match, and the
    provider re-plans ``service_region`` on every run."""
    from moto.ec2.models import EC2Backend
    from moto.ec2.responses.vpcs import VPCs

    def make_create(original: Callable[..., ActionResult]) -> Callable[..., ActionResult]:
        def create_vpc_endpoint(self: Any) -> ActionResult:
            subnet_ids = self._get_param("SubnetIds", []) or []
            pinned = _pinned_ips(self, subnet_ids)
            result = original(self)
            endpoint = _result_item(result, "VpcEndpoint")
            endpoint.service_region = self._get_param("ServiceRegion") or self.region
            if (endpoint.vpc_endpoint_type or "").lower() == "interface":
                for subnet_id, eni_id in zip(subnet_ids, endpoint.network_interface_ids, strict=True):
                    eni = self.ec2_backend.get_network_interface(eni_id)
                    subnet = self.ec2_backend.get_subnet(subnet_id)
                    if subnet_id in pinned:
                        subnet.request_ip(pinned[subnet_id], eni)
                        ip = pinned[subnet_id]
                    else:
                        ip = subnet.get_available_subnet_ip(eni)
                    _readdress(eni, ip)
            return result

        return create_vpc_endpoint

    def make_delete(original: Callable[..., None]) -> Callable[..., None]:
        def delete_vpc_endpoints(self: Any, vpce_ids: list[str] | None = None) -> None:
            for vpce_id in vpce_ids or []:
                endpoint = self.vpc_end_points.get(vpce_id)
                for eni_id in getattr(endpoint, "network_interface_ids", None) or []:
                    eni = self.enis.get(eni_id)
                    if eni is not None and eni.subnet is not None:
                        eni.subnet.del_subnet_ip(eni.private_ip_address)
            original(self, vpce_ids)

        return delete_vpc_endpoints

    _wrap(VPCs, "create_vpc_endpoint", make_create)
    _wrap(EC2Backend, "delete_vpc_endpoints", make_delete)


# --------------------------------------------------------------------------------------------
# EC2: DescribeVpcEndpointConnections
# --------------------------------------------------------------------------------------------
def _all_ec2_backends() -> Iterator[Any]:
    """Every EC2 backend already instantiated, across accounts and regions (no new ones created)."""
    from moto.ec2.models import ec2_backends

    for regional in list(ec2_backends.values()):
        yield from list(dict.values(regional))


def _endpoint_connections(service_backend: Any) -> list[dict[str, Any]]:
    """The endpoints, in any account and region, attached to this backend's endpoint services."""
    services = {c.service_name: c for c in service_backend.configurations.values()}
    connections = []
    for backend in _all_ec2_backends():
        for endpoint in list(backend.vpc_end_points.values()):
            config = services.get(endpoint.service_name)
            if config is None or endpoint.state == "deleted":
                continue
            connections.append(
                {
                    "ServiceId": config.id,
                    "VpcEndpointId": endpoint.id,
                    "VpcEndpointOwner": backend.account_id,
                    "VpcEndpointState": endpoint.state,
                    "CreationTimestamp": endpoint.creation_timestamp,
                    "DnsEntries": endpoint.dns_entries or [],
                    "NetworkLoadBalancerArns": list(config.network_load_balancer_arns),
                    "GatewayLoadBalancerArns": list(config.gateway_load_balancer_arns),
                    "IpAddressType": "ipv4",
                    "VpcEndpointConnectionId": f"vpce-con-{endpoint.id.removeprefix('vpce-')}",
                    "VpcEndpointRegion": backend.region_name,
                }
            )
    return connections


def _patch_describe_vpc_endpoint_connections() -> None:
    """AWS lets an endpoint service owner list the endpoints connected to its services
    (DescribeVpcEndpointConnections, filters service-id / vpc-endpoint-id / vpc-endpoint-owner /
    vpc-endpoint-state); moto 5.2.5 does not implement the action at all."""
    from moto.ec2.responses import EC2Response

    def make(_original: Callable[..., ActionResult]) -> Callable[..., ActionResult]:
        def describe_vpc_endpoint_connections(self: Any) -> ActionResult:
            connections = _endpoint_connections(self.ec2_backend)
            fields = {
                "service-id": "ServiceId",
                "vpc-endpoint-id": "VpcEndpointId",
                "vpc-endpoint-owner": "VpcEndpointOwner",
                "vpc-endpoint-state": "VpcEndpointState",
                "vpc-endpoint-region": "VpcEndpointRegion",
            }
            for name, values in self._filters_from_querystring().items():
                if name in fields:
                    connections = [c for c in connections if c[fields[name]] in values]
            return ActionResult({"VpcEndpointConnections": connections})

        return describe_vpc_endpoint_connections

    _wrap(EC2Response, "describe_vpc_endpoint_connections", make)


# --------------------------------------------------------------------------------------------
# ELBv2: load balancer ARNs carry the type (app / net / gwy)
# --------------------------------------------------------------------------------------------
_LOAD_BALANCER_ARN_KIND = {"application": "app", "network": "net", "gateway": "gwy"}


def _patch_elbv2_load_balancer_arn_kind() -> None:
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

    _wrap(ELBv2Backend, "create_load_balancer", make)


# --------------------------------------------------------------------------------------------
# ELBv2: CreateLoadBalancer / CreateTargetGroup are idempotent
# --------------------------------------------------------------------------------------------
def _subnet_ids(subnet_ids: list[str] | None, subnet_mappings: list[dict[str, str]] | None) -> set[str]:
    return set(subnet_ids or []) | {m["SubnetId"] for m in subnet_mappings or []}


def _patch_elbv2_idempotent_create() -> None:
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

    _wrap(ELBv2Backend, "create_load_balancer", make_balancer, layer="idempotent")
    _wrap(ELBv2Backend, "create_target_group", make_target_group, layer="idempotent")


# --------------------------------------------------------------------------------------------
# ELBv2: EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic
# --------------------------------------------------------------------------------------------
_ENFORCE_PRIVATELINK_ATTR = "enforce_security_group_inbound_rules_on_private_link_traffic"


def _patch_elbv2_enforce_privatelink_inbound_rules() -> None:
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
            for balancer in _result_item(result, "LoadBalancers"):
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

    _wrap(ELBV2Response, "create_load_balancer", make_create)
    _wrap(ELBV2Response, "set_security_groups", make_set)


# --------------------------------------------------------------------------------------------
# EC2: descriptions of security group rules that reference a group or a prefix list
# --------------------------------------------------------------------------------------------
_PREFIX_LIST_DESCRIPTION_ATTR = "crossgate_prefix_list_description"


def _rule_description(rule: Any) -> str | None:
    """The one description a rule carries, wherever moto keeps it for that kind of rule."""
    for holder in (rule.ip_range, rule.source_group):
        if "Description" in holder:
            return str(holder["Description"])
    description: str | None = getattr(rule, _PREFIX_LIST_DESCRIPTION_ATTR, None)
    return description


def _set_rule_description(rule: Any, description: str) -> None:
    if rule.source_group:
        rule.source_group["Description"] = description
    elif rule.prefix_list_id:
        setattr(rule, _PREFIX_LIST_DESCRIPTION_ATTR, description)
    else:
        rule.ip_range["Description"] = description


def _patch_security_group_rule_descriptions() -> None:
    """AWS returns each rule's ``Description`` from AuthorizeSecurityGroupIngress/Egress and
    DescribeSecurityGroupRules whatever the rule's peer (CIDR, security group, prefix list), and
    ModifySecurityGroupRules changes it. moto reads the description of a rule from its CIDR range
    only: a rule referencing a security group (``UserIdGroupPairs``) or a prefix list comes back
    without one, and ModifySecurityGroupRules files the new description under an empty CIDR range
    (DescribeSecurityGroups then still shows the old one). ``aws_vpc_security_group_ingress_rule``
    / ``_egress_rule`` with ``referenced_security_group_id`` plan ``+ description`` on every run.
    CIDR rules already round-trip their description in moto."""
    from moto.ec2.models.security_groups import SecurityGroupBackend, SecurityGroupRule

    def make_init(original: Callable[..., None]) -> Callable[..., None]:
        def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
            original(self, *args, **kwargs)
            prefix_list = kwargs.get("prefix_list_id", args[7] if len(args) > 7 else None)
            if isinstance(prefix_list, dict) and "Description" in prefix_list:
                setattr(self, _PREFIX_LIST_DESCRIPTION_ATTR, prefix_list["Description"])

        return __init__

    def make_modify(original: Callable[..., None]) -> Callable[..., None]:
        def modify_security_group_rules(self: Any, group_id: str, rules: dict[str, dict[str, Any]]) -> None:
            descriptions = {rule_id: rule.get("Description") for rule_id, rule in rules.items()}
            without = {
                rule_id: {k: v for k, v in rule.items() if k != "Description"} for rule_id, rule in rules.items()
            }
            original(self, group_id, without)
            group = self.get_security_group_by_name_or_id(group_id)
            for rule_id, description in descriptions.items():
                if description is not None:
                    _set_rule_description(group.get_rule(rule_id), description)

        return modify_security_group_rules

    if not isinstance(SecurityGroupRule.__dict__.get("description"), _RuleDescription):
        SecurityGroupRule.description = _RuleDescription()  # type: ignore[assignment,method-assign]
    _wrap(SecurityGroupRule, "__init__", make_init)
    _wrap(SecurityGroupBackend, "modify_security_group_rules", make_modify)


class _RuleDescription:
    """Read-only ``SecurityGroupRule.description`` that also looks at group and prefix-list peers."""

    def __get__(self, rule: Any, owner: type | None = None) -> Any:
        return self if rule is None else _rule_description(rule)


def _result_item(result: ActionResult, key: str) -> Any:
    payload = result.result
    if not isinstance(payload, dict) or key not in payload:
        raise RuntimeError(f"moto changed its response shape: no {key!r} in {type(payload).__name__}")
    return payload[key]


def _patch_cloud_map_register_upsert() -> None:
    """AWS: "If you specify an existing InstanceId and ServiceId, AWS Cloud Map updates the existing
    DNS records ... and updates the attributes" (RegisterInstance). moto 5.2.5 appends another
    instance with the same id, so the aws provider's in-place update of
    ``aws_service_discovery_instance`` (and any re-registration) leaves a stale duplicate behind.
    """
    from moto.servicediscovery.models import ServiceDiscoveryBackend

    def make(original: Callable[..., Any]) -> Callable[..., Any]:
        def register_instance(self: Any, service_id: str, instance_id: str, *args: Any, **kwargs: Any) -> Any:
            service = self.get_service(service_id)
            service.instances[:] = [i for i in service.instances if i.instance_id != instance_id]
            return original(self, service_id, instance_id, *args, **kwargs)

        return register_instance

    _wrap(ServiceDiscoveryBackend, "register_instance", make)


PATCHES: tuple[Patch, ...] = (
    Patch(
        "ecs-availability-zone-rebalancing",
        "CreateService keeps availabilityZoneRebalancing (AWS default ENABLED)",
        _patch_ecs_availability_zone_rebalancing,
    ),
    Patch(
        "endpoint-service-permission-ids",
        "endpoint service permissions carry ServicePermissionId/PrincipalType/ServiceId",
        _patch_endpoint_service_permissions,
    ),
    Patch(
        "vpc-endpoint-addressing",
        "interface endpoint ENIs get in-subnet or pinned IPs; ServiceRegion is stored",
        _patch_vpc_endpoint_addressing,
    ),
    Patch(
        "describe-vpc-endpoint-connections",
        "DescribeVpcEndpointConnections is implemented",
        _patch_describe_vpc_endpoint_connections,
    ),
    Patch(
        "elbv2-load-balancer-arn-kind",
        "load balancer ARNs say net/ for NLBs and gwy/ for GWLBs, not app/ for every type",
        _patch_elbv2_load_balancer_arn_kind,
    ),
    Patch(
        "elbv2-idempotent-create",
        "CreateLoadBalancer/CreateTargetGroup with an existing name and the same settings return the existing one",
        _patch_elbv2_idempotent_create,
    ),
    Patch(
        "elbv2-enforce-privatelink-inbound-rules",
        "NLBs keep EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic (default on with security groups)",
        _patch_elbv2_enforce_privatelink_inbound_rules,
    ),
    Patch(
        "security-group-rule-descriptions",
        "rules referencing a security group or prefix list keep and return their description",
        _patch_security_group_rule_descriptions,
    ),
    Patch(
        "cloud-map-register-upsert",
        "RegisterInstance with an existing InstanceId updates that instance instead of adding a duplicate",
        _patch_cloud_map_register_upsert,
    ),
)


def apply_all() -> tuple[str, ...]:
    """Apply every patch (idempotent) and return their names, for the launcher's log line."""
    for patch in PATCHES:
        patch.apply()
    return tuple(p.name for p in PATCHES)
