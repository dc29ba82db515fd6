"""EC2: AZ names map to AZ ids per account, and interface endpoints only use AZs their service serves.

AWS, "AZ IDs" (docs.aws.amazon.com/global-infrastructure/latest/regions/az-ids.html): "Originally, we decided
to independently map Availability Zones to codes in each AWS account [...] the ``us-east-1a`` for your AWS
account might not be the same physical location as the ``us-east-1a`` for another AWS account [...] All Regions
introduced after November 2012 use a uniform mapping", and the AZ id (``use1-az1``) "has the same physical
location in every AWS account". moto 5.2.5 maps names to ids the same way in every account, so a deployment
that picks "the first two AZ names" in each of two accounts always lines up there and never in a test.

Here, in the regions that AWS maps independently, each account gets its own deterministic permutation of the
region's AZ ids over the region's AZ names (the same every run, so a restart or a re-plan sees the same map).
Unsure: which regions exactly (AWS lists them on the same page; we take those launched before November 2012),
and accounts created since November 2025 get the uniform map; the emulator maps every account independently.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable
from typing import Any

from moto.core.responses import ActionResult
from moto.ec2.exceptions import EC2ClientError, InvalidAvailabilityZoneError

from crossgate.emulator import backends
from crossgate.emulator.patches.base import wrap

# Regions launched before November 2012 (AWS maps their AZs per account); unsure the list is AWS's exactly.
INDEPENDENTLY_MAPPED_REGIONS = frozenset({
    "us-east-1", "us-west-1", "us-west-2", "eu-west-1", "ap-northeast-1", "ap-southeast-1", "ap-southeast-2",
    "sa-east-1",
})

_ZONES: dict[tuple[str, str], list[Any]] = {}


def account_zones(account_id: str, region: str) -> list[Any]:
    """The region's zones as this account sees them: moto's names, this account's AZ ids."""
    key = (account_id, region)
    if key not in _ZONES:
        from moto.ec2.models.availability_zones_and_regions import RegionsAndZonesBackend, Zone

        base = RegionsAndZonesBackend.zones.get(region, [])
        ids = [zone.zone_id for zone in base]
        if region in INDEPENDENTLY_MAPPED_REGIONS:
            random.Random(hashlib.sha256(f"{account_id}/{region}".encode()).digest()).shuffle(ids)
        _ZONES[key] = [Zone(name=zone.name, region_name=zone.region_name, zone_id=zone_id, zone_type=zone.zone_type)
                       for zone, zone_id in zip(base, ids, strict=True)]
    return _ZONES[key]


def zone_id_of(account_id: str, region: str, name: str) -> str | None:
    return next((z.zone_id for z in account_zones(account_id, region) if z.name == name), None)


def zone_name_of(account_id: str, region: str, zone_id: str) -> str | None:
    return next((z.name for z in account_zones(account_id, region) if z.zone_id == zone_id), None)


