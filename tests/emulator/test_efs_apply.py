"""modules/provider with ``fargate.shared_storage`` applied by real terraform against the emulator.

The whole provider module (created VPC, NLB, ECS Fargate service, endpoint service) plus the shared
EFS storage: file system, backup policy, one mount target per subnet, access point, file system
policy, the tasks' role. Read back with boto3, then a second plan must be empty.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import CENTRAL_ACCOUNT, PROVIDER_ACCOUNT, AccountClient

from crossgate.emulator import EMULATOR_REGION, Emulator, assume_role_arn, provider_settings, terraform_environment
from crossgate.paths import REPO_ROOT
from crossgate.runner.terraform import plugin_cache_turn

MODULE = REPO_ROOT / "modules" / "provider"
NAME = "efs-e2e"
IMAGE = f"{PROVIDER_ACCOUNT}.dkr.ecr.{EMULATOR_REGION}.amazonaws.com/employee:latest"

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.terraform,
    pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform is not on PATH"),
]


def _write_config(workdir: Path, endpoint_url: str) -> None:
    provider = {"aws": {"region": EMULATOR_REGION, "allowed_account_ids": [PROVIDER_ACCOUNT],
                        "assume_role": [{"role_arn": assume_role_arn(PROVIDER_ACCOUNT)}],
                        **provider_settings(endpoint_url)}}
    module = {
        # A local path: relative (an absolute one is a remote package, which ../private_network would escape).
        "source": os.path.relpath(MODULE, workdir),
        "name": NAME,
        "port": 8080,
        "allowed_principals": [f"arn:aws:iam::{CENTRAL_ACCOUNT}:root"],
        "fargate": {
            "image": IMAGE,
            "desired_count": 0,  # the emulator runs no process for this image: the definitions are the point
            "environment": {"EMPLOYEE_DB": "/data/employees.db"},
            "shared_storage": {"path": "/data"},
        },
        "vpc_cidr": "10.30.0.0/16",
        "az_count": 2,
        "image_pull": "none",
        "flow_logs": {"enabled": False},
    }
    outputs = {name: {"value": f"${{module.provider.{name}}}"} for name in (
        "efs_file_system_id", "efs_access_point_id", "task_role_arn", "subnet_ids",
        "tasks_security_group_id", "ecs_cluster_name", "ecs_service_name",
    )}
    config = {"provider": [provider], "module": {"provider": module}, "output": outputs}
    (workdir / "main.tf.json").write_text(json.dumps(config, indent=2))


def _terraform(workdir: Path, env: dict[str, str], *args: str, ok: tuple[int, ...] = (0,)) -> None:
    try:
        result = subprocess.run(
            ["terraform", *args, "-input=false", "-no-color"],
            cwd=workdir, env=env, capture_output=True, text=True, timeout=420, check=False,
        )
    except subprocess.TimeoutExpired as expired:  # a provider wait that never ends: show where it hangs
        output = expired.stdout.decode() if isinstance(expired.stdout, bytes) else str(expired.stdout or "")
        pytest.fail(f"terraform {' '.join(args)} timed out\n{output[-4000:]}")
    assert result.returncode in ok, (
        f"terraform {' '.join(args)} exited {result.returncode}\n{result.stdout[-6000:]}\n{result.stderr[-6000:]}"
    )


def _outputs(workdir: Path, env: dict[str, str]) -> dict[str, Any]:
    result = subprocess.run(["terraform", "output", "-json"], cwd=workdir, env=env,
                            capture_output=True, text=True, check=True)
    return {name: value["value"] for name, value in json.loads(result.stdout).items()}


def test_provider_module_with_shared_storage_applies_and_replans_clean(
    emulator: Emulator, account_client: AccountClient, tmp_path: Path
) -> None:
    workdir = tmp_path / "config"
    workdir.mkdir()
    _write_config(workdir, emulator.endpoint_url)
    env = {**terraform_environment(emulator.endpoint_url, os.environ), "TF_DATA_DIR": str(tmp_path / "tfdata")}

    with plugin_cache_turn():
        _terraform(workdir, env, "init")
    _terraform(workdir, env, "apply", "-auto-approve")
    _terraform(workdir, env, "plan", "-detailed-exitcode")  # nothing drifts, nothing is planned again
    out = _outputs(workdir, env)

    efs = account_client(PROVIDER_ACCOUNT, "efs")
    [fs] = efs.describe_file_systems(FileSystemId=out["efs_file_system_id"])["FileSystems"]
    assert fs["Encrypted"] is True
    assert fs["CreationToken"] == f"{NAME}-shared"
    assert efs.describe_backup_policy(FileSystemId=fs["FileSystemId"])["BackupPolicy"]["Status"] == "ENABLED"
    lifecycle = efs.describe_lifecycle_configuration(FileSystemId=fs["FileSystemId"])["LifecyclePolicies"]
    assert {"TransitionToIA": "AFTER_30_DAYS"} in lifecycle
    policy = json.loads(efs.describe_file_system_policy(FileSystemId=fs["FileSystemId"])["Policy"])
    assert {s["Sid"] for s in policy["Statement"]} == {"TaskRoleThroughTheAccessPoint", "DenyWithoutTls"}

    targets = efs.describe_mount_targets(FileSystemId=fs["FileSystemId"])["MountTargets"]
    assert sorted(t["SubnetId"] for t in targets) == sorted(out["subnet_ids"])
    ec2 = account_client(PROVIDER_ACCOUNT, "ec2")
    [efs_sg] = {g for t in targets for g in efs.describe_mount_target_security_groups(
        MountTargetId=t["MountTargetId"])["SecurityGroups"]}
    rules = ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [efs_sg]}])["SecurityGroupRules"]
    ingress = [r for r in rules if not r["IsEgress"]]
    assert [(r["IpProtocol"], r["FromPort"], r["ToPort"], r["ReferencedGroupInfo"]["GroupId"]) for r in ingress] == [
        ("tcp", 2049, 2049, out["tasks_security_group_id"])
    ]
    assert [r for r in rules if r["IsEgress"]] == []

    [point] = efs.describe_access_points(AccessPointId=out["efs_access_point_id"])["AccessPoints"]
    assert point["FileSystemId"] == fs["FileSystemId"]
    assert point["PosixUser"] == {"Uid": 10001, "Gid": 10001}
    assert point["RootDirectory"]["Path"] == f"/{NAME}"

    ecs = account_client(PROVIDER_ACCOUNT, "ecs")
    [service] = ecs.describe_services(cluster=out["ecs_cluster_name"], services=[out["ecs_service_name"]])["services"]
    definition = ecs.describe_task_definition(taskDefinition=service["taskDefinition"])["taskDefinition"]
    assert definition["taskRoleArn"] == out["task_role_arn"]
    [volume] = definition["volumes"]
    assert volume["name"] == "shared"
    assert volume["efsVolumeConfiguration"]["fileSystemId"] == fs["FileSystemId"]
    assert volume["efsVolumeConfiguration"]["transitEncryption"] == "ENABLED"
    assert volume["efsVolumeConfiguration"]["authorizationConfig"] == {
        "accessPointId": point["AccessPointId"], "iam": "ENABLED"}
    [container] = definition["containerDefinitions"]
    assert container["mountPoints"] == [{"sourceVolume": "shared", "containerPath": "/data", "readOnly": False}]
    assert {"name": "EMPLOYEE_DB", "value": "/data/employees.db"} in container["environment"]

    _terraform(workdir, env, "destroy", "-auto-approve")
    assert efs.describe_file_systems(CreationToken=f"{NAME}-shared")["FileSystems"] == []
