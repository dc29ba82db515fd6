"""EC2: VPC endpoints, endpoint services and security group rules as AWS answers them."""

from __future__ import annotations

import contextlib
import ipaddress
from collections.abc import Callable, Iterator
from typing import Any

from moto.core.responses import ActionResult
from moto.ec2.exceptions import EC2ClientError
from moto.moto_api._internal import mock_random

from crossgate.emulator import backends
from crossgate.emulator.patches.base import result_item, wrap


class _InvalidParameterValue(EC2ClientError):
    """The EC2 client error AWS returns for a bad SubnetConfigurations entry."""

    def __init__(self, message: str) -> None:
        super().__init__("InvalidParameterValue", message)



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


def patch_endpoint_service_permissions() -> None:
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

    wrap(VPCEndpointServiceConfiguration, "modify_vpc_endpoint_service_permissions", make_modify)
    wrap(VPCEndpointServiceConfiguration, "describe_vpc_endpoint_service_permissions", make_describe)


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


def readdress(eni: Any, ip: str) -> None:
    """Give an ENI a new primary private IPv4 (and the matching private DNS name)."""
    from moto.ec2.utils import generate_dns_from_ip

    eni.private_ip_address = ip
    eni.private_ip_addresses = [{"Primary": True, "PrivateIpAddress": ip}]
    if getattr(eni, "private_dns_name", None):
        eni.private_dns_name = generate_dns_from_ip(ip)
        eni.private_ip_addresses[0]["PrivateDnsName"] = eni.private_dns_name


def patch_vpc_endpoint_addressing() -> None:
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
            endpoint = result_item(result, "VpcEndpoint")
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
                    readdress(eni, ip)
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

    wrap(VPCs, "create_vpc_endpoint", make_create)
    wrap(EC2Backend, "delete_vpc_endpoints", make_delete)


# --------------------------------------------------------------------------------------------
# EC2: DescribeVpcEndpointConnections
# --------------------------------------------------------------------------------------------
def _all_ec2_backends() -> Iterator[Any]:
    """Every EC2 backend already instantiated, across accounts and regions (no new ones created)."""
    from moto.ec2.models import ec2_backends

    return backends.each(ec2_backends)


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


def patch_describe_vpc_endpoint_connections() -> None:
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

    wrap(EC2Response, "describe_vpc_endpoint_connections", make)


# --------------------------------------------------------------------------------------------
# EC2: endpoint service permissions and acceptance (pendingAcceptance / Accept / Reject)
# --------------------------------------------------------------------------------------------
class _InvalidServiceName(EC2ClientError):
    """What AWS answers CreateVpcEndpoint for a service the caller may not see (unsure of the exact text)."""

    def __init__(self, service_name: str) -> None:
        super().__init__("InvalidServiceName", f"The Vpc Endpoint Service '{service_name}' does not exist")


def _endpoint_service_named(service_name: str) -> tuple[Any, Any] | None:
    """``(owner EC2 backend, configuration)`` of the endpoint service of that name, in any account/region."""
    for backend in _all_ec2_backends():
        for config in list(backend.configurations.values()):
            if config.service_name == service_name:
                return backend, config
    return None


def _caller_principals(response: Any) -> set[str]:
    """The principal ARNs an allowed-principal entry may name to admit this request's caller."""
    from moto.iam.models import iam_backends
    from moto.utilities.utils import get_partition

    account = response.current_account
    partition = get_partition(response.region)
    principals = {"*", f"arn:{partition}:iam::{account}:root"}
    iam = iam_backends[account][partition]
    access_key = response.get_access_key()
    key = iam.access_keys.get(access_key)
    if key is not None and getattr(key, "role_arn", None):
        principals.add(str(key.role_arn))
    with contextlib.suppress(Exception):  # not an IAM user's key (assumed role, base credentials)
        user = iam.get_user_from_access_key_id(access_key)
        if user is not None:
            principals.add(str(user.arn))
    return principals


def patch_vpc_endpoint_service_permissions_enforced() -> None:
    """AWS PrivateLink guide, "Configure an endpoint service" > "Manage permissions": "By default,
    your endpoint service is not available to service consumers. You must add permissions that allow
    specific AWS principals to create an interface VPC endpoint to connect to your endpoint service"
    (an account's ``:root`` admits all its principals, ``*`` everyone); removing a permission does not
    affect existing connections. moto 5.2.5 lets any account create an endpoint to any service name.
    Here CreateVpcEndpoint to a service of another account fails unless one of the service's allowed
    principals names the caller's account root, its role (assumed-role sessions), its IAM user, or
    ``*``. Unsure: the exact error; the emulator answers ``InvalidServiceName`` "The Vpc Endpoint
    Service '<name>' does not exist" (AWS does not reveal services the caller may not see, the same
    answer as for a name that does not exist), and the owner's own account is always admitted."""
    from moto.ec2.responses.vpcs import VPCs

    def make(original: Callable[..., ActionResult]) -> Callable[..., ActionResult]:
        def create_vpc_endpoint(self: Any) -> ActionResult:
            service_name = self._get_param("ServiceName")
            found = _endpoint_service_named(service_name)
            if found is not None:
                owner, config = found
                if owner.account_id != self.current_account and not _caller_principals(self) & set(config.principals):
                    raise _InvalidServiceName(service_name)
            return original(self)

        return create_vpc_endpoint

    wrap(VPCs, "create_vpc_endpoint", make, layer="permissions")


