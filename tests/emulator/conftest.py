"""Fixtures for the emulator tests: one patched moto server per session, and per-account clients."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from crossgate.emulator import EMULATOR_REGION, Emulator, assume_role_arn, terraform_environment

PROVIDER_ACCOUNT = "111111111111"
CENTRAL_ACCOUNT = "222222222222"


@pytest.fixture(scope="session")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    state_dir: Path = tmp_path_factory.mktemp("emulator")
    with Emulator(state_dir=state_dir) as running:
        yield running


@pytest.fixture(scope="session")
def base_session(emulator: Emulator) -> boto3.Session:
    """Session with the fake base credentials (account 123456789012, owner of the state bucket)."""
    env = terraform_environment(emulator.endpoint_url)
    return boto3.Session(
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
        region_name=EMULATOR_REGION,
    )


AccountClient = Callable[[str, str], Any]


@pytest.fixture(scope="session")
def account_client(emulator: Emulator, base_session: boto3.Session) -> AccountClient:
    """``account_client("111111111111", "ec2")``: a client acting in that account via STS assume-role."""
    sessions: dict[str, boto3.Session] = {}

    def make(account_id: str, service: str) -> Any:
        if account_id not in sessions:
            sts = base_session.client("sts", endpoint_url=emulator.endpoint_url)
            creds = sts.assume_role(RoleArn=assume_role_arn(account_id), RoleSessionName="tests")["Credentials"]
            sessions[account_id] = boto3.Session(
                aws_access_key_id=creds["AccessKeyId"],
                aws_secret_access_key=creds["SecretAccessKey"],
                aws_session_token=creds["SessionToken"],
                region_name=EMULATOR_REGION,
            )
        return sessions[account_id].client(service, endpoint_url=emulator.endpoint_url)

    return make
