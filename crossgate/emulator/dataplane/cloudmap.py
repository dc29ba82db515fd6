"""The Cloud Map hop: DiscoverInstances on the integration's service, then one instance at random.

AWS (developer guide, "Create private integrations for HTTP APIs", Cloud Map section): API Gateway
calls ``DiscoverInstances``; query parameters on the integration URI target specific resources (they
become DiscoverInstances QueryParameters: an instance must carry every attribute with that value);
the instances' attributes must include IP address and port (``AWS_INSTANCE_IPV4``,
``AWS_INSTANCE_PORT``); requests are distributed across the healthy instances returned. Cloud Map
(API reference, DiscoverInstances): without a health check on the service every instance is
returned; the order is random. All resources (service, VPC link, API) must be in one account.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from urllib.parse import parse_qsl

from crossgate.emulator.dataplane import moto_state
from crossgate.emulator.dataplane.responses import HopFailure

HOP = "cloud-map"


@dataclass(frozen=True)
class Instance:
    instance_id: str
    ip: str
    port: int


@dataclass(frozen=True)
class ServiceRef:
    account_id: str
    region: str
    service_id: str
    query: tuple[tuple[str, str], ...]


def parse_service_arn(uri: str) -> ServiceRef | None:
    """``arn:aws:servicediscovery:<region>:<account>:service/<id>[?k=v&...]`` -> its parts, else None."""
    arn, _, query = uri.partition("?")
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[2] != "servicediscovery" or not parts[5].startswith("service/"):
        return None
    return ServiceRef(parts[4], parts[3], parts[5].removeprefix("service/"), tuple(parse_qsl(query)))


def discover(ref: ServiceRef, api_account: str, rng: random.Random) -> tuple[Instance, int]:
    """One instance (and how many qualified), or the failure AWS would answer with."""
    if ref.account_id != api_account:
        raise HopFailure(500, HOP, f"service {ref.service_id} is in account {ref.account_id}, the API in "
                                   f"{api_account}: private integrations need one account",
                         "Cloud Map service in another account")
    backend = moto_state.servicediscovery_backend(ref.account_id, ref.region)
    service = backend.services.get(ref.service_id) if backend is not None else None
    if service is None:
        raise HopFailure(500, HOP, f"Cloud Map service {ref.service_id} does not exist in "
                                   f"{ref.account_id}/{ref.region}", "Cloud Map service not found")
    health_checked = bool(service.health_check_config or service.health_check_custom_config)
    candidates: list[Instance] = []
    skipped: list[str] = []
    for instance in list(service.instances):
        attributes: dict[str, str] = instance.attributes or {}
        if any(attributes.get(k) != v for k, v in ref.query):
            continue
        if health_checked and instance.health_status != "HEALTHY":
            skipped.append(f"{instance.instance_id} {instance.health_status}")
            continue
        ip, port = attributes.get("AWS_INSTANCE_IPV4"), attributes.get("AWS_INSTANCE_PORT")
        if not ip or not port or not port.isdigit():
            skipped.append(f"{instance.instance_id} lacks AWS_INSTANCE_IPV4/AWS_INSTANCE_PORT")
            continue
        candidates.append(Instance(instance.instance_id, ip, int(port)))
    if not candidates:
        # Unverified: the exact status API Gateway returns when DiscoverInstances finds nothing; the
        # emulator answers 503 like any integration that cannot be reached.
        query = "&".join(f"{k}={v}" for k, v in ref.query)
        detail = f" (skipped: {'; '.join(skipped)})" if skipped else ""
        raise HopFailure(503, HOP, f"DiscoverInstances on {service.name} ({ref.service_id})"
                                   f"{' ?' + query if query else ''} found no usable instance{detail}",
                         "No healthy instances found")
    return rng.choice(candidates), len(candidates)
