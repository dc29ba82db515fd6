"""The emulator runs ECS services for real: tasks are local processes with in-subnet IPs behind their target group.

Every test drives a real crossgate Emulator with boto3 (no terraform) and the control calls, and
checks what a user would see: DescribeTasks, DescribeTargetHealth, ENIs, and the processes answering.
"""

from __future__ import annotations

import ipaddress
import json
import os
import signal
import uuid
from typing import Any

from crossgate.emulator import Emulator
from tests.workloads.builders import (
    TINY_SERVER,
    Stack,
    control,
    create_service,
    http_get,
    listed_tasks,
    make_stack,
    register_task_definition,
    service_tasks,
    targets,
    task_ip,
    unique,
    wait_for,
)
from tests.workloads.conftest import ClientFactory


def _octet() -> int:
    return uuid.uuid4().int % 200 + 20


def _map_tiny(url: str, image: str) -> None:
    status, body = control(url, "PUT", "images", {"image": image, "command": ["{python}", TINY_SERVER, "--host",
                                                                               "{host}", "--port", "{port}"]})
    assert status == 200, body


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie of ours does not count
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] != "Z"
    except OSError:
        return False


def _healthy(aws: ClientFactory, stack: Stack, count: int) -> dict[str, Any] | None:
    health = targets(aws("elbv2"), stack.target_group_arn)
    states = [h["State"] for h in health.values()]
    return health if len(states) == count and all(s == "healthy" for s in states) else None


def _tiny_service(aws: ClientFactory, url: str, count: int = 2) -> tuple[Stack, str, str]:
    image = f"registry.example/{unique('tiny')}:1"
    _map_tiny(url, image)
    stack = make_stack(aws("ec2"), aws("elbv2"), aws("ecs"), _octet())
    definition = register_task_definition(aws("ecs"), unique("tiny"), image,
                                          {"DATA_FILE": "/data/state.txt", "GREETING": "hello"})
    name = unique("svc")
    create_service(aws("ecs"), stack, name, definition, count)
    return stack, name, definition


def test_service_tasks_run_in_the_subnets_register_and_go_healthy(emulator: Emulator, aws: ClientFactory) -> None:
    stack, name, definition = _tiny_service(aws, emulator.endpoint_url)
    ecs, ec2 = aws("ecs"), aws("ec2")
    running = wait_for("two RUNNING tasks",
                       lambda: (t := service_tasks(ecs, stack.cluster, name)) and len(t) == 2 and t)
    subnets = [ipaddress.ip_network(c) for c in stack.subnet_cidrs]
    ips = {task_ip(t) for t in running}
    assert len(ips) == 2
    assert all(any(ipaddress.ip_address(ip) in net for net in subnets) for ip in ips)
    assert {t["taskDefinitionArn"] for t in running} == {definition}
    assert all(t["desiredStatus"] == "RUNNING" and t["launchType"] == "FARGATE" for t in running)
    # the ENIs are real, in the subnets, with the service's security group; tasks spread over both subnets
    enis = ec2.describe_network_interfaces(Filters=[{"Name": "private-ip-address", "Values": sorted(ips)}])
    enis = [e for e in enis["NetworkInterfaces"] if e["PrivateIpAddress"] in ips]
    assert len(enis) == 2
    assert {e["SubnetId"] for e in enis} == set(stack.subnet_ids)
    assert all([g["GroupId"] for g in e["Groups"]] == [stack.security_group_id] for e in enis)
    # registered as ECS does (ip + containerPort), then healthy by the TG's own HTTP check on /health
    health = wait_for("both targets healthy", lambda: _healthy(aws, stack, 2), timeout=20)
    assert set(health) == {f"{ip}:8080" for ip in ips}
    # each task's process answers on its local port, with the container's env and translated mount paths
    listed = listed_tasks(emulator.endpoint_url, name)
    assert {t["ip"] for t in listed} == ips
    for task in listed:
        status, body = http_get(task["local"], "/env")
        assert status == 200
        seen = json.loads(body)
        assert seen["pid"] == task["pid"]
        assert seen["env"]["GREETING"] == "hello"
        data_file = seen["env"]["DATA_FILE"]
        assert data_file.endswith("/state.txt") and data_file != "/data/state.txt"
        assert os.path.isdir(os.path.dirname(data_file))
        assert task["task_dir"] in seen["cwd"]
        assert os.path.exists(task["log_path"])
    described = ecs.describe_services(cluster=stack.cluster, services=[name])["services"][0]
    assert described["runningCount"] == 2


