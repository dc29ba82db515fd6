"""ECS task records in moto for the tasks the emulator's scheduler runs.

AWS facts followed here (Amazon ECS developer guide, "Amazon ECS task networking options for
Fargate"): every Fargate task gets its own elastic network interface with a primary private IPv4
address from one of the service's subnets, carrying the service's security groups (the VPC's
default group when none is given). The task lists that ENI as an ``ElasticNetworkInterface``
attachment (``subnetId``, ``networkInterfaceId``, ``macAddress``, ``privateDnsName``,
``privateIPv4Address``). Tasks a service starts are in group ``service:<name>`` and startedBy the
deployment id (``ecs-svc/...``). The ENI is deleted when the task stops. Stopped tasks stay
visible for at least an hour ("Amazon ECS task lifecycle").

moto's own Task advances its lastStatus every time it is described (RUNNING -> DEACTIVATING ->
...); the scheduler's tasks follow their process instead, so their state machine is emptied.
"""

from __future__ import annotations

import copy
import datetime
from dataclasses import dataclass
from typing import Any

from moto.moto_api._internal import mock_random

from crossgate.emulator.backends import moto_lock
from crossgate.emulator.patches.ec2 import readdress
from crossgate.emulator.workloads import moto_state

STOPPED_VISIBLE_SECONDS = 3600


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


@dataclass(frozen=True)
class TaskRecord:
    """The moto task and the network identity the scheduler needs from it."""

    task: Any
    ip: str
    subnet_id: str
    eni_id: str
    availability_zone: str


def _security_groups(ec2: Any, subnet: Any, requested: list[str]) -> list[str]:
    if requested:
        return list(requested)
    default = ec2.get_default_security_group(subnet.vpc_id)
    return [default.id] if default is not None else []


def _allocate_ip(subnet: Any, eni: Any) -> str:
    """A fresh address of the subnet first, the pool of freed ones once the subnet is used up.

    (AWS gives a replacement task a new ENI; handing it the address its predecessor just freed
    would hide stale-target bugs, so freed addresses are reused last. Unsure how AWS picks.)
    """
    reserved: set[Any] = getattr(subnet, "aws_reserved_ips", set())
    for candidate in subnet._subnet_ip_generator:  # a new iterator from the subnet's first host each time
        if candidate == subnet.cidr.broadcast_address:
            break
        ip = str(candidate)
        if candidate not in reserved and ip not in subnet._subnet_ips and ip not in subnet._unused_ips:
            subnet._subnet_ips[ip] = eni
            subnet._unused_ips.discard(ip)
            return ip
    ip = subnet.get_available_subnet_ip(eni)
    return str(ip)


def _container(task_definition: Any, definition: dict[str, Any], task: Any, attachment_id: str, ip: str) -> Any:
    from moto.ecs import models

    container: Any = models.Container(task_definition)  # type: ignore[abstract]
    container.name = definition.get("name")
    container.image = definition.get("image")
    container.cpu = definition.get("cpu", 0)
    container.memory = definition.get("memory")
    container.environment = definition.get("environment")
    container.command = definition.get("command")
    container.task_arn = task.task_arn
    container.container_arn = (f"arn:aws:ecs:{task.region_name}:{task._account_id}:container/"
                               f"{task.cluster_name}/{task.id}/{mock_random.uuid4()}")
    container.network_interfaces = [{"attachmentId": attachment_id, "privateIpv4Address": ip}]
    container.health_status = "UNKNOWN"
    container.last_status = "PENDING"
    return container


def record_task(ref: moto_state.ServiceRef, task_definition: Any, subnet_id: str, started_by: str) -> TaskRecord:
    """Create a PROVISIONING task of ``ref``'s service with its ENI in ``subnet_id`` (an in-subnet IP).

    moto's Task would make its own ENI (a random 10.x address, and a crash when the VPC has no DNS
    hostnames), so the task is built from a non-awsvpc copy of the definition and gets the ENI here.
    """
    from moto.ec2.utils import generate_dns_from_ip
    from moto.ecs.models import Task

    service = ref.service
    ec2 = moto_state.ec2_backend(ref.account_id, ref.region)
    if ec2 is None:
        raise LookupError(f"no EC2 state in {ref.account_id}/{ref.region}")
    awsvpc = (service.network_configuration or {}).get("awsvpcConfiguration") or {}
    without_eni = copy.copy(task_definition)
    without_eni.network_mode = "bridge"
    with moto_lock():
        subnet = ec2.get_subnet(subnet_id)
        groups = _security_groups(ec2, subnet, awsvpc.get("securityGroups") or [])
        cluster = ref.backend.clusters[service.cluster_name]
        task: Any = Task(
            cluster=cluster,
            task_definition=without_eni,
            container_instance_arn=None,
            resource_requirements=None,
            backend=ref.backend,
            group=f"service:{service.name}",
            launch_type=service.launch_type or "FARGATE",
            started_by=started_by,
            platform_version=service.platform_version or "1.4.0",
        )
        task._transitions = []  # lastStatus follows the process, not moto's describe counter
        attachment_id = str(mock_random.uuid4())
        # AWS describes a task ENI by its attachment; requester-managed by ECS (unsure of the exact requester id).
        eni = ec2.create_network_interface(subnet=subnet, private_ip_address=[], group_ids=groups,
                                           description=f"arn:aws:ecs:{ref.region}:{ref.account_id}:attachment/"
                                                       f"{attachment_id}")
        ip = _allocate_ip(subnet, eni)
        readdress(eni, ip)
        eni.private_dns_name = generate_dns_from_ip(ip)
        eni.requester_managed = True
        eni.status = "in-use"
        task.network_configuration = {"awsvpcConfiguration": {
            "subnets": [subnet_id], "securityGroups": groups,
            "assignPublicIp": awsvpc.get("assignPublicIp", "DISABLED")}}
        task.attachments = [{
            "id": attachment_id,
            "type": "ElasticNetworkInterface",
            "status": "ATTACHED",
            "details": [
                {"name": "subnetId", "value": subnet_id},
                {"name": "networkInterfaceId", "value": eni.id},
                {"name": "macAddress", "value": eni.mac_address},
                {"name": "privateDnsName", "value": eni.private_dns_name},
                {"name": "privateIPv4Address", "value": ip},
            ],
        }]
        task.containers = [_container(task_definition, d, task, attachment_id, ip)
                           for d in task_definition.container_definitions]
        task.last_status = "PROVISIONING"
        task.availability_zone = subnet.availability_zone
        task.connectivity = "CONNECTED"
        task.cpu = task_definition.cpu
        task.memory = task_definition.memory
        task.created_at = _now()
        task.version = 1
        ref.backend.tasks.setdefault(cluster.name, {})[task.task_arn] = task
    return TaskRecord(task, ip, subnet_id, eni.id, subnet.availability_zone)


