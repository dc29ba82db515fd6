"""Read and change moto's in-memory backends from the scheduler thread.

Only backends that already exist are visited (never ``backends[account][region]``, which would create
one). Changes are made under moto's ``backend_lock``, the lock :mod:`crossgate.emulator.state` holds
while pickling, so a save never sees a half-made change.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from crossgate.emulator.backends import existing, lookup, moto_lock


def ec2_backend(account_id: str, region: str) -> Any | None:
    from moto.ec2.models import ec2_backends

    return lookup(ec2_backends, account_id, region)


def elbv2_backend(account_id: str, region: str) -> Any | None:
    from moto.elbv2.models import elbv2_backends

    return lookup(elbv2_backends, account_id, region)


@dataclass(frozen=True)
class ServiceRef:
    """Where an ECS service lives; ``key`` identifies it across ticks."""

    account_id: str
    region: str
    backend: Any
    service: Any

    @property
    def key(self) -> str:
        return f"{self.account_id}/{self.region}/{self.service.cluster_name}/{self.service.name}"


def ecs_backends() -> Iterator[tuple[str, str, Any]]:
    from moto.ecs.models import ecs_backends as backends

    yield from existing(backends)


def ecs_services() -> Iterator[ServiceRef]:
    """Every ECS service in every emulated account and region (ACTIVE or not)."""
    for account_id, region, backend in ecs_backends():
        for service in list(backend.services.values()):
            yield ServiceRef(account_id, region, backend, service)


def task_definition(backend: Any, reference: str | None) -> Any | None:
    """The task definition a service names (moto keeps what UpdateService got: an ARN or ``family:rev``)."""
    if not reference:
        return None
    try:
        return backend.describe_task_definition(reference)
    except Exception:  # deleted/unknown revision: the service cannot place tasks (AWS reports an event)
        return None


def target_groups() -> Iterator[tuple[str, str, Any]]:
    """(account, region, FakeTargetGroup) for every target group in every emulated account."""
    from moto.elbv2.models import elbv2_backends

    for account_id, region, backend in existing(elbv2_backends):
        for group in list(backend.target_groups.values()):
            yield account_id, region, group


def target_group(account_id: str, region: str, arn: str) -> Any | None:
    backend = elbv2_backend(account_id, region)
    return None if backend is None else backend.target_groups.get(arn)


def register_target(account_id: str, region: str, arn: str, ip: str, port: int) -> bool:
    """RegisterTargets as ECS calls it for an awsvpc task; False when the group is gone."""
    group = target_group(account_id, region, arn)
    if group is None:
        return False
    with moto_lock():
        group.register([{"Id": ip, "Port": port}])
    return True


def deregister_target(account_id: str, region: str, arn: str, ip: str, port: int) -> None:
    """DeregisterTargets (a target already gone is fine, as in AWS)."""
    group = target_group(account_id, region, arn)
    if group is None:
        return
    with moto_lock():
        registered = group.targets.get(ip)
        if registered is not None and int(registered.get("Port", port)) == int(port):
            group.deregister([{"Id": ip, "Port": port}])


def is_registered(group: Any, ip: str, port: int) -> bool:
    registered = group.targets.get(ip)
    return registered is not None and int(registered.get("Port", group.port)) == int(port)
