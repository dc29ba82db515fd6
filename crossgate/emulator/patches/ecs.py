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


# --------------------------------------------------------------------------------------------
# ECS: awsvpc task definitions, hostPort = containerPort
# --------------------------------------------------------------------------------------------
# ECS API reference, PortMapping (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_PortMapping.html):
# "If you use containers in a task with the awsvpc or host network mode, specify the exposed ports using
# containerPort. The hostPort can be left blank or it must be the same value as the containerPort."
# AWS refuses a differing hostPort with ClientException "When networkMode=awsvpc, the host ports and container
# ports in port mappings must match." (the text users quote, e.g. pulumi/pulumi-awsx#935 and
# aws/amazon-ecs-cli#1014; no AWS page states it, so the exact wording is unsure), and answers hostPort filled
# in with the containerPort for mappings that left it out (hashicorp/terraform-provider-aws#3401; the console
# does the same, aws/containers-roadmap#1776). The aws provider's container_definitions diff suppression fills
# a missing (or 0) hostPort with the containerPort for awsvpc before comparing, so the filled answer shows no
# diff against a configuration that omits it.
#
# Only awsvpc is modelled. bridge: a blank or 0 hostPort means a dynamic host port, any other is reserved;
# nothing to emulate at registration. host: the PortMapping reference states the same rule as awsvpc, but the
# developer guide's task networking page says a host-mode container "must specify a specific hostPort number",
# and what AWS answers for a blank one is not documented, so host (and none, where AWS documents that no port
# mappings may be given) stays as moto has it.
_AWSVPC_PORT_MISMATCH = "When networkMode=awsvpc, the host ports and container ports in port mappings must match."


def _requested_network_mode(network_mode: str | None, requires_compatibilities: list[str] | None) -> str | None:
    """The mode a registration asks for; Fargate tasks are awsvpc (moto stores awsvpc for them whatever was sent)."""
    if network_mode is None and "FARGATE" in (requires_compatibilities or []):
        return "awsvpc"
    return network_mode


def _host_port_given(mapping: dict[str, Any]) -> bool:
    """A hostPort other than blank or 0. Unsure: whether AWS takes an explicit 0 in awsvpc as blank; the aws
    provider treats 0 as unset, which is what this does too (accepted, then answered as the containerPort)."""
    return mapping.get("hostPort") not in (None, 0)


def _check_awsvpc_host_ports(container_definitions: list[dict[str, Any]]) -> None:
    """Refuse what AWS refuses: an awsvpc mapping whose hostPort is set and differs from its containerPort.
    A mapping without containerPort (a containerPortRange) is left to moto: AWS's answer to a hostPort there
    is not documented."""
    from moto.ecs.exceptions import EcsClientException

    for container in container_definitions or []:
        for mapping in container.get("portMappings") or []:
            if (_host_port_given(mapping) and mapping.get("containerPort") is not None
                    and mapping["hostPort"] != mapping["containerPort"]):
                raise EcsClientException(_AWSVPC_PORT_MISMATCH)


def _fill_awsvpc_host_ports(task_definition: Any) -> None:
    """Answer hostPort = containerPort for every awsvpc mapping that left it blank (or 0), as AWS does."""
    if task_definition.network_mode != "awsvpc":
        return
    for container in task_definition.container_definitions:
        mappings = container.get("portMappings") or []
        container["portMappings"] = [
            {**m, "hostPort": m["containerPort"]} if m.get("containerPort") is not None and not _host_port_given(m)
            else m
            for m in mappings
        ]


