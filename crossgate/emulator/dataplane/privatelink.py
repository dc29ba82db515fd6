"""The PrivateLink hop: interface endpoint -> endpoint service in the provider account.

AWS (PrivateLink Guide, "Share your services through AWS PrivateLink"): the endpoint's service name
names an endpoint service configuration of the provider, in the endpoint's region or, cross-region,
in the endpoint's ``ServiceRegion`` when the service lists the consumer region in its supported
regions. Traffic flows only while the endpoint connection is ``available``: a service with acceptance
required leaves it ``pendingAcceptance`` until the provider accepts; a rejected connection carries
nothing. Unreachable connections drop packets (the client waits out the integration timeout).

Allowed principals are checked when the endpoint is created. Removing a principal later does not
close existing connections (the provider must reject them explicitly; hashicorp/terraform-provider-aws
issue #37260 reports exactly this behaviour and asks for an auto-reject). The emulator follows AWS:
traffic still flows, and the diagnostic says the principal is no longer allowed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from crossgate.emulator.dataplane import moto_state
from crossgate.emulator.dataplane.endpoint import TIMEOUT_NOTE
from crossgate.emulator.dataplane.responses import HopFailure

HOP = "privatelink"


@dataclass(frozen=True)
class ProviderService:
    account_id: str
    region: str
    config: Any
    notes: tuple[str, ...] = field(default_factory=tuple)


def _find_service(service_name: str, region: str) -> tuple[Any, Any] | None:
    for backend in moto_state.all_ec2_backends():
        if backend.region_name != region:
            continue
        for config in list(backend.configurations.values()):
            if config.service_name == service_name:
                return backend, config
    return None


def _principal_allowed(principals: list[str], account_id: str) -> bool:
    """Any principal of the consumer account (its root, a role or user in it) or ``*``."""
    return any(p == "*" or p == account_id or p.split(":")[4:5] == [account_id] for p in principals)


def resolve(endpoint: Any, consumer_account: str, consumer_region: str) -> ProviderService:
    service_region = getattr(endpoint, "service_region", None) or consumer_region
    found = _find_service(endpoint.service_name, service_region)
    if found is None:
        raise HopFailure(503, HOP, f"{endpoint.id}: no endpoint service {endpoint.service_name} in "
                                   f"{service_region}; {TIMEOUT_NOTE}", "Connection timed out")
    backend, config = found
    if service_region != consumer_region and consumer_region not in list(config._supported_region_names):
        raise HopFailure(503, HOP, f"{config.id} in {service_region} does not list {consumer_region} in its "
                                   f"supported regions; {TIMEOUT_NOTE}", "Connection timed out")
    state = str(endpoint.state)
    if state.lower() != "available":
        why = {"pendingacceptance": "awaits the provider's acceptance (acceptance required)",
               "rejected": "was rejected by the provider"}.get(state.lower(), f"is {state}")
        raise HopFailure(503, HOP, f"endpoint connection {endpoint.id} -> {config.id} {why}; {TIMEOUT_NOTE}",
                         "Connection timed out")
    notes: tuple[str, ...] = ()
    if not _principal_allowed(list(config.principals), consumer_account):
        notes = (f"account {consumer_account} is no longer an allowed principal of {config.id}: AWS keeps the "
                 f"existing connection {endpoint.id} (a new endpoint would be refused)",)
    return ProviderService(backend.account_id, backend.region_name, config, notes)
