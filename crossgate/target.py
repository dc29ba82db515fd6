"""Where one command acts: real AWS, or the embedded emulator at a URL. Decided once per command.

Everything that differs between the two is asked of a :class:`Target`: the extra arguments of the
stacks' aws providers, their backend, terraform's environment, boto3 sessions and the gateway URL a
client calls. Real targets get nothing of the emulator's (no endpoints, no fake credentials).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from crossgate import emulator, names

if TYPE_CHECKING:
    from crossgate.config import Environment
    from crossgate.ops.aws_sessions import AccountSessions

PLACEHOLDER_EMULATOR_URL = "http://127.0.0.1:4566"
"""Synthesizing an emulator env with no emulator running (to read or validate it) needs some URL;
commands that reach the emulator always pass the running one's."""

GATEWAY_PATH = "/_crossgate/execute-api"
"""The emulator serves API ``<id>`` at ``<emulator url>/_crossgate/execute-api/<id>`` (also by Host
``<id>.execute-api.localhost``), since a local client cannot resolve ``*.execute-api.amazonaws.com``."""


@dataclass(frozen=True)
class Target:
    """Real AWS (``kind="aws"``) or the emulator (``kind="emulator"``, at ``emulator_url`` once known)."""

    kind: Literal["aws", "emulator"]
    emulator_url: str | None = None

    @classmethod
    def for_env(cls, env: Environment, emulator_url: str | None = None) -> Target:
        if env.config.target == "emulator":
            return cls("emulator", emulator_url)
        return cls("aws")

    @property
    def is_emulator(self) -> bool:
        return self.kind == "emulator"

    @property
    def url(self) -> str:
        """The emulator's URL (a placeholder until one runs); only for emulator targets."""
        if not self.is_emulator:
            raise ValueError("a real AWS target has no emulator URL")
        return self.emulator_url or PLACEHOLDER_EMULATOR_URL

    def provider_extras(self) -> dict[str, object]:
        """Extra arguments of every ``provider "aws"`` block (endpoints, path-style S3, ...)."""
        return emulator.provider_settings(self.url) if self.is_emulator else {}

    def emulator_backend(self, env_name: str, stack: str) -> dict[str, object] | None:
        """The S3 backend in the emulator's state bucket; None on real AWS (the env file says)."""
        if not self.is_emulator:
            return None
        return {**emulator.backend_settings(self.url), "key": names.state_key(env_name, stack)}

    def terraform_env(self) -> dict[str, str]:
        """Variables terraform runs with on top of the caller's environment.

        Nothing for either target: an emulator stack carries the emulator's fake credentials, endpoints and
        skip flags itself (emulator.provider_settings/backend_settings), so plain ``terraform`` and
        ``cdktf deploy`` work in its folder too. For the emulator, the caller's own ``AWS_*`` variables are
        blanked (the AWS SDKs treat an empty variable as unset): an exported ``AWS_PROFILE`` of a real account
        would otherwise still be looked up, and fail, next to the stack's static credentials.
        """
        return emulator.blanked_aws_environment(os.environ) if self.is_emulator else {}

    def sessions(self) -> AccountSessions:
        from crossgate.ops.aws_sessions import AccountSessions

        return AccountSessions(emulator_url=self.emulator_url if self.is_emulator else None)

    def gateway_url(self, api_id: str, api_endpoint: str) -> str:
        """The URL a client calls: AWS's execute-api endpoint, or the emulator's local one."""
        if self.is_emulator:
            return f"{self.url}{GATEWAY_PATH}/{api_id}"
        return api_endpoint