def test_a_task_whose_process_dies_is_replaced_by_a_new_task(emulator: Emulator, aws: ClientFactory) -> None:
    stack, name, _ = _tiny_service(aws, emulator.endpoint_url)
    ecs = aws("ecs")
    wait_for("healthy", lambda: _healthy(aws, stack, 2), timeout=20)
    before = {t["task_arn"]: t for t in listed_tasks(emulator.endpoint_url, name)}
    victim = next(iter(before.values()))
    os.kill(victim["pid"], signal.SIGKILL)
    after = wait_for("a replacement task", lambda: (
        (t := {x["task_arn"]: x for x in listed_tasks(emulator.endpoint_url, name)})
        and len(t) == 2 and victim["task_arn"] not in t and t))
    [new_arn] = set(after) - set(before)
    assert after[new_arn]["ip"] != victim["ip"]
    [stopped] = ecs.describe_tasks(cluster=stack.cluster, tasks=[victim["task_arn"]])["tasks"]
    assert stopped["lastStatus"] == "STOPPED"
    assert stopped["stopCode"] == "EssentialContainerExited"
    health = wait_for("new target healthy", lambda: _healthy(aws, stack, 2), timeout=20)
    assert f"{victim['ip']}:8080" not in health
    assert f"{after[new_arn]['ip']}:8080" in health


def test_scale_in_deregisters_a_target_and_stops_its_process(emulator: Emulator, aws: ClientFactory) -> None:
    stack, name, _ = _tiny_service(aws, emulator.endpoint_url)
    ecs, ec2 = aws("ecs"), aws("ec2")
    wait_for("healthy", lambda: _healthy(aws, stack, 2), timeout=20)
    before = listed_tasks(emulator.endpoint_url, name)
    ecs.update_service(cluster=stack.cluster, service=name, desiredCount=1)
    remaining = wait_for("one task left",
                         lambda: (t := listed_tasks(emulator.endpoint_url, name)) and len(t) == 1 and t)
    [gone] = [t for t in before if t["task_arn"] != remaining[0]["task_arn"]]
    wait_for("its process gone", lambda: not _alive(gone["pid"]), timeout=10)
    assert set(targets(aws("elbv2"), stack.target_group_arn)) == {f"{remaining[0]['ip']}:8080"}
    wait_for("its ENI deleted", lambda: not ec2.describe_network_interfaces(
        Filters=[{"Name": "network-interface-id", "Values": [gone["eni_id"]]}])["NetworkInterfaces"], timeout=10)
    assert _alive(remaining[0]["pid"])


def test_deleting_the_service_leaves_no_process(emulator: Emulator, aws: ClientFactory) -> None:
    stack, name, _ = _tiny_service(aws, emulator.endpoint_url)
    ecs = aws("ecs")
    running = wait_for("two tasks", lambda: (t := listed_tasks(emulator.endpoint_url, name)) and len(t) == 2 and t)
    ecs.delete_service(cluster=stack.cluster, service=name, force=True)
    wait_for("no task listed", lambda: not [t for t in control(emulator.endpoint_url, "GET", "tasks")[1]["tasks"]
                                            if t["service"] == name], timeout=15)
    assert not any(_alive(t["pid"]) for t in running)
    assert targets(aws("elbv2"), stack.target_group_arn) == {}
    assert service_tasks(ecs, stack.cluster, name) == []


def test_an_unmapped_image_is_unhealthy_and_says_how_to_map_it(emulator: Emulator, aws: ClientFactory) -> None:
    image = f"registry.example/{unique('unmapped')}:7"
    stack = make_stack(aws("ec2"), aws("elbv2"), aws("ecs"), _octet())
    name = unique("svc")
    create_service(aws("ecs"), stack, name, register_task_definition(aws("ecs"), unique("nomap"), image), 1)
    running = wait_for("the task recorded", lambda: service_tasks(aws("ecs"), stack.cluster, name))
    health = wait_for("unhealthy", lambda: (h := targets(aws("elbv2"), stack.target_group_arn))
                      and all(v["State"] == "unhealthy" for v in h.values()) and h, timeout=20)
    assert set(health) == {f"{task_ip(running[0])}:8080"}
    [verdict] = health.values()
    assert verdict["Reason"] == "Target.FailedHealthChecks"
    assert "PUT /_crossgate/workloads/images" in verdict["Description"] and image in verdict["Description"]
    [listed] = listed_tasks(emulator.endpoint_url, name)
    assert listed["pid"] is None and listed["containers"][0]["mapped"] is False
    assert "PUT /_crossgate/workloads/images" in listed["containers"][0]["diagnostic"]
    # mapping the image later: the next task runs it (stop the unmapped one, ECS replaces it)
    _map_tiny(emulator.endpoint_url, image)
    aws("ecs").stop_task(cluster=stack.cluster, task=running[0]["taskArn"], reason="remap")
    wait_for("healthy after mapping", lambda: _healthy(aws, stack, 1), timeout=20)