def patch_availability_zones_per_account() -> None:
    """DescribeAvailabilityZones answers the caller's own name -> id map; CreateSubnet places a subnet by name
    or by ``AvailabilityZoneId`` in that map, so a subnet's ``AvailabilityZoneId`` is the caller's (moto: one
    map for all accounts, and a subnet created by id only is filed under no AZ name)."""
    from moto.ec2.models.availability_zones_and_regions import RegionsAndZonesBackend
    from moto.ec2.models.subnets import SubnetBackend
    from moto.utilities.utils import filter_resources

    def make_describe(_original: Callable[..., list[Any]]) -> Callable[..., list[Any]]:
        def describe_availability_zones(self: Any, filters: list[dict[str, Any]] | None = None,
                                        zone_names: list[str] | None = None,
                                        zone_ids: list[str] | None = None) -> list[Any]:
            zones = account_zones(self.account_id, self.region_name)
            attr_pairs = (("zone-id", "zone_id"), ("zone-type", "zone_type"), ("zone-name", "name"),
                          ("region-name", "region_name"), ("state", "state"))
            result = filter_resources(zones, filters, attr_pairs) if filters else list(zones)
            result = [z for z in result if not zone_ids or z.zone_id in zone_ids]
            return [z for z in result if not zone_names or z.name in zone_names]

        return describe_availability_zones

    def make_create(original: Callable[..., Any]) -> Callable[..., Any]:
        def create_subnet(self: Any, vpc_id: str, cidr_block: str, ipv6_cidr_block: str | None = None,
                          availability_zone: str | None = None, availability_zone_id: str | None = None,
                          **kwargs: Any) -> Any:
            zones = account_zones(self.account_id, self.region_name)
            if not availability_zone and availability_zone_id:
                availability_zone = zone_name_of(self.account_id, self.region_name, availability_zone_id)
                if availability_zone is None:
                    raise InvalidAvailabilityZoneError(availability_zone_id, ", ".join(z.zone_id for z in zones))
            subnet = original(self, vpc_id, cidr_block, ipv6_cidr_block, availability_zone, None, **kwargs)
            mine = next((z for z in zones if z.name == subnet.availability_zone), None)
            if mine is not None:
                subnet._availability_zone = mine
            return subnet

        return create_subnet

    wrap(RegionsAndZonesBackend, "describe_availability_zones", make_describe)
    wrap(SubnetBackend, "create_subnet", make_create)


# --------------------------------------------------------------------------------------------
# The endpoint service's AZs as a consumer sees them, and CreateVpcEndpoint's AZ check
# --------------------------------------------------------------------------------------------
class _UnsupportedZone(EC2ClientError):
    """AWS knowledge center, "interface-endpoint-availability-zone": "The VPC endpoint service
    com.amazonaws.vpce.us-east-1.vpce-svc-xxxx does not support the Availability Zone of the subnet:
    subnet-xxxx." Unsure: the error code (InvalidParameter here)."""

    def __init__(self, service_name: str, subnet_id: str) -> None:
        super().__init__("InvalidParameter", f"The VPC endpoint service {service_name} does not support the "
                                             f"Availability Zone of the subnet: {subnet_id}.")


def service_zone_ids(owner: Any, config: Any) -> list[str]:
    """The AZ ids of an endpoint service: its load balancers' AZs in the owner's map."""
    ids = (zone_id_of(owner.account_id, owner.region_name, name) for name in config.availability_zones)
    return sorted({zone_id for zone_id in ids if zone_id})


def consumer_view(owner: Any, config: Any, account_id: str) -> dict[str, Any]:
    """DescribeVpcEndpointServices' ServiceDetail of ``config`` for ``account_id``: the AZ ids it serves and
    the consumer's own names of them (EC2 API reference, DescribeVpcEndpointServices: "the response only
    includes the common Availability Zones", in the consumer's names)."""
    ids = service_zone_ids(owner, config)
    names = (zone_name_of(account_id, owner.region_name, zone_id) for zone_id in ids)
    detail = dict(config.to_dict())
    detail["AvailabilityZones"] = sorted(name for name in names if name)
    detail["AvailabilityZoneIds"] = ids
    detail.setdefault("Tags", [{"Key": t["key"], "Value": t["value"]} for t in config.get_tags()])
    return detail


def _visible(config: Any, owner_account: str, account_id: str) -> bool:
    """A consumer sees another account's service when an allowed principal admits its account (``*``, its root,
    or one of its roles/users). Unsure: AWS may also list services the account may not connect to."""
    if owner_account == account_id:
        return True
    return any(p == "*" or p.split(":")[4:5] == [account_id] for p in config.principals)


def _ec2_backends() -> Any:
    from moto.ec2.models import ec2_backends

    return backends.each(ec2_backends)


