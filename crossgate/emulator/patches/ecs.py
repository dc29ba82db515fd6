"""ECS: differences between moto 5.2.5 and AWS that the aws provider trips over."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from moto.core.responses import ActionResult

from crossgate.emulator.patches.base import result_item, wrap


def patch_ecs_availability_zone_rebalancing() -> None:
    """AWS stores ``availabilityZoneRebalancing`` (default ENABLED on CreateService) and returns it
    from DescribeServices; moto's CreateService drops it, so the provider plans the attribute
    again on every run. UpdateService already stores it in moto (generic setattr)."""
    from moto.ecs.responses import EC2ContainerServiceResponse

    def make(original: Callable[..., ActionResult]) -> Callable[..., ActionResult]:
        def create_service(self: Any) -> ActionResult:
            result = original(self)
            service = result_item(result, "service")
            requested = self._get_param("availabilityZoneRebalancing")
            service.availability_zone_rebalancing = requested or "ENABLED"
            return result

        return create_service

    wrap(EC2ContainerServiceResponse, "create_service", make)


# --------------------------------------------------------------------------------------------
