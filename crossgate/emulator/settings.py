"""What the emulator is to its clients: its fixed names, fake credentials and the settings that point
terraform's aws provider, its S3 backend and boto3 at it. Real targets never receive any of these."""

from __future__ import annotations

import os
from collections.abc import Mapping

STATE_BUCKET = "crossgate-tfstate"
"""S3 bucket (in the emulator, base account) holding every emulator env's Terraform state."""

EMULATOR_REGION = "us-west-1"
"""Region of the state bucket and the default for emulator envs; any region works for stacks."""

BASE_ACCOUNT_ID = "123456789012"
"""Account that owns the fake base credentials (moto's default); it holds only the state bucket."""

FAKE_ACCESS_KEY_ID = "AKIACROSSGATEEMULATOR"
FAKE_SECRET_ACCESS_KEY = "crossgate-emulator-secret"  # not a secret: moto accepts any key

HOST = "127.0.0.1"

HOP_HEADER = "x-crossgate-hop"
"""The emulator's own diagnostic header on every gateway response: ``<hop>; <why>`` (AWS sends none)."""

# Endpoints of the aws provider pointed at the emulator: every service the modules use, plus
# the ones a small extension is likely to touch. Keys are the provider's canonical names.
PROVIDER_ENDPOINT_SERVICES: tuple[str, ...] = (
    "acm",
    "apigateway",
    "apigatewayv2",
    "autoscaling",
    "cloudwatch",
    "dynamodb",
    "ec2",
    "ecr",
    "ecs",
    "efs",
    "elbv2",
    "events",
    "iam",
    "kms",
    "lambda",
    "logs",
    "route53",
    "s3",
    "secretsmanager",
    "servicediscovery",
    "sns",
    "sqs",
    "ssm",
    "sts",
)

_CHILD_ENV = {
    # IAM managed policies (AmazonECSTaskExecutionRolePolicy, ...) must exist for attachments.
    "MOTO_IAM_LOAD_MANAGED_POLICIES": "true",
}


def provider_settings(endpoint_url: str) -> dict[str, object]:
    """Extra arguments for a ``provider "aws"`` block (Terraform JSON) targeting the emulator.

    The block carries the emulator's fake base credentials itself, so a synthesized emulator stack works with
    plain ``terraform init && terraform plan`` (or ``cdktf deploy``) and nothing but the emulator: parameters
    in the provider configuration come first in the provider's credential chain ("Authentication and
    Configuration": provider parameters, then environment variables, then shared files, ...), so the caller's
    real ``AWS_*`` credentials never reach an emulator run either. ``skip_requesting_account_id`` stays false so
    ARNs carry the assumed role's account. Real targets must never receive these settings.
    """
    return {
        "access_key": FAKE_ACCESS_KEY_ID,
        "secret_key": FAKE_SECRET_ACCESS_KEY,
        "endpoints": [{service: endpoint_url for service in PROVIDER_ENDPOINT_SERVICES}],
        "s3_use_path_style": True,
        "skip_credentials_validation": True,
        "skip_metadata_api_check": True,
        "skip_region_validation": True,
        "skip_requesting_account_id": False,
    }


def backend_settings(endpoint_url: str) -> dict[str, object]:
    """Arguments for the S3 backend storing state in the emulator (the caller adds ``key``).

    ``use_lockfile`` relies on S3 conditional writes (``If-None-Match: *``), which moto honours. The fake
    credentials are in the block (the S3 backend's ``access_key``/``secret_key``, ahead of the environment as
    for the provider), so the backend and the ``terraform_remote_state`` copied from it need no ``AWS_*``.
    """
    return {
        "bucket": STATE_BUCKET,
        "access_key": FAKE_ACCESS_KEY_ID,
        "secret_key": FAKE_SECRET_ACCESS_KEY,
        "region": EMULATOR_REGION,
        "use_lockfile": True,
        "endpoints": {"s3": endpoint_url, "sts": endpoint_url},
        "use_path_style": True,
        "skip_credentials_validation": True,
        "skip_metadata_api_check": True,
        "skip_region_validation": True,
        "skip_requesting_account_id": True,
    }


def terraform_environment(endpoint_url: str, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """Environment for terraform (and boto3) against the emulator: fake base credentials.

    Without ``base`` this returns only the variables to set. With ``base`` (e.g. ``os.environ``)
    it returns a complete environment in which every inherited ``AWS_*`` variable (profiles,
    session tokens, real endpoints) is dropped first, so nothing real leaks into an emulator run.
    """
    overrides = {
        "AWS_ACCESS_KEY_ID": FAKE_ACCESS_KEY_ID,
        "AWS_SECRET_ACCESS_KEY": FAKE_SECRET_ACCESS_KEY,
        "AWS_REGION": EMULATOR_REGION,
        "AWS_DEFAULT_REGION": EMULATOR_REGION,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    }
    if base is None:
        return overrides
    kept = {k: v for k, v in base.items() if not k.startswith("AWS_")}
    return {**kept, **overrides}


def blanked_aws_environment(base: Mapping[str, str]) -> dict[str, str]:
    """Every ``AWS_*`` variable of ``base`` set to empty, which the AWS SDKs (and so terraform) treat as unset.

    For a runner that must keep the caller's real AWS settings (profile, keys, config files) out of an emulator
    run while injecting nothing: the emulator stacks carry their own credentials. A profile named by
    ``AWS_PROFILE`` is loaded even next to static credentials, and fails when the emulator run's machine lacks it.
    """
    return {name: "" for name in base if name.startswith("AWS_")}


def assume_role_arn(account_id: str, role_name: str = "crossgate") -> str:
    """Role to assume in an emulated account; moto's STS needs no such role to exist."""
    if not (len(account_id) == 12 and account_id.isdigit()):
        raise ValueError(f"account id must be 12 digits, got {account_id!r}")
    return f"arn:aws:iam::{account_id}:role/{role_name}"