def patch_endpoint_service_zones_for_consumers() -> None:
    """DescribeVpcEndpointServices (the aws provider's ``data "aws_vpc_endpoint_service"``) lists the endpoint
    services of other accounts the caller is allowed to use, with ``AvailabilityZones`` in the caller's names
    and ``AvailabilityZoneIds`` (moto: only the caller's own services, in the owner's names, no ids).
    CreateVpcEndpoint and ModifyVpcEndpoint (AddSubnetIds) of an Interface endpoint refuse a subnet whose AZ id
    the service's load balancers do not cover (AWS PrivateLink: endpoints "can only use Availability Zones
    [of] the Network Load Balancer", matched by AZ id; moto accepts any subnet). A cross-region endpoint
    (``ServiceRegion`` another region) is not checked: the service's AZs are in another region."""
    from moto.ec2.models.vpcs import VPCBackend
    from moto.ec2.responses.vpcs import VPCs

    def make_describe(original: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
        def describe_vpc_endpoint_services(self: Any, service_names: list[str], filters: Any, max_results: int,
                                           next_token: str | None, region: str) -> dict[str, Any]:
            views = {
                config.service_name: consumer_view(owner, config, self.account_id)
                for owner in _ec2_backends() if owner.region_name == region
                for config in list(owner.configurations.values())
                if _visible(config, owner.account_id, self.account_id)
            }
            known = set(views)
            own_names = [n for n in service_names if n not in known]
            if service_names and not own_names:
                # Only crossgate's own view is asked for; moto's original would reject foreign names.
                details = sorted(self._filter_endpoint_services(service_names, filters or [], list(views.values())),
                                 key=lambda d: d["ServiceName"])
                return {"servicesDetails": details, "serviceNames": [d["ServiceName"] for d in details],
                        "nextToken": None}
            result = original(self, own_names, filters, max_results, next_token, region)
            result["servicesDetails"] = [views.get(d["ServiceName"], d) for d in result["servicesDetails"]]
            if not service_names and next_token is None:
                seen = {d["ServiceName"] for d in result["servicesDetails"]}
                extra = self._filter_endpoint_services([], filters or [],
                                                       [v for n, v in views.items() if n not in seen])
                result["servicesDetails"] += extra
                result["serviceNames"] += [d["ServiceName"] for d in extra]
            return result

        return describe_vpc_endpoint_services

    def check(response: Any, service_name: str, subnet_ids: list[str]) -> None:
        service_region = response._get_param("ServiceRegion")
        if service_region and service_region != response.region:
            return
        for owner in _ec2_backends():
            for config in list(owner.configurations.values()):
                if config.service_name != service_name or owner.region_name != response.region:
                    continue
                served = set(service_zone_ids(owner, config))
                for subnet_id in subnet_ids:
                    if response.ec2_backend.get_subnet(subnet_id).availability_zone_id not in served:
                        raise _UnsupportedZone(service_name, subnet_id)

    def make_create(original: Callable[..., ActionResult]) -> Callable[..., ActionResult]:
        def create_vpc_endpoint(self: Any) -> ActionResult:
            if (self._get_param("VpcEndpointType") or "Gateway").lower() == "interface":
                check(self, self._get_param("ServiceName"), self._get_param("SubnetIds", []) or [])
            return original(self)

        return create_vpc_endpoint

    def make_modify(original: Callable[..., ActionResult]) -> Callable[..., ActionResult]:
        def modify_vpc_endpoint(self: Any) -> ActionResult:
            added = self._get_param("AddSubnetIds", []) or []
            if added:
                endpoint = self.ec2_backend.get_vpc_end_point(self._get_param("VpcEndpointId"))
                if (endpoint.vpc_endpoint_type or "").lower() == "interface":
                    check(self, endpoint.service_name, added)
            return original(self)

        return modify_vpc_endpoint

    wrap(VPCBackend, "describe_vpc_endpoint_services", make_describe)
    wrap(VPCs, "create_vpc_endpoint", make_create, layer="availability-zones")
    wrap(VPCs, "modify_vpc_endpoint", make_modify, layer="availability-zones")
