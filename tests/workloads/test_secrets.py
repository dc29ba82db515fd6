"""A container's ``secrets`` reach its local process as ECS injects them; one that cannot be read stops the task.

Secrets Manager (whole string, a JSON key, a version stage) and SSM Parameter Store (SecureString by ARN,
String by bare name) values are created with boto3 against a real emulator; the tiny server's ``/env`` shows
what its process got. A missing secret / JSON key / parameter stops the task before it starts with ECS's
``TaskFailedToStart`` / ``ResourceInitializationError`` (DescribeTasks), and the service keeps retrying.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from crossgate.emulator import Emulator
from crossgate.emulator.workloads.secrets import ParameterRef, SecretsManagerRef, SecretUnavailable, parse
from tests.workloads.builders import (
    TINY_SERVER,
    Stack,
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
from tests.workloads.conftest import PROVIDER_ACCOUNT, ClientFactory

REGION = "us-west-1"
RESOURCE_INIT = "ResourceInitializationError: unable to pull secrets or registry auth"


def _service(aws: ClientFactory, url: str, secrets: dict[str, str],
             environment: dict[str, str] | None = None) -> tuple[Stack, str]:
    image = f"registry.example/{unique('secrets')}:1"
    status, body = control(url, "PUT", "images", {"image": image, "command": [
        "{python}", TINY_SERVER, "--host", "{host}", "--port", "{port}"]})
    assert status == 200, body
    stack = make_stack(aws("ec2"), aws("elbv2"), aws("ecs"), uuid.uuid4().int % 200 + 20)
    # AWS needs an execution role for secrets (RegisterTaskDefinition refuses them without); a non-enforcing
    # emulator does not check what it may read (tests/workloads/test_secret_access.py does, with IAM enforced)
    definition = register_task_definition(aws("ecs"), unique("secrets"), image, environment, secrets=secrets,
                                          execution_role=f"arn:aws:iam::{PROVIDER_ACCOUNT}:role/secrets-execution")
    name = unique("svc")
    create_service(aws("ecs"), stack, name, definition, 1)
    return stack, name


def _stopped(aws: ClientFactory, stack: Stack, name: str, count: int) -> list[dict[str, Any]] | None:
    """The service's STOPPED tasks once there are ``count`` (ListTasks lists RUNNING ones unless asked)."""
    ecs = aws("ecs")
    arns = ecs.list_tasks(cluster=stack.cluster, desiredStatus="STOPPED")["taskArns"][:100]
    described = ecs.describe_tasks(cluster=stack.cluster, tasks=arns)["tasks"] if arns else []
    stopped = [t for t in described if t["group"] == f"service:{name}" and t["lastStatus"] == "STOPPED"]
    return stopped if len(stopped) >= count else None


def _env_of_running_task(url: str, name: str) -> dict[str, str]:
    [task] = wait_for("the task running", lambda: listed_tasks(url, name), timeout=30)
    return dict(json.loads(served(task["local"], "/env"))["env"])


def test_secrets_manager_and_ssm_values_reach_the_process(emulator: Emulator, aws: ClientFactory) -> None:
    sm, ssm = aws("secretsmanager"), aws("ssm")
    plain = sm.create_secret(Name=unique("app/api-key"), SecretString="s3cr3t-api-key")["ARN"]
    db = sm.create_secret(Name=unique("app/db"), SecretString=json.dumps({"username": "app", "password": "old"}))
    sm.put_secret_value(SecretId=db["ARN"], SecretString=json.dumps({"username": "app", "password": "p@ss"}))
    token = f"/{unique('app')}/token"
    ssm.put_parameter(Name=token, Value="tok-123", Type="SecureString")
    token_arn = ssm.get_parameter(Name=token)["Parameter"]["ARN"]
    flag = unique("app-flag")
    ssm.put_parameter(Name=flag, Value="on", Type="String")
    stack, name = _service(aws, emulator.endpoint_url, {
        "API_KEY": plain,
        "DB_PASSWORD": f"{db['ARN']}:password::",
        "DB_OLD_PASSWORD": f"{db['ARN']}:password:AWSPREVIOUS:",
        "DB_JSON": db["ARN"],
        "TOKEN": token_arn,
        "FLAG": flag,
        "GREETING": plain,
    }, environment={"GREETING": "plain text", "STAGE": "local"})
    env = _env_of_running_task(emulator.endpoint_url, name)
    assert env["API_KEY"] == "s3cr3t-api-key"
    assert env["DB_PASSWORD"] == "p@ss"  # the JSON key of AWSCURRENT
    assert env["DB_OLD_PASSWORD"] == "old"  # version stage selected
    assert json.loads(env["DB_JSON"]) == {"username": "app", "password": "p@ss"}
    assert env["TOKEN"] == "tok-123"  # SecureString, decrypted
    assert env["FLAG"] == "on"  # bare parameter name, the task's own Region
    assert env["STAGE"] == "local" and env["GREETING"] == "s3cr3t-api-key"  # environment beside; the secret wins
    [running] = service_tasks(aws("ecs"), stack.cluster, name)
    assert running["lastStatus"] == "RUNNING"
    # the values are in the process only: not in the task listing nor in the container log
    listing = json.dumps(control(emulator.endpoint_url, "GET", "tasks")[1])
    [task] = listed_tasks(emulator.endpoint_url, name)
    with open(task["log_path"]) as log:
        logged = log.read()
    assert not any(v in listing or v in logged for v in ("s3cr3t-api-key", "p@ss", "tok-123"))


