"""Cloud Map (servicediscovery): RegisterInstance as an upsert."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from crossgate.emulator.patches.base import wrap


def patch_cloud_map_register_upsert() -> None:
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

    wrap(ServiceDiscoveryBackend, "register_instance", make)
