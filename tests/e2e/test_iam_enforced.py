"""envs/local.yaml deployed by the roles ``crossgate iam`` generates, in an emulator that enforces IAM.

The emulator (crossgate.emulator.iam_enforcement) runs moto's own policy evaluation: the fake base credentials
are an IAM user (the CI identity) allowed only sts:AssumeRole on the deployer roles and the S3 backend's
state + lock objects; each account's deployer role holds exactly the generated trust and permissions policy.
What this proves and what it cannot (moto's limits, from moto/iam/access_control.py):

* every action terraform's aws provider calls to create, read and destroy the stacks is in the generated
  policies (a missing one fails the deploy with AccessDenied), and actions outside them are refused;
* S3 is checked per bucket/object ARN, so the state statements are checked for real;
* resources of other services are NOT checked (moto evaluates them as ``*``; the emulator then matches any
  Resource), so the prefix-scoped ARNs are not proven here; neither are conditions, the cross-account trust
  policies (moto checks a trust policy only for a same-account AssumeRole), nor implied actions
  (iam:PassRole, iam:CreateServiceLinkedRole), which AWS checks and moto does not.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError

from crossgate import emulator, names
from crossgate.config import load_environment
from crossgate.emulator.iam_enforcement import BASE_USER, DeployerRole, IamSetup
from crossgate.emulator.settings import BASE_ACCOUNT_ID, STATE_BUCKET
from crossgate.iam import account_policies, env_inventories, state_statements
from crossgate.paths import ENVS
from tests.e2e.conftest import Deployment, deploy

pytestmark = [pytest.mark.e2e, pytest.mark.terraform]

CI_USER_ARN = f"arn:aws:iam::{BASE_ACCOUNT_ID}:user/{BASE_USER}"


def _setup(tmp: Path) -> IamSetup:
    env = load_environment(ENVS / "local.yaml")
    policies = account_policies(env, env_inventories(env, tmp / "iam-synth"), github_repo=None,
                                principals=[CI_USER_ARN])
    roles = tuple(DeployerRole(p.account_id, p.role_arn.split("/")[-1], p.trust, p.permissions) for p in policies)
    stacks = names.stack_names(env.name, env.config.services)
    base_user_policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": [p.role_arn for p in policies]},
        # the emulator's backend keeps state in its own bucket with the base credentials
        *state_statements(STATE_BUCKET, [names.state_key(env.name, stack) for stack in stacks]),
    ]}
    return IamSetup(roles, base_user_policy)


@pytest.fixture(scope="module")
def enforced(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[emulator.Emulator, Deployment]]:
    tmp = tmp_path_factory.mktemp("iam-enforced")
    running = emulator.Emulator(state_dir=tmp / "emulator", iam=_setup(tmp))
    running.start()
    try:
        deployment = deploy(ENVS / "local.yaml", running.endpoint_url, tmp / "cdktf.out")
        yield running, deployment
    finally:
        running.stop()


def _denied(call: object) -> str:
    with pytest.raises(ClientError) as caught:
        call()  # type: ignore[operator]
    return str(caught.value.response["Error"]["Code"])


def test_deploy_with_the_generated_policies_succeeds(enforced: tuple[emulator.Emulator, Deployment]) -> None:
    _, deployment = enforced
    assert [o.stack for o in deployment.outcomes if not o.ok] == [], \
        "\n".join(o.detail[-2000:] for o in deployment.outcomes if not o.ok)
    assert deployment.outputs()[names.central_stack("local")]["api_id"]


def test_an_action_outside_the_policy_is_denied(enforced: tuple[emulator.Emulator, Deployment]) -> None:
    _, deployment = enforced
    central_iam = deployment.central_client("iam")
    assert _denied(lambda: central_iam.create_user(UserName="intruder")) == "AccessDenied"
    # SNS is a service no stack manages
    assert _denied(lambda: deployment.provider_client("employee", "sns").create_topic(Name="x")) == "AccessDenied"
    # EC2, but an action the modules never call
    assert _denied(lambda: deployment.central_client("ec2").create_key_pair(KeyName="k")) in ("AccessDenied",
                                                                                               "UnauthorizedOperation")


def test_the_ci_identity_reaches_only_this_envs_state(enforced: tuple[emulator.Emulator, Deployment]) -> None:
    running, _ = enforced
    env = emulator.terraform_environment(running.endpoint_url)
    s3 = boto3.client("s3", endpoint_url=running.endpoint_url, region_name=env["AWS_REGION"],
                      aws_access_key_id=env["AWS_ACCESS_KEY_ID"], aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"])
    key = names.state_key("local", names.central_stack("local"))
    assert s3.get_object(Bucket=STATE_BUCKET, Key=key)["Body"].read()
    assert _denied(lambda: s3.get_object(Bucket=STATE_BUCKET, Key="other-env/x.tfstate")) == "AccessDenied"
    assert _denied(lambda: s3.put_object(Bucket=STATE_BUCKET, Key="other-env/x.tfstate", Body=b"{}")) \
        == "AccessDenied"
    # and it may not act in the accounts itself: only assume the deployer roles
    iam = boto3.client("iam", endpoint_url=running.endpoint_url, region_name=env["AWS_REGION"],
                       aws_access_key_id=env["AWS_ACCESS_KEY_ID"], aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"])
    assert _denied(lambda: iam.list_roles()) == "AccessDenied"


def test_destroy_with_the_generated_policies_succeeds(enforced: tuple[emulator.Emulator, Deployment]) -> None:
    _, deployment = enforced
    outcomes = deployment.orchestrator.run("destroy")
    assert [o.stack for o in outcomes if not o.ok] == [], "\n".join(o.detail[-2000:] for o in outcomes if not o.ok)