def _unsuccessful(resource_id: str, code: str, message: str) -> dict[str, Any]:
    return {"Error": {"Code": code, "Message": message}, "ResourceId": resource_id}


def _change_connections(response: Any, new_state: str, from_states: set[str]) -> ActionResult:
    service_id = response._get_param("ServiceId")
    config = response.ec2_backend.describe_vpc_endpoint_service_configurations([service_id])[0]
    connected = {
        endpoint.id: endpoint
        for backend in _all_ec2_backends()
        for endpoint in list(backend.vpc_end_points.values())
        if endpoint.service_name == config.service_name and endpoint.state != "deleted"
    }
    unsuccessful = []
    for vpce_id in response._get_param("VpcEndpointIds", []) or []:
        endpoint = connected.get(vpce_id)
        if endpoint is None:
            unsuccessful.append(_unsuccessful(vpce_id, "InvalidVpcEndpointId.NotFound",
                                              f"The Vpc Endpoint Id '{vpce_id}' does not exist"))
        elif endpoint.state == new_state:
            continue
        elif endpoint.state not in from_states:
            unsuccessful.append(_unsuccessful(vpce_id, "InvalidVpcEndpointState",
                                              f"Vpc Endpoint {vpce_id} is in state {endpoint.state}"))
        else:
            endpoint.state = new_state
    return ActionResult({"Unsuccessful": unsuccessful})


def patch_vpc_endpoint_acceptance() -> None:
    """AWS PrivateLink guide, "Accept and reject endpoint connection requests": with acceptance
    required, an endpoint to the service waits in ``pendingAcceptance`` until the service owner
    accepts it (AcceptVpcEndpointConnections: then ``available``) or rejects it
    (RejectVpcEndpointConnections: ``rejected``; "You can reject an endpoint connection after it's in
    the available state"); both answer ``Unsuccessful`` items for the endpoints they could not
    change (EC2 API reference). moto 5.2.5 makes every endpoint ``available`` at once whatever
    AcceptanceRequired says and implements neither action. The aws provider's ``aws_vpc_endpoint``
    create waits for ``available`` or ``pendingAcceptance``; ``aws_vpc_endpoint_connection_accepter``
    accepts and then waits on DescribeVpcEndpointConnections (patched above) for ``available``, and
    rejects on destroy. Unsure: AWS's error codes in ``Unsuccessful`` (InvalidVpcEndpointId.NotFound
    for an endpoint not connected to the service, InvalidVpcEndpointState otherwise), that a rejected
    connection may be accepted again, and that AWS passes through a short ``pending`` first (here
    ``pendingAcceptance`` at once)."""
    from moto.ec2.responses import EC2Response
    from moto.ec2.responses.vpcs import VPCs

    def make_create(original: Callable[..., ActionResult]) -> Callable[..., ActionResult]:
        def create_vpc_endpoint(self: Any) -> ActionResult:
            result = original(self)
            endpoint = result_item(result, "VpcEndpoint")
            found = _endpoint_service_named(endpoint.service_name)
            if found is not None and found[1].acceptance_required:
                endpoint.state = "pendingAcceptance"
            return result

        return create_vpc_endpoint

    def make_accept(_original: Callable[..., ActionResult]) -> Callable[..., ActionResult]:
        def accept_vpc_endpoint_connections(self: Any) -> ActionResult:
            return _change_connections(self, "available", {"pendingAcceptance", "rejected"})

        return accept_vpc_endpoint_connections

    def make_reject(_original: Callable[..., ActionResult]) -> Callable[..., ActionResult]:
        def reject_vpc_endpoint_connections(self: Any) -> ActionResult:
            return _change_connections(self, "rejected", {"pendingAcceptance", "available"})

        return reject_vpc_endpoint_connections

    wrap(VPCs, "create_vpc_endpoint", make_create, layer="acceptance")
    wrap(EC2Response, "accept_vpc_endpoint_connections", make_accept)
    wrap(EC2Response, "reject_vpc_endpoint_connections", make_reject)


# --------------------------------------------------------------------------------------------
# ELBv2: load balancer ARNs carry the type (app / net / gwy)
# --------------------------------------------------------------------------------------------
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


def patch_security_group_rule_descriptions() -> None:
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
    wrap(SecurityGroupRule, "__init__", make_init)
    wrap(SecurityGroupBackend, "modify_security_group_rules", make_modify)


class _RuleDescription:
    """Read-only ``SecurityGroupRule.description`` that also looks at group and prefix-list peers."""

    def __get__(self, rule: Any, owner: type | None = None) -> Any:
        return self if rule is None else _rule_description(rule)
