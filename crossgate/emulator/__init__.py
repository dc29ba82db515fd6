"""The embedded AWS emulator: a patched moto server on 127.0.0.1 holding several accounts.

crossgate's default target. Each Terraform stack assumes a role in its own account through the
emulator's STS (moto issues keys owned by the account in the role ARN), so one emulator holds
the provider accounts and the central account at once. State lives in the emulator's own S3.

What lives here: ``settings`` (names, fake credentials, provider/backend settings), ``launcher``
(start/stop the child), ``child`` (the server process), ``state`` (persistence across restarts),
``patches/`` (one module per AWS service where moto differs from AWS).
"""

from crossgate.emulator.launcher import Emulator, EmulatorError, serve_foreground
from crossgate.emulator.settings import (
    BASE_ACCOUNT_ID,
    EMULATOR_REGION,
    FAKE_ACCESS_KEY_ID,
    FAKE_SECRET_ACCESS_KEY,
    HOST,
    PROVIDER_ENDPOINT_SERVICES,
    STATE_BUCKET,
    assume_role_arn,
    backend_settings,
    blanked_aws_environment,
    provider_settings,
    terraform_environment,
)

__all__ = [
    "BASE_ACCOUNT_ID",
    "EMULATOR_REGION",
    "FAKE_ACCESS_KEY_ID",
    "FAKE_SECRET_ACCESS_KEY",
    "HOST",
    "PROVIDER_ENDPOINT_SERVICES",
    "STATE_BUCKET",
    "Emulator",
    "EmulatorError",
    "assume_role_arn",
    "backend_settings",
    "blanked_aws_environment",
    "provider_settings",
    "serve_foreground",
    "terraform_environment",
]