def test_a_missing_secret_stops_the_task_before_it_starts(emulator: Emulator, aws: ClientFactory) -> None:
    missing = f"arn:aws:secretsmanager:{REGION}:{PROVIDER_ACCOUNT}:secret:{unique('nowhere')}-AbCdEf"
    stack, name = _service(aws, emulator.endpoint_url, {"DB_PASSWORD": missing})
    stopped = wait_for("two failed tasks (the service retries)", lambda: _stopped(aws, stack, name, 2), timeout=30)
    for task in stopped:
        assert task["stopCode"] == "TaskFailedToStart"
        assert task["stoppedReason"].startswith(RESOURCE_INIT)
        assert "unable to retrieve secret from asm" in task["stoppedReason"]
        assert missing in task["stoppedReason"] and "ResourceNotFoundException" in task["stoppedReason"]
        assert task["desiredStatus"] == "STOPPED" and "startedAt" not in task
    assert len({t["taskArn"] for t in stopped}) == len(stopped)
    assert listed_tasks(emulator.endpoint_url, name) == []  # no process was started
    assert targets(aws("elbv2"), stack.target_group_arn) == {}  # never registered
    assert service_tasks(aws("ecs"), stack.cluster, name) == []
    enis = aws("ec2").describe_network_interfaces(Filters=[{"Name": "subnet-id", "Values": stack.subnet_ids}])
    assert enis["NetworkInterfaces"] == []  # each failed task's ENI is gone


def test_a_missing_json_key_or_parameter_fails_until_it_exists(emulator: Emulator, aws: ClientFactory) -> None:
    sm, ssm = aws("secretsmanager"), aws("ssm")
    db = sm.create_secret(Name=unique("app/db"), SecretString=json.dumps({"username": "app"}))["ARN"]
    stack, name = _service(aws, emulator.endpoint_url, {"DB_PASSWORD": f"{db}:password::"})
    [first, *_] = wait_for("a failed task", lambda: _stopped(aws, stack, name, 1), timeout=20)
    assert first["stopCode"] == "TaskFailedToStart"
    assert first["stoppedReason"] == (f"{RESOURCE_INIT}: execution resource retrieval failed: unable to retrieve "
                                      "secret from asm: retrieved secret from Secrets Manager did not contain json "
                                      "key password")
    # a new secret value reaches the next task ECS starts (secrets are read at task start)
    sm.put_secret_value(SecretId=db, SecretString=json.dumps({"username": "app", "password": "now-here"}))
    assert _env_of_running_task(emulator.endpoint_url, name)["DB_PASSWORD"] == "now-here"

    parameter = f"/{unique('absent')}/param"
    stack, name = _service(aws, emulator.endpoint_url, {"TOKEN": parameter})
    [first, *_] = wait_for("a failed task", lambda: _stopped(aws, stack, name, 1), timeout=20)
    assert first["stopCode"] == "TaskFailedToStart"
    assert first["stoppedReason"].startswith(f"{RESOURCE_INIT}: execution resource retrieval failed: unable to "
                                             "retrieve secrets from ssm: ")
    assert first["stoppedReason"].endswith(f"invalid ssm parameters: {parameter}")
    ssm.put_parameter(Name=parameter, Value="late", Type="SecureString")
    assert _env_of_running_task(emulator.endpoint_url, name)["TOKEN"] == "late"


def test_value_from_forms() -> None:
    arn = "arn:aws:secretsmanager:eu-west-1:222222222222:secret:db-AbCdEf"
    assert parse(arn, PROVIDER_ACCOUNT, REGION) == SecretsManagerRef("222222222222", "eu-west-1", arn)
    assert parse(f"{arn}:password::", PROVIDER_ACCOUNT, REGION) == SecretsManagerRef(
        "222222222222", "eu-west-1", arn, json_key="password")
    assert parse(f"{arn}::AWSPREVIOUS:", PROVIDER_ACCOUNT, REGION) == SecretsManagerRef(
        "222222222222", "eu-west-1", arn, version_stage="AWSPREVIOUS")
    assert parse(f"{arn}:k::0123-id", PROVIDER_ACCOUNT, REGION) == SecretsManagerRef(
        "222222222222", "eu-west-1", arn, json_key="k", version_id="0123-id")
    assert parse("arn:aws:ssm:eu-west-1:222222222222:parameter/app/token", PROVIDER_ACCOUNT, REGION) == \
        ParameterRef("222222222222", "eu-west-1", "app/token")
    assert parse("/app/token", PROVIDER_ACCOUNT, REGION) == ParameterRef(PROVIDER_ACCOUNT, REGION, "/app/token")
    for bad in (f"{arn}:only-a-key", "arn:aws:s3:::bucket/key", "arn:aws:ssm:eu-west-1:222222222222:document/x"):
        with pytest.raises(SecretUnavailable) as raised:
            parse(bad, PROVIDER_ACCOUNT, REGION)
        assert raised.value.reason.startswith(RESOURCE_INIT)
