"""boto3 sessions acting in one account of an environment, on real AWS or in the local emulator.

The same credentials rules as the stacks' providers: assume `role_arn`, or use `profile`, or ambient.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import boto3

from crossgate import emulator
from crossgate.config import Credentials


@dataclass
class AccountSessions:
    """Caches one session per (account, role/profile); `client()` builds clients in any region."""

    emulator_url: str | None = None
    _sessions: dict[tuple[str, str | None, str | None], boto3.Session] = field(default_factory=dict)

    def session(self, creds: Credentials) -> boto3.Session:
        key = (creds.account_id, creds.role_arn, creds.profile)
        if key not in self._sessions:
            self._sessions[key] = self._make(creds)
        return self._sessions[key]

    def client(self, creds: Credentials, service: str, region: str | None = None) -> Any:
        return self.session(creds).client(service, region_name=region or creds.region,
                                          endpoint_url=self.emulator_url)

    def _make(self, creds: Credentials) -> boto3.Session:
        if self.emulator_url:
            env = emulator.terraform_environment(self.emulator_url)
            base = boto3.Session(aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
                                 aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"], region_name=creds.region)
            role = creds.role_arn or emulator.assume_role_arn(creds.account_id)
            return _assumed(base, role, self.emulator_url, creds.region)
        if creds.profile:
            return boto3.Session(profile_name=creds.profile, region_name=creds.region)
        base = boto3.Session(region_name=creds.region)
        return _assumed(base, creds.role_arn, None, creds.region) if creds.role_arn else base


def _assumed(base: boto3.Session, role_arn: str, endpoint_url: str | None, region: str) -> boto3.Session:
    sts = base.client("sts", endpoint_url=endpoint_url, region_name=region)
    found = sts.assume_role(RoleArn=role_arn, RoleSessionName="crossgate")["Credentials"]
    return boto3.Session(aws_access_key_id=found["AccessKeyId"], aws_secret_access_key=found["SecretAccessKey"],
                         aws_session_token=found["SessionToken"], region_name=region)
