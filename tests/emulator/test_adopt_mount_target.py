"""A mount target a killed run created but never recorded is adopted by asking AWS (no data source finds it).

Real terraform against the emulator: a file system with a mount target in each of two subnets is applied,
then one mount target is dropped from the state (what a SIGKILL during its create leaves: it exists, the
state does not know it). The re-run's apply fails with EFS's MountTargetConflict; crossgate adopts it only
by asking AWS (DescribeMountTargets of the file system, matched by subnet) and converges on the same one.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from crossgate.config import Credentials
from crossgate.emulator import (
    EMULATOR_REGION,
    Emulator,
    assume_role_arn,
    backend_settings,
    provider_settings,
    terraform_environment,
)
from crossgate.ops.aws_sessions import AccountSessions
from crossgate.runner.orchestrate import Orchestrator
from crossgate.synth import Manifest, Stack
from tests.emulator.conftest import PROVIDER_ACCOUNT, AccountClient

pytestmark = pytest.mark.terraform

MISSING = "aws_efs_mount_target.this[0]"


def efs_stack(directory: Path, url: str) -> Stack:
    directory.mkdir(parents=True)
    config: dict[str, Any] = {
        "terraform": {"backend": {"s3": {**backend_settings(url), "key": "tests/adopt-efs.tfstate"}}},
        "provider": {"aws": {"region": EMULATOR_REGION, **provider_settings(url),
                             "assume_role": [{"role_arn": assume_role_arn(PROVIDER_ACCOUNT)}]}},
        "data": {"aws_availability_zones": {"here": {"state": "available"}}},
        "resource": {
            "aws_vpc": {"this": {"cidr_block": "10.42.0.0/16"}},
            "aws_subnet": {"this": {
                "count": 2, "vpc_id": "${aws_vpc.this.id}",
                "cidr_block": "${cidrsubnet(aws_vpc.this.cidr_block, 8, count.index)}",
                "availability_zone": "${data.aws_availability_zones.here.names[count.index]}"}},
            "aws_efs_file_system": {"this": {"tags": {"Name": "adopt-efs"}}},
            "aws_efs_mount_target": {"this": {
                "count": 2, "file_system_id": "${aws_efs_file_system.this.id}",
                "subnet_id": "${aws_subnet.this[count.index].id}"}},
        },
        "output": {"mount_targets": {"value": "${aws_efs_mount_target.this[*].id}"}},
    }
    (directory / "main.tf.json").write_text(json.dumps(config, indent=1))
    return Stack(directory.name, directory, ())


def test_a_mount_target_missing_from_the_state_is_adopted_by_asking_aws(
        emulator: Emulator, account_client: AccountClient, tmp_path: Path) -> None:
    url = emulator.endpoint_url
    stack = efs_stack(tmp_path / "adopt-efs", url)
    environment = terraform_environment(url)
    sessions = AccountSessions(emulator_url=url)
    creds = Credentials(account_id=PROVIDER_ACCOUNT, region=EMULATOR_REGION)
    events: list[str] = []
    orchestrator = Orchestrator(Manifest(tmp_path, (stack,)), extra_env=environment,
                                report=lambda _, message: events.append(message),
                                clients=lambda _, service: sessions.client(creds, service))
    assert [o.status for o in orchestrator.run("deploy")] == ["applied"]
    created = orchestrator.outputs()[stack.name]["mount_targets"]
    subprocess.run(["terraform", "state", "rm", MISSING], cwd=stack.directory, env={**os.environ, **environment},
                   check=True, capture_output=True)

    (adopted,) = orchestrator.run("deploy")  # apply: MountTargetConflict; adopt; apply again
    assert adopted.status == "applied", adopted.detail
    assert any(message.startswith(f"adopting 1 resource(s) an interrupted run created: {MISSING}")
               for message in events), events
    assert orchestrator.outputs()[stack.name]["mount_targets"] == created  # the same mount target, not a new one
    efs = account_client(PROVIDER_ACCOUNT, "efs")
    fs_id = efs.describe_mount_targets(MountTargetId=created[0])["MountTargets"][0]["FileSystemId"]
    assert sorted(t["MountTargetId"] for t in efs.describe_mount_targets(FileSystemId=fs_id)["MountTargets"]) \
        == sorted(created)
    assert [o.status for o in orchestrator.run("plan")] == ["unchanged"]
    assert [o.status for o in orchestrator.run("destroy")] == ["destroyed"]
