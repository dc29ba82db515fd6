"""The IAM-enforcing emulator (crossgate.emulator.iam_enforcement): each patch of moto's evaluation, the
base user, the denial log. Unpatched moto 5.2.5 fails the marked checks: a body-less REST request never
verifies (SignatureDoesNotMatch), API Gateway asks for apigateway:GetApis, a scoped Resource never matches."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from crossgate.emulator import EMULATOR_REGION, Emulator, terraform_environment
from crossgate.emulator.iam_enforcement import DeployerRole, IamSetup

ACCOUNT = "111111111111"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/deployer"
TRUST = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:user/crossgate-emulator"},
     "Action": "sts:AssumeRole"}]}
PERMISSIONS = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["elasticfilesystem:DescribeFileSystems", "apigateway:GET"], "Resource": "*"},
    {"Effect": "Allow", "Action": "logs:DescribeLogGroups",
     "Resource": f"arn:aws:logs:{EMULATOR_REGION}:{ACCOUNT}:log-group:*"}]}


@pytest.fixture(scope="module")
def enforcing(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Emulator, Path]]:
    state_dir = tmp_path_factory.mktemp("enforcing")
    setup = IamSetup.assuming(DeployerRole(ACCOUNT, "deployer", TRUST, PERMISSIONS))
    with Emulator(state_dir=state_dir, iam=setup) as running:
        yield running, state_dir


def _clients(url: str) -> tuple[Any, boto3.Session]:
    env = terraform_environment(url)
    base = boto3.Session(aws_access_key_id=env["AWS_ACCESS_KEY_ID"], aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
                         region_name=EMULATOR_REGION)
    found = base.client("sts", endpoint_url=url).assume_role(RoleArn=ROLE, RoleSessionName="check")["Credentials"]
    role = boto3.Session(aws_access_key_id=found["AccessKeyId"], aws_secret_access_key=found["SecretAccessKey"],
                         aws_session_token=found["SessionToken"], region_name=EMULATOR_REGION)
    return base, role


def test_the_base_credentials_are_an_iam_user_limited_to_its_policy(enforcing: tuple[Emulator, Path]) -> None:
    running, _ = enforcing
    base, _ = _clients(running.endpoint_url)
    with pytest.raises(ClientError) as caught:
        base.client("iam", endpoint_url=running.endpoint_url).create_user(UserName="x")
    assert caught.value.response["Error"]["Code"] == "AccessDenied"


def test_allowed_calls_pass_and_others_are_denied(enforcing: tuple[Emulator, Path]) -> None:
    running, state_dir = enforcing
    url = running.endpoint_url
    _, role = _clients(url)
    assert role.client("efs", endpoint_url=url).describe_file_systems()["FileSystems"] == []  # body-less GET
    assert role.client("apigatewayv2", endpoint_url=url).get_apis()["Items"] == []  # apigateway:GET
    assert "logGroups" in role.client("logs", endpoint_url=url).describe_log_groups()  # scoped Resource
    with pytest.raises(ClientError) as caught:
        role.client("ec2", endpoint_url=url).describe_vpcs()
    assert caught.value.response["Error"]["Code"] == "AccessDenied"
    log = (state_dir / "emulator.log").read_text()
    assert f"IAM denied arn:aws:sts::{ACCOUNT}:assumed-role/deployer/check ec2:DescribeVpcs on *" in log
