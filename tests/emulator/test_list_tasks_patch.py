"""ECS ListTasks against the running emulator: filtered by serviceName, desiredStatus RUNNING by default."""

from __future__ import annotations

import uuid

from conftest import PROVIDER_ACCOUNT, AccountClient
from emulator_network import make_network


def test_list_tasks_filters_by_service_and_defaults_to_running(account_client: AccountClient) -> None:
    ec2, ecs = account_client(PROVIDER_ACCOUNT, "ec2"), account_client(PROVIDER_ACCOUNT, "ecs")
    network = make_network(ec2, "10.66.0.0/16", ["10.66.1.0/24"])
    ec2.modify_vpc_attribute(VpcId=network.vpc_id, EnableDnsHostnames={"Value": True})
    group_id = ec2.create_security_group(GroupName=f"tasks-{uuid.uuid4().hex[:8]}", Description="tasks",
                                         VpcId=network.vpc_id)["GroupId"]
    cluster = ecs.create_cluster(clusterName=f"tasks-{uuid.uuid4().hex[:8]}")["cluster"]["clusterName"]
    family = f"app-{uuid.uuid4().hex[:8]}"
    ecs.register_task_definition(family=family, networkMode="awsvpc", requiresCompatibilities=["FARGATE"],
                                 cpu="256", memory="512",
                                 containerDefinitions=[{"name": "app", "image": "app:1", "essential": True,
                                                        "cpu": 256, "memory": 512}])

    def run(group: str) -> str:
        [task] = ecs.run_task(cluster=cluster, taskDefinition=family, launchType="FARGATE", group=group,
                              networkConfiguration={"awsvpcConfiguration": {
                                  "subnets": network.subnet_ids, "securityGroups": [group_id]}})["tasks"]
        return str(task["taskArn"])

    first, second, other = run("service:first"), run("service:first"), run("service:other")
    ecs.stop_task(cluster=cluster, task=second, reason="test")

    assert set(ecs.list_tasks(cluster=cluster)["taskArns"]) == {first, other}
    assert ecs.list_tasks(cluster=cluster, serviceName="first")["taskArns"] == [first]
    assert ecs.list_tasks(cluster=cluster, serviceName="first", desiredStatus="STOPPED")["taskArns"] == [second]
    assert ecs.list_tasks(cluster=cluster, serviceName="missing")["taskArns"] == []
    assert set(ecs.list_tasks(cluster=cluster, desiredStatus="STOPPED")["taskArns"]) == {second}