def mark_running(task: Any, healthy_containers: bool = True) -> None:
    with moto_lock():
        now = _now()
        task.last_status = "RUNNING"
        task.pull_started_at = task.pull_stopped_at = now
        task.started_at = task.connectivity_at = now
        for container in task.containers:
            container.last_status = "RUNNING"
        task.health_status = "UNKNOWN"


def mark_status(task: Any, last_status: str) -> None:
    """DEACTIVATING (load balancer deregistration) / STOPPING (SIGTERM sent) / DEPROVISIONING."""
    with moto_lock():
        task.last_status = last_status
        task.desired_status = "STOPPED"
        if getattr(task, "stopping_at", None) is None:
            task.stopping_at = _now()


def mark_stopped(task: Any, stop_code: str, reason: str, exit_codes: dict[str, int | None]) -> None:
    with moto_lock():
        now = _now()
        task.last_status = "STOPPED"
        task.desired_status = "STOPPED"
        task.stop_code = stop_code
        task.stopped_reason = reason
        task.stopped_at = task.execution_stopped_at = now
        if getattr(task, "stopping_at", None) is None:
            task.stopping_at = now
        for container in task.containers:
            container.last_status = "STOPPED"
            code = exit_codes.get(str(container.name))
            if code is not None:
                container.exitCode = code
        for attachment in task.attachments:
            attachment["status"] = "DELETED"


def release_eni(account_id: str, region: str, eni_id: str, ip: str) -> None:
    """Delete the task's ENI and give its IP back to the subnet (a missing ENI is fine)."""
    ec2 = moto_state.ec2_backend(account_id, region)
    if ec2 is None:
        return
    with moto_lock():
        eni = ec2.enis.get(eni_id)
        if eni is None:
            return
        if eni.subnet is not None:
            eni.subnet.del_subnet_ip(ip)
        ec2.enis.pop(eni_id, None)


def task_ip(task: Any) -> tuple[str | None, str | None]:
    """(private IPv4, ENI id) from a task's ElasticNetworkInterface attachment."""
    for attachment in getattr(task, "attachments", None) or []:
        if attachment.get("type") != "ElasticNetworkInterface":
            continue
        details = {d["name"]: d["value"] for d in attachment.get("details", [])}
        return details.get("privateIPv4Address"), details.get("networkInterfaceId")
    return None, None


def running_service_tasks(ref: moto_state.ServiceRef) -> list[Any]:
    """moto's tasks of this service that still want to run (group ``service:<name>``, desired RUNNING)."""
    group = f"service:{ref.service.name}"
    tasks = ref.backend.tasks.get(ref.service.cluster_name, {})
    return [t for t in list(tasks.values()) if t.group == group and t.desired_status == "RUNNING"]


def prune_stopped(backend: Any) -> None:
    """Forget tasks the scheduler stopped more than an hour ago (AWS keeps them visible at least that long)."""
    cutoff = _now() - datetime.timedelta(seconds=STOPPED_VISIBLE_SECONDS)
    with moto_lock():
        for tasks in backend.tasks.values():
            for arn, task in list(tasks.items()):
                stopped_at = getattr(task, "stopped_at", None)
                if task.last_status == "STOPPED" and isinstance(stopped_at, datetime.datetime) and stopped_at < cutoff:
                    del tasks[arn]


def update_service_counts(service: Any, running: int, pending: int) -> None:
    """runningCount/pendingCount from the tasks that really run (moto copies desiredCount)."""
    with moto_lock():
        service.running_count = running
        service.pending_count = pending
        for deployment in service.deployments or []:
            if deployment.get("status") != "PRIMARY":
                continue
            deployment["runningCount"] = running
            deployment["pendingCount"] = pending
            if running >= service.desired_count and pending == 0:
                deployment["rolloutState"] = "COMPLETED"
                deployment["rolloutStateReason"] = f"ECS deployment {deployment['id']} completed."