def patch_ecs_awsvpc_host_ports() -> None:
    """moto 5.2.5 accepts any hostPort in awsvpc mode and answers none when it was left out (see above).

    The backend's RegisterTaskDefinition checks the ports first (so a refused definition takes no revision),
    then fills them into the stored definition, which RegisterTaskDefinition and DescribeTaskDefinition both
    answer; DescribeTaskDefinition fills again for definitions stored before (a state saved by an older
    emulator). A filled hostPort must not reserve a port on an EC2 container instance: per the ECS API
    reference (ContainerInstance, remainingResources) only "task containers that have reserved port mappings
    on the host (with the host or bridge network mode)" take ports there, so awsvpc tasks need none (moto
    reserved every hostPort given, whatever the mode)."""
    from moto.ecs.models import EC2ContainerServiceBackend
    from moto.ecs.responses import EC2ContainerServiceResponse

    def make_register(original: Callable[..., Any]) -> Callable[..., Any]:
        def register_task_definition(self: Any, family: str, container_definitions: list[dict[str, Any]],
                                     *args: Any, **kwargs: Any) -> Any:
            mode = _requested_network_mode(kwargs.get("network_mode"), kwargs.get("requires_compatibilities"))
            if mode == "awsvpc":
                _check_awsvpc_host_ports(container_definitions)
            task_definition = original(self, family, container_definitions, *args, **kwargs)
            _fill_awsvpc_host_ports(task_definition)
            return task_definition

        return register_task_definition

    def make_describe(original: Callable[..., ActionResult]) -> Callable[..., ActionResult]:
        def describe_task_definition(self: Any) -> ActionResult:
            result = original(self)
            _fill_awsvpc_host_ports(result_item(result, "taskDefinition"))
            return result

        return describe_task_definition

    def make_requirements(original: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
        # moto's original is a staticmethod; called as self._calculate_task_resource_requirements(task_definition)
        # the replacement is bound, so it takes the backend first.
        def calculate_task_resource_requirements(_self: Any, task_definition: Any) -> dict[str, Any]:
            requirements = original(task_definition)
            if task_definition.network_mode == "awsvpc":
                requirements["PORTS"] = []
            return requirements

        return calculate_task_resource_requirements

    wrap(EC2ContainerServiceBackend, "register_task_definition", make_register)
    wrap(EC2ContainerServiceResponse, "describe_task_definition", make_describe)
    wrap(EC2ContainerServiceBackend, "_calculate_task_resource_requirements", make_requirements)


# ECS developer guide, "Amazon ECS task execution IAM role": the task execution role is what ECS uses to read a
# container's secrets from Secrets Manager or Systems Manager, and it is required for them. AWS refuses such a
# definition at RegisterTaskDefinition with ClientException "When you are specifying container secrets, you must
# also specify a value for 'executionRoleArn'." (the text users quote, e.g. hashicorp/terraform-provider-aws#6503,
# fabfuel/ecs-deploy#87; no AWS page states it, so the exact wording is unsure).
SECRETS_NEED_EXECUTION_ROLE = ("When you are specifying container secrets, you must also specify a value for "
                                "'executionRoleArn'.")


def check_secrets_have_an_execution_role(container_definitions: list[dict[str, Any]],
                                         execution_role_arn: str | None) -> None:
    """Refuse what AWS refuses: container ``secrets`` without a task execution role to read them with."""
    from moto.ecs.exceptions import EcsClientException

    if not execution_role_arn and any(c.get("secrets") for c in container_definitions or []):
        raise EcsClientException(SECRETS_NEED_EXECUTION_ROLE)


def patch_ecs_secrets_need_an_execution_role() -> None:
    """moto 5.2.5 registers a task definition whose containers have ``secrets`` but that names no
    ``executionRoleArn`` (AWS refuses it, see above); checked before anything is stored (no revision taken)."""
    from moto.ecs.models import EC2ContainerServiceBackend

    def make(original: Callable[..., Any]) -> Callable[..., Any]:
        def register_task_definition(self: Any, family: str, container_definitions: list[dict[str, Any]],
                                     *args: Any, **kwargs: Any) -> Any:
            check_secrets_have_an_execution_role(container_definitions, kwargs.get("execution_role_arn"))
            return original(self, family, container_definitions, *args, **kwargs)

        return register_task_definition

    wrap(EC2ContainerServiceBackend, "register_task_definition", make, layer="secrets_execution_role")
