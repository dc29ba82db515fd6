"""ECS task definitions in awsvpc mode against the running emulator: hostPort blank or equal to containerPort.

Each test fails on unpatched moto 5.2.5, except the bridge control (bridge mode keeps moto's behaviour).
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError
from conftest import PROVIDER_ACCOUNT, AccountClient
from emulator_network import make_network

MISMATCH = "When networkMode=awsvpc, the host ports and container ports in port mappings must match."


def _family() -> str:
    return f"ports-{uuid.uuid4().hex[:8]}"


def _container(*mappings: dict[str, Any]) -> dict[str, Any]:
    return {"name": "app", "image": "app:1", "essential": True, "cpu": 256, "memory": 512,
            "portMappings": list(mappings)}


def _fargate(ecs: Any, family: str, *mappings: dict[str, Any]) -> dict[str, Any]:
    return dict(ecs.register_task_definition(
        family=family, networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256", memory="512",
        containerDefinitions=[_container(*mappings)])["taskDefinition"])


def _mappings(definition: dict[str, Any]) -> list[dict[str, Any]]:
    (container,) = definition["containerDefinitions"]
    return list(container["portMappings"])


def test_awsvpc_answers_host_port_equal_to_container_port(account_client: AccountClient) -> None:
    ecs = account_client(PROVIDER_ACCOUNT, "ecs")
    family = _family()
    registered = _fargate(ecs, family, {"containerPort": 8080, "protocol": "tcp"},
                          {"containerPort": 9090, "hostPort": 9090, "protocol": "udp"},
                          {"containerPort": 7070, "hostPort": 0})
    expected = [{"containerPort": 8080, "hostPort": 8080, "protocol": "tcp"},
                {"containerPort": 9090, "hostPort": 9090, "protocol": "udp"},
                {"containerPort": 7070, "hostPort": 7070}]
    assert _mappings(registered) == expected
    described = ecs.describe_task_definition(taskDefinition=family)["taskDefinition"]
    assert described["networkMode"] == "awsvpc"
    assert _mappings(described) == expected


def test_awsvpc_refuses_a_host_port_other_than_the_container_port(account_client: AccountClient) -> None:
    ecs = account_client(PROVIDER_ACCOUNT, "ecs")
    family = _family()
    with pytest.raises(ClientError) as refused:
        _fargate(ecs, family, {"containerPort": 8080}, {"containerPort": 3000, "hostPort": 7000})
    assert refused.value.response["Error"]["Code"] == "ClientException"
    assert refused.value.response["Error"]["Message"] == MISMATCH
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    # Refused means not registered: no revision was taken.
    assert ecs.list_task_definitions(familyPrefix=family)["taskDefinitionArns"] == []
    # An EC2 awsvpc task definition is refused the same way.
    with pytest.raises(ClientError) as refused_ec2:
        ecs.register_task_definition(family=family, networkMode="awsvpc", requiresCompatibilities=["EC2"],
                                     containerDefinitions=[_container({"containerPort": 80, "hostPort": 8080})])
    assert refused_ec2.value.response["Error"]["Message"] == MISMATCH
    # After a refusal the family registers normally, as revision 1.
    assert _fargate(ecs, family, {"containerPort": 8080})["revision"] == 1


def test_bridge_mappings_are_left_as_given(account_client: AccountClient) -> None:
    """Control: in bridge mode a blank hostPort means a dynamic port and any other is reserved as given."""
    ecs = account_client(PROVIDER_ACCOUNT, "ecs")
    family = _family()
    registered = ecs.register_task_definition(
        family=family, networkMode="bridge",
        containerDefinitions=[_container({"containerPort": 8080}, {"containerPort": 80, "hostPort": 8081})],
    )["taskDefinition"]
    assert _mappings(registered) == [{"containerPort": 8080}, {"containerPort": 80, "hostPort": 8081}]
    described = ecs.describe_task_definition(taskDefinition=family)["taskDefinition"]
    assert _mappings(described) == [{"containerPort": 8080}, {"containerPort": 80, "hostPort": 8081}]


def test_awsvpc_tasks_reserve_no_host_ports_on_a_container_instance(account_client: AccountClient) -> None:
    """Two awsvpc tasks with the same port fit on one EC2 container instance (each has its own ENI; the API
    reference's remainingResources counts only host and bridge mode port reservations); two bridge tasks
    with the same fixed hostPort do not (the control)."""
    ec2, ecs = account_client(PROVIDER_ACCOUNT, "ec2"), account_client(PROVIDER_ACCOUNT, "ecs")
    network = make_network(ec2, "10.67.0.0/16", ["10.67.1.0/24"])
    ec2.modify_vpc_attribute(VpcId=network.vpc_id, EnableDnsHostnames={"Value": True})  # moto's task ENIs need it
    group_id = ec2.create_security_group(GroupName=f"ports-{uuid.uuid4().hex[:8]}", Description="tasks",
                                         VpcId=network.vpc_id)["GroupId"]
    cluster = ecs.create_cluster(clusterName=f"ports-{uuid.uuid4().hex[:8]}")["cluster"]["clusterName"]
    image = ec2.register_image(Name=f"ecs-optimized-{uuid.uuid4().hex[:8]}")["ImageId"]
    [instance] = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, InstanceType="m5.large",
                                   SubnetId=network.subnet_ids[0])["Instances"]
    ecs.register_container_instance(cluster=cluster,
                                    instanceIdentityDocument=json.dumps({"instanceId": instance["InstanceId"]}))
    awsvpc, bridge = _family(), _family()
    ecs.register_task_definition(family=awsvpc, networkMode="awsvpc", requiresCompatibilities=["EC2"],
                                 containerDefinitions=[_container({"containerPort": 8080, "hostPort": 8080})])
    ecs.register_task_definition(family=bridge, networkMode="bridge",
                                 containerDefinitions=[_container({"containerPort": 8080, "hostPort": 8080})])
    placed = ecs.run_task(cluster=cluster, taskDefinition=awsvpc, launchType="EC2", count=2,
                          networkConfiguration={"awsvpcConfiguration": {
                              "subnets": network.subnet_ids, "securityGroups": [group_id]}})["tasks"]
    assert len(placed) == 2
    placed_bridge = ecs.run_task(cluster=cluster, taskDefinition=bridge, launchType="EC2", count=2)["tasks"]
    assert len(placed_bridge) == 1
