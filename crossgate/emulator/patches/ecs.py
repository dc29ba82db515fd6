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
# ECS: ListTasks filters by service and lists RUNNING tasks by default
# --------------------------------------------------------------------------------------------
def patch_ecs_list_tasks_filters() -> None:
    """AWS ListTasks (ECS API reference, ``ListTasks``) filters by serviceName ("the name of the
    service to use when filtering the ListTasks results"), and for desiredStatus "The default status filter is
    RUNNING, which shows tasks that Amazon ECS has set the desired status to RUNNING" (STOPPED lists
    the recently stopped ones). moto 5.2.5 ignores serviceName (its backend has a TODO: moto's
    services start no tasks) and without desiredStatus lists tasks of every status, so a service's
    ListTasks also shows other services' tasks and stopped ones. The emulator's scheduler starts
    each service's tasks in group ``service:<name>`` (as ECS does), which is what serviceName
    selects here. Unsure: whether AWS takes a service ARN too (the last path segment is used), and
    its ServiceNotFoundException for an unknown service is not emulated (an empty list instead)."""
    from moto.ecs.responses import EC2ContainerServiceResponse

    def make(_original: Callable[..., ActionResult]) -> Callable[..., ActionResult]:
        def list_tasks(self: Any) -> ActionResult:
            tasks = self.ecs_backend.list_tasks(
                self._get_param("cluster", "default"),
                self._get_param("containerInstance"),
                self._get_param("family"),
                self._get_param("startedBy"),
                None,
                self._get_param("desiredStatus") or "RUNNING",
            )
            service_name = self._get_param("serviceName")
            if service_name:
                group = f"service:{service_name.rsplit('/', 1)[-1]}"
                tasks = [task for task in tasks if task.group == group]
            return ActionResult({"taskArns": [task.task_arn for task in tasks]})

        return list_tasks

    wrap(EC2ContainerServiceResponse, "list_tasks", make)
