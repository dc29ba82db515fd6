"""Read-only lookups in moto's in-memory backends, across every emulated account and region.

Every lookup reads moto's current objects (no copies, no caches), so a change made through boto3 or
terraform is seen by the next request. Backends are read with ``dict.get``: looking an account or region
up must never create a backend (moto's BackendDict creates one on ``[]``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from crossgate.emulator.backends import each, lookup


def all_apigatewayv2_backends() -> Iterator[Any]:
    from moto.apigatewayv2.models import apigatewayv2_backends

    return each(apigatewayv2_backends)


def find_api(api_id: str) -> Any | None:
    """The HTTP API with that id in any account/region (its ``backend`` knows both), or None."""
    for backend in all_apigatewayv2_backends():
        api = backend.apis.get(api_id)
        if api is not None:
            return api
    return None


def ec2_backend(account_id: str, region: str) -> Any | None:
    from moto.ec2.models import ec2_backends

    return lookup(ec2_backends, account_id, region)


def all_ec2_backends() -> Iterator[Any]:
    from moto.ec2.models import ec2_backends

    return each(ec2_backends)


def elbv2_backend(account_id: str, region: str) -> Any | None:
    from moto.elbv2.models import elbv2_backends

    return lookup(elbv2_backends, account_id, region)


def servicediscovery_backend(account_id: str, region: str) -> Any | None:
    from moto.servicediscovery.models import servicediscovery_backends

    return lookup(servicediscovery_backends, account_id, region)


def logs_backend(account_id: str, region: str) -> Any | None:
    from moto.logs.models import logs_backends

    return lookup(logs_backends, account_id, region)


def security_group(backend: Any, group_id: str) -> Any | None:
    """A security group by id in one EC2 backend (moto keys groups by VPC, then id)."""
    for groups in list(backend.groups.values()):
        group = groups.get(group_id)
        if group is not None:
            return group
    return None


def default_security_group(backend: Any, vpc_id: str) -> Any | None:
    for group in list(backend.groups.get(vpc_id, {}).values()):
        if group.name == "default":
            return group
    return None


def subnet(backend: Any, subnet_id: str) -> Any | None:
    for subnets in list(backend.subnets.values()):
        found = subnets.get(subnet_id)
        if found is not None:
            return found
    return None


def eni_by_ip(backend: Any, ip: str) -> Any | None:
    """The network interface holding that private IPv4 (primary or secondary) in one EC2 backend."""
    for eni in list(backend.enis.values()):
        if eni.private_ip_address == ip:
            return eni
        for address in eni.private_ip_addresses or []:
            if isinstance(address, dict) and address.get("PrivateIpAddress") == ip:
                return eni
    return None


def load_balancer(backend: Any, arn: str) -> Any | None:
    return backend.load_balancers.get(arn)


def target_group(backend: Any, arn: str) -> Any | None:
    return backend.target_groups.get(arn)