def test_the_demo_service_runs_with_an_efs_volume_shared_by_its_tasks(emulator: Emulator, aws: ClientFactory) -> None:
    image = f"123456789012.dkr.ecr.us-west-1.amazonaws.com/{unique('employee')}:latest"
    status, body = control(emulator.endpoint_url, "PUT", "images", {"image": image, "command": [
        "{python}", "-m", "service", "--host", "{host}", "--port", "{port}", "--db", "/data/employees.db"]})
    assert status == 200, body
    stack = make_stack(aws("ec2"), aws("elbv2"), aws("ecs"), _octet())
    name = unique("employees")
    definition = register_task_definition(aws("ecs"), unique("employee"), image, {"EMPLOYEE_LOG_LEVEL": "warning"},
                                          efs=f"fs-{uuid.uuid4().hex[:8]}")
    create_service(aws("ecs"), stack, name, definition, 2)
    wait_for("demo service healthy", lambda: _healthy(aws, stack, 2), timeout=40)
    first, second = listed_tasks(emulator.endpoint_url, name)
    created = _post(first["local"], {"first_name": "Ada", "last_name": "Lovelace", "email_id": "ada@example.com"})
    status, listing = http_get(second["local"], "/employees")
    assert status == 200
    assert created["id"] in [e["id"] for e in json.loads(listing)]


def _post(address: str, payload: dict[str, str]) -> dict[str, Any]:
    import urllib.request

    request = urllib.request.Request(f"http://{address}/employees", data=json.dumps(payload).encode(), method="POST",
                                     headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 201
        created: dict[str, Any] = json.loads(response.read())
        return created


def test_a_new_task_definition_revision_rolls_out(emulator: Emulator, aws: ClientFactory) -> None:
    stack, name, first = _tiny_service(aws, emulator.endpoint_url)
    ecs = aws("ecs")
    wait_for("healthy", lambda: _healthy(aws, stack, 2), timeout=20)
    old = {t["task_arn"] for t in listed_tasks(emulator.endpoint_url, name)}
    image = ecs.describe_task_definition(taskDefinition=first)["taskDefinition"]["containerDefinitions"][0]["image"]
    family = first.rsplit("/", 1)[1].split(":")[0]
    second = register_task_definition(ecs, family, image, {"GREETING": "revision 2"})
    ecs.update_service(cluster=stack.cluster, service=name, taskDefinition=second)
    rolled = wait_for("two tasks of revision 2", lambda: (t := listed_tasks(emulator.endpoint_url, name))
                      and len(t) == 2 and all(x["task_definition_arn"] == second for x in t) and t, timeout=30)
    assert not old & {t["task_arn"] for t in rolled}
    for task in rolled:
        assert json.loads(http_get(task["local"], "/env")[1])["env"]["GREETING"] == "revision 2"
    wait_for("new targets healthy", lambda: _healthy(aws, stack, 2), timeout=20)


def test_control_calls_validate_and_list(emulator: Emulator) -> None:
    url = emulator.endpoint_url
    image = unique("img")
    assert control(url, "PUT", "images", {"image": image})[0] == 400
    assert control(url, "PUT", "images", {"image": image, "command": ["{python}", "-V"]})[0] == 200
    assert {"image": image, "command": ["{python}", "-V"]} in control(url, "GET", "images")[1]["images"]
    assert control(url, "DELETE", f"images?image={image}")[0] == 200
    assert control(url, "DELETE", "images", {"image": image})[0] == 404
    target = {"account_id": "111111111111", "region": "us-west-1", "ip": "10.9.9.9", "port": 80}
    assert control(url, "PUT", "targets", {**target, "local": "nowhere"})[0] == 400
    assert control(url, "PUT", "targets", {**target, "local": "127.0.0.1:9"})[0] == 200
    assert {**target, "local": "127.0.0.1:9"} in control(url, "GET", "targets")[1]["targets"]
    assert control(url, "DELETE", "targets", target)[0] == 200
    assert control(url, "GET", "nothing-here")[0] == 404
