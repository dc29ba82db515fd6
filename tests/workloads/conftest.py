"""Fixtures for the workload tests: a real crossgate Emulator (module-scoped) and per-account clients."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from crossgate.emulator import EMULATOR_REGION, Emulator, assume_role_arn, terraform_environment

PROVIDER_ACCOUNT = "111111111111"

ClientFactory = Callable[[str], Any]


def clients_for(emulator: Emulator, account_id: str = PROVIDER_ACCOUNT) -> ClientFactory:
    """``make("ecs")``: a client acting in ``account_id`` (STS assume-role) against ``emulator``."""
    env = terraform_environment(emulator.endpoint_url)
    base = boto3.Session(aws_access_key_id=env["AWS_ACCESS_KEY_ID"], aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
                         region_name=EMULATOR_REGION)
    creds = base.client("sts", endpoint_url=emulator.endpoint_url).assume_role(
        RoleArn=assume_role_arn(account_id), RoleSessionName="workload-tests")["Credentials"]
    session = boto3.Session(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                            aws_session_token=creds["SessionToken"], region_name=EMULATOR_REGION)

    def make(service: str) -> Any:
        return session.client(service, endpoint_url=emulator.endpoint_url)

    return make


@pytest.fixture(scope="module")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    state_dir: Path = tmp_path_factory.mktemp("workloads-emulator")
    with Emulator(state_dir=state_dir) as running:
        yield running


@pytest.fixture(scope="module")
def aws(emulator: Emulator) -> ClientFactory:
    return clients_for(emulator)
