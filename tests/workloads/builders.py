"""boto3 builders and pollers for the workload tests: network, NLB + target group, ECS service; control calls."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

TINY_SERVER = str(Path(__file__).with_name("tiny_server.py"))


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def control(url: str, method: str, resource: str, payload: Any = None) -> tuple[int, Any]:
    """Call ``<url>/_crossgate/workloads/<resource>``; returns (status, decoded JSON)."""
    data = None if payload is None else json.dumps(payload).encode()
    request = urllib.request.Request(f"{url}/_crossgate/workloads/{resource}", data=data, method=method,
                                     headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def http_get(address: str, path: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(f"http://{address}{path}", timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def served(address: str, path: str, timeout: float = 15) -> bytes:
    """The body of a 200 answer from a task's process, once it listens: a RUNNING task's process may not be
    listening yet (ECS's RUNNING says the container started, not that the app inside is ready)."""

    def answer() -> bytes | None:
        try:
            status, body = http_get(address, path)
        except OSError:  # not listening yet
            return None
        return body if status == 200 else None

    return wait_for(f"{path} on {address}", answer, timeout=timeout)


def wait_for(what: str, probe: Callable[[], T | None], timeout: float = 30, every: float = 0.3) -> T:
    """Poll ``probe`` until it returns something truthy; fail with ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    last: T | None = None
    while time.monotonic() < deadline:
        last = probe()
        if last:
            return last
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout}s waiting for {what} (last: {last!r})")


@dataclass(frozen=True)
class Stack:
    """A VPC with two subnets, an internal NLB, an IP target group on it, an ECS cluster."""

    vpc_id: str
    subnet_ids: list[str]
    subnet_cidrs: list[str]
    security_group_id: str
    target_group_arn: str
    cluster: str


def make_stack(ec2: Any, elbv2: Any, ecs: Any, octet: int, protocol: str = "TCP", attach: bool = True) -> Stack:
    vpc_id = ec2.create_vpc(CidrBlock=f"10.{octet}.0.0/16")["Vpc"]["VpcId"]
    zones = [z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"]]
    cidrs = [f"10.{octet}.1.0/24", f"10.{octet}.2.0/24"]
    subnets = [ec2.create_subnet(VpcId=vpc_id, CidrBlock=c,
                                 AvailabilityZone=zones[i % len(zones)])["Subnet"]["SubnetId"]
               for i, c in enumerate(cidrs)]
    group = ec2.create_security_group(GroupName=unique("tasks"), Description="tasks", VpcId=vpc_id)["GroupId"]
    target_group = elbv2.create_target_group(
        Name=unique("tg"), Protocol=protocol, Port=8080, VpcId=vpc_id, TargetType="ip",
        HealthCheckProtocol="HTTP", HealthCheckPath="/health", HealthCheckIntervalSeconds=5,
        HealthCheckTimeoutSeconds=2, HealthyThresholdCount=2, UnhealthyThresholdCount=2,
    )["TargetGroups"][0]["TargetGroupArn"]
    elbv2.modify_target_group_attributes(TargetGroupArn=target_group, Attributes=[
        {"Key": "deregistration_delay.timeout_seconds", "Value": "0"}])
    if attach:
        balancer = elbv2.create_load_balancer(Name=unique("nlb"), Subnets=subnets, Scheme="internal",
                                              Type="network")["LoadBalancers"][0]["LoadBalancerArn"]
        elbv2.create_listener(LoadBalancerArn=balancer, Protocol="TCP", Port=80,
                              DefaultActions=[{"Type": "forward", "TargetGroupArn": target_group}])
    cluster = ecs.create_cluster(clusterName=unique("cluster"))["cluster"]["clusterName"]
    return Stack(vpc_id, subnets, cidrs, group, target_group, cluster)


def register_task_definition(ecs: Any, family: str, image: str, environment: dict[str, str] | None = None,
                             efs: str | None = None, secrets: dict[str, str] | None = None,
                             execution_role: str | None = None) -> str:
    """An awsvpc Fargate task definition of one container ``app`` on 8080; ``secrets``: variable -> valueFrom."""
    volume: dict[str, Any] = {"name": "data"}
    if efs:
        volume["efsVolumeConfiguration"] = {"fileSystemId": efs, "rootDirectory": "/employees"}
    container: dict[str, Any] = {
        "name": "app", "image": image, "essential": True,
        "portMappings": [{"containerPort": 8080, "protocol": "tcp"}],
        "environment": [{"name": k, "value": v} for k, v in (environment or {}).items()],
        "mountPoints": [{"sourceVolume": "data", "containerPath": "/data"}],
    }
    if secrets:
        container["secrets"] = [{"name": k, "valueFrom": v} for k, v in secrets.items()]
    roles = {"executionRoleArn": execution_role} if execution_role else {}
    definition = ecs.register_task_definition(
        family=family, networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256", memory="512",
        containerDefinitions=[container], volumes=[volume], **roles,
    )
    return str(definition["taskDefinition"]["taskDefinitionArn"])


def create_service(ecs: Any, stack: Stack, name: str, task_definition: str, count: int = 2) -> None:
    ecs.create_service(
        cluster=stack.cluster, serviceName=name, taskDefinition=task_definition, desiredCount=count,
        launchType="FARGATE",
        networkConfiguration={"awsvpcConfiguration": {"subnets": stack.subnet_ids,
                                                      "securityGroups": [stack.security_group_id]}},
        loadBalancers=[{"targetGroupArn": stack.target_group_arn, "containerName": "app", "containerPort": 8080}],
    )


def service_tasks(ecs: Any, cluster: str, service: str, status: str = "RUNNING") -> list[dict[str, Any]]:
    """The service's tasks in ``status`` (moto's ListTasks ignores serviceName: filter on the group)."""
    arns = ecs.list_tasks(cluster=cluster)["taskArns"]
    if not arns:
        return []
    described = ecs.describe_tasks(cluster=cluster, tasks=arns)["tasks"]
    return [t for t in described if t["group"] == f"service:{service}" and t["lastStatus"] == status]


def task_ip(task: dict[str, Any]) -> str:
    [attachment] = [a for a in task["attachments"] if a["type"] == "ElasticNetworkInterface"]
    return str({d["name"]: d["value"] for d in attachment["details"]}["privateIPv4Address"])


def targets(elbv2: Any, arn: str) -> dict[str, dict[str, Any]]:
    """``{"ip:port": TargetHealth}`` from DescribeTargetHealth."""
    described = elbv2.describe_target_health(TargetGroupArn=arn)["TargetHealthDescriptions"]
    return {f"{d['Target']['Id']}:{d['Target']['Port']}": d["TargetHealth"] for d in described}


def listed_tasks(url: str, service: str) -> list[dict[str, Any]]:
    status, body = control(url, "GET", "tasks")
    assert status == 200, body
    return [t for t in body["tasks"] if t["service"] == service and t["status"] == "RUNNING"]
