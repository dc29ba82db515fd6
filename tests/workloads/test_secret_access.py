"""In an IAM-enforcing emulator ECS reads a task's secrets as its execution role (workloads/secret_access.py).

One enforcing emulator (module-scoped): the tests act through an admin role of the provider account, create
execution roles with inline and attached managed policies, secrets and parameters, and start one service per
case. A role allowed exactly its secret and parameter gets a running task that sees both; a secret outside its
policy, an explicit Deny (in a managed policy) or a missing role stops the task before it starts
(TaskFailedToStart). The non-enforcing behaviour (the role named, not checked) is tests/workloads/test_secrets.py.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from crossgate.emulator import EMULATOR_REGION, Emulator, terraform_environment
from crossgate.emulator.iam_enforcement import DeployerRole, IamSetup
from crossgate.emulator.workloads.secret_access import decision, execution_role, parameter_arn
from crossgate.emulator.workloads.secrets import ParameterRef
from tests.workloads.builders import (
    TINY_SERVER,
    Stack,
    control,
    create_service,
    listed_tasks,
    make_stack,
    register_task_definition,
    served,
    unique,
    wait_for,
)
from tests.workloads.conftest import PROVIDER_ACCOUNT, ClientFactory

ADMIN = f"arn:aws:iam::{PROVIDER_ACCOUNT}:role/workloads-admin"
ALL = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
TRUST_BASE_USER = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:user/crossgate-emulator"},
     "Action": "sts:AssumeRole"}]}
TRUST_ECS_TASKS = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
RESOURCE_INIT = ("ResourceInitializationError: unable to pull secrets or registry auth: execution resource "
                 "retrieval failed: ")


@pytest.fixture(scope="module")
def enforcing(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Emulator, Path]]:
    state_dir = tmp_path_factory.mktemp("secret-access")
    setup = IamSetup.assuming(DeployerRole(PROVIDER_ACCOUNT, "workloads-admin", TRUST_BASE_USER, ALL))
    with Emulator(state_dir=state_dir, iam=setup) as running:
        yield running, state_dir


@pytest.fixture(scope="module")
def aws(enforcing: tuple[Emulator, Path]) -> ClientFactory:
    url = enforcing[0].endpoint_url
    env = terraform_environment(url)
    base = boto3.Session(aws_access_key_id=env["AWS_ACCESS_KEY_ID"], aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
                         region_name=EMULATOR_REGION)
    found = base.client("sts", endpoint_url=url).assume_role(RoleArn=ADMIN, RoleSessionName="tests")["Credentials"]
    session = boto3.Session(aws_access_key_id=found["AccessKeyId"], aws_secret_access_key=found["SecretAccessKey"],
                            aws_session_token=found["SessionToken"], region_name=EMULATOR_REGION)

    def make(service: str) -> Any:
        return session.client(service, endpoint_url=url)

    return make


@pytest.fixture(scope="module")
def material(aws: ClientFactory) -> dict[str, str]:
    """Two secrets, a parameter; role ``allowed`` may read exactly the first secret (inline) and the parameter
    (attached managed policy); role ``denied`` may read everything but a managed policy denies the parameter."""
    sm, ssm, iam = aws("secretsmanager"), aws("ssm"), aws("iam")
    mine = sm.create_secret(Name=unique("app/api-key"), SecretString="s3cr3t")["ARN"]
    other = sm.create_secret(Name=unique("other/api-key"), SecretString="not-yours")["ARN"]
    token = f"/{unique('app')}/token"
    ssm.put_parameter(Name=token, Value="tok-123", Type="SecureString")
    token_arn = ssm.get_parameter(Name=token)["Parameter"]["ARN"]

    def role(name: str, inline: list[dict[str, Any]], managed: list[dict[str, Any]]) -> str:
        arn = str(iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(TRUST_ECS_TASKS))["Role"]["Arn"])
        iam.put_role_policy(RoleName=name, PolicyName="secrets", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": inline}))
        policy = iam.create_policy(PolicyName=unique(name), PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": managed}))["Policy"]["Arn"]
        iam.attach_role_policy(RoleName=name, PolicyArn=policy)
        return arn

    allowed = role(unique("exec-allowed"),
                   [{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": mine}],
                   [{"Effect": "Allow", "Action": "ssm:GetParameters", "Resource": token_arn}])
    denied = role(unique("exec-denied"),
                  [{"Effect": "Allow", "Action": ["secretsmanager:GetSecretValue", "ssm:GetParameters"],
                    "Resource": "*"}],
                  [{"Effect": "Deny", "Action": "ssm:*", "Resource": f"arn:aws:ssm:*:*:parameter{token}"}])
    return {"mine": mine, "other": other, "token": token, "token_arn": token_arn, "allowed": allowed,
            "denied": denied}


def _service(aws: ClientFactory, url: str, secrets: dict[str, str], role: str | None) -> tuple[Stack, str]:
    image = f"registry.example/{unique('secret-access')}:1"
    status, body = control(url, "PUT", "images", {"image": image, "command": [
        "{python}", TINY_SERVER, "--host", "{host}", "--port", "{port}"]})
    assert status == 200, body
    stack = make_stack(aws("ec2"), aws("elbv2"), aws("ecs"), uuid.uuid4().int % 200 + 20)
    definition = register_task_definition(aws("ecs"), unique("secret-access"), image, secrets=secrets,
                                          execution_role=role)
    name = unique("svc")
    create_service(aws("ecs"), stack, name, definition, 1)
    return stack, name


def _first_stopped(aws: ClientFactory, stack: Stack, name: str) -> dict[str, Any]:
    def stopped() -> dict[str, Any] | None:
        ecs = aws("ecs")
        arns = ecs.list_tasks(cluster=stack.cluster, desiredStatus="STOPPED")["taskArns"][:100]
        described = ecs.describe_tasks(cluster=stack.cluster, tasks=arns)["tasks"] if arns else []
        return next((t for t in described if t["group"] == f"service:{name}" and t["lastStatus"] == "STOPPED"), None)

    task = wait_for("a task that failed to start", stopped, timeout=30)
    assert task["stopCode"] == "TaskFailedToStart" and "startedAt" not in task
    return task


def test_a_role_allowed_exactly_its_secrets_runs_the_task(enforcing: tuple[Emulator, Path], aws: ClientFactory,
                                                          material: dict[str, str]) -> None:
    url = enforcing[0].endpoint_url
    _, name = _service(aws, url, {"API_KEY": material["mine"], "TOKEN": material["token"]}, material["allowed"])
    [task] = wait_for("the task running", lambda: listed_tasks(url, name), timeout=30)
    seen = json.loads(served(task["local"], "/env"))["env"]
    assert seen["API_KEY"] == "s3cr3t"  # inline Allow on exactly that secret ARN
    assert seen["TOKEN"] == "tok-123"  # bare name -> parameter ARN, allowed by the attached managed policy


def test_a_secret_outside_the_policy_stops_the_task_with_access_denied(
        enforcing: tuple[Emulator, Path], aws: ClientFactory, material: dict[str, str]) -> None:
    running, state_dir = enforcing
    stack, name = _service(aws, running.endpoint_url, {"API_KEY": material["other"]}, material["allowed"])
    task = _first_stopped(aws, stack, name)
    task_id = task["taskArn"].rsplit("/", 1)[-1]
    role_name = material["allowed"].rsplit("/", 1)[-1]
    session = f"arn:aws:sts::{PROVIDER_ACCOUNT}:assumed-role/{role_name}/{task_id}"
    other = material["other"]
    assert task["stoppedReason"].startswith(
        f"{RESOURCE_INIT}unable to retrieve secret from asm: service call has been retried 1 time(s): failed to "
        f"fetch secret {other} from secrets manager: AccessDeniedException: User: {session} is not authorized to "
        f"perform: secretsmanager:GetSecretValue on resource: {other} because no identity-based policy allows the "
        "secretsmanager:GetSecretValue action status code: 400, request id: ")
    assert "not-yours" not in json.dumps(task, default=str)
    assert listed_tasks(running.endpoint_url, name) == []  # no process was started
    log = (state_dir / "emulator.log").read_text()
    assert f"IAM denied {session} secretsmanager:GetSecretValue on {other} (task execution role)" in log


def test_an_explicit_deny_in_a_managed_policy_wins(aws: ClientFactory, enforcing: tuple[Emulator, Path],
                                                   material: dict[str, str]) -> None:
    secrets = {"API_KEY": material["mine"], "TOKEN": material["token_arn"]}
    stack, name = _service(aws, enforcing[0].endpoint_url, secrets, material["denied"])
    reason = _first_stopped(aws, stack, name)["stoppedReason"]
    assert reason.startswith(f"{RESOURCE_INIT}unable to retrieve secrets from ssm: service call has been retried 1 "
                             "time(s): AccessDeniedException: User: ")
    assert (f"is not authorized to perform: ssm:GetParameters on resource: {material['token_arn']} with an explicit "
            "deny in an identity-based policy status code: 400") in reason


def test_a_missing_role_stops_the_task(aws: ClientFactory, enforcing: tuple[Emulator, Path],
                                      material: dict[str, str]) -> None:
    url = enforcing[0].endpoint_url
    ghost = f"arn:aws:iam::{PROVIDER_ACCOUNT}:role/{unique('never-created')}"
    stack, name = _service(aws, url, {"API_KEY": material["mine"]}, ghost)
    assert _first_stopped(aws, stack, name)["stoppedReason"].startswith(
        f"ECS was unable to assume the role '{ghost}' that was provided for this task.")


def test_decision_follows_moto_evaluation() -> None:
    secret = "arn:aws:secretsmanager:us-west-1:111111111111:secret:db-AbCdEf"
    allow = json.dumps({"Statement": [{"Effect": "Allow", "Action": "secretsmanager:Get*",
                                       "Resource": "arn:aws:secretsmanager:*:111111111111:secret:db-*"}]})
    deny = json.dumps({"Statement": {"Effect": "Deny", "NotAction": "ssm:*", "Resource": "*"}})
    assert decision([allow], "secretsmanager:GetSecretValue", secret) == "allowed"
    assert decision([allow], "secretsmanager:GetSecretValue", secret.replace(":db-", ":web-")) == "implicit"
    assert decision([allow, deny], "secretsmanager:GetSecretValue", secret) == "explicit"
    assert decision([], "ssm:GetParameters", "arn:aws:ssm:us-west-1:111111111111:parameter/x") == "implicit"


def test_role_and_parameter_arns() -> None:
    role = execution_role("arn:aws:iam::222222222222:role/service-role/exec", PROVIDER_ACCOUNT, "t1")
    assert (role.account_id, role.name, role.session_arn) == (
        "222222222222", "exec", "arn:aws:sts::222222222222:assumed-role/exec/t1")
    bare = execution_role("exec", PROVIDER_ACCOUNT, "t1")
    assert bare.by_name and bare.arn == f"arn:aws:iam::{PROVIDER_ACCOUNT}:role/exec"
    assert parameter_arn(ParameterRef(PROVIDER_ACCOUNT, "us-west-1", "/app/token:3")) == \
        f"arn:aws:ssm:us-west-1:{PROVIDER_ACCOUNT}:parameter/app/token"
    assert parameter_arn(ParameterRef(PROVIDER_ACCOUNT, "us-west-1", "flag")) == \
        f"arn:aws:ssm:us-west-1:{PROVIDER_ACCOUNT}:parameter/flag"
