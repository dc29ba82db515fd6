"""ECS RegisterTaskDefinition against the running emulator: container secrets need a task execution role.

The refusal fails on unpatched moto 5.2.5 (it registers the definition); the control registers either way.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError
from conftest import PROVIDER_ACCOUNT, AccountClient

SECRET = f"arn:aws:secretsmanager:us-east-1:{PROVIDER_ACCOUNT}:secret:db-AbCdEf"
REFUSAL = "When you are specifying container secrets, you must also specify a value for 'executionRoleArn'."


def _register(ecs: Any, family: str, **extra: Any) -> dict[str, Any]:
    return dict(ecs.register_task_definition(
        family=family, networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256", memory="512",
        containerDefinitions=[{"name": "app", "image": "app:1", "essential": True,
                               "secrets": [{"name": "DB_PASSWORD", "valueFrom": SECRET}]}], **extra)["taskDefinition"])


def test_secrets_without_an_execution_role_are_refused(account_client: AccountClient) -> None:
    ecs = account_client(PROVIDER_ACCOUNT, "ecs")
    family = f"secrets-{uuid.uuid4().hex[:8]}"
    with pytest.raises(ClientError) as raised:
        _register(ecs, family)
    error = raised.value.response["Error"]
    assert (error["Code"], error["Message"]) == ("ClientException", REFUSAL)
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert ecs.list_task_definitions(familyPrefix=family)["taskDefinitionArns"] == []  # no revision taken


def test_secrets_with_an_execution_role_register(account_client: AccountClient) -> None:
    ecs = account_client(PROVIDER_ACCOUNT, "ecs")
    role = f"arn:aws:iam::{PROVIDER_ACCOUNT}:role/app-execution"
    definition = _register(ecs, f"secrets-{uuid.uuid4().hex[:8]}", executionRoleArn=role)
    assert definition["executionRoleArn"] == role
    assert definition["containerDefinitions"][0]["secrets"] == [{"name": "DB_PASSWORD", "valueFrom": SECRET}]
