"""An emulator restarted on its state folder runs the services' workloads again, with the same image mappings."""

from __future__ import annotations

import os
from pathlib import Path

from crossgate.emulator import Emulator
from tests.workloads.builders import (
    TINY_SERVER,
    control,
    create_service,
    listed_tasks,
    make_stack,
    register_task_definition,
    served,
    service_tasks,
    targets,
    unique,
    wait_for,
)
from tests.workloads.conftest import clients_for


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_restart_with_a_state_dir_runs_the_tasks_again(tmp_path: Path) -> None:
    image = "registry.example/restart:1"
    with Emulator(state_dir=tmp_path, persist=True) as first:
        aws = clients_for(first)
        command = ["{python}", TINY_SERVER, "--port", "{port}"]
        assert control(first.endpoint_url, "PUT", "images", {"image": image, "command": command})[0] == 200
        stack = make_stack(aws("ec2"), aws("elbv2"), aws("ecs"), 61)
        create_service(aws("ecs"), stack, "kept", register_task_definition(aws("ecs"), unique("kept"), image), 2)
        before = wait_for("two tasks", lambda: (t := listed_tasks(first.endpoint_url, "kept")) and len(t) == 2 and t)
    assert all(_gone(t["pid"]) for t in before)  # stopping the emulator stopped its processes

    with Emulator(state_dir=tmp_path, persist=True) as second:
        aws = clients_for(second)
        assert {"image": image, "command": command} in control(second.endpoint_url, "GET", "images")[1]["images"]
        after = wait_for("two new tasks",
                         lambda: (t := listed_tasks(second.endpoint_url, "kept")) and len(t) == 2 and t)
        assert not {t["task_arn"] for t in before} & {t["task_arn"] for t in after}
        for task in after:
            served(task["local"], "/health")  # the restarted processes answer (once they listen)
        old = aws("ecs").describe_tasks(cluster=stack.cluster, tasks=[t["task_arn"] for t in before])["tasks"]
        assert {t["lastStatus"] for t in old} == {"STOPPED"}
        assert len(service_tasks(aws("ecs"), stack.cluster, "kept")) == 2
        registered = wait_for("targets fixed up", lambda: (h := targets(aws("elbv2"), stack.target_group_arn))
                              and set(h) == {f"{t['ip']}:8080" for t in after} and h)
        assert set(registered) == {f"{t['ip']}:8080" for t in after}
