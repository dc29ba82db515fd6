"""What the data plane hands the authorizer hop, and what it gets back."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crossgate.emulator.control import ControlResponse


@dataclass(frozen=True)
class AuthRequest:
    """One gateway request as the authorizer hop sees it (after route selection).

    ``api`` and ``route`` are moto's apigatewayv2 model objects (``route.authorization_type`` is
    ``NONE``/``JWT``/``AWS_IAM``/``CUSTOM``, ``route.authorizer_id``, ``route.authorization_scopes``).
    ``headers`` keys are lower-case; ``raw_path`` is as the client sent it (not decoded).
    """

    account_id: str
    region: str
    api: Any
    route: Any
    stage: str
    method: str
    raw_path: str
    query_string: str
    headers: Mapping[str, str]
    body: bytes
    source_ip: str
    path_parameters: Mapping[str, str] = field(default_factory=dict)
    route_key: str = ""
    request_id: str = ""


@dataclass(frozen=True)
class AuthDecision:
    """Allowed, or the response AWS returns, plus the emulator's own diagnostic line."""

    allowed: bool
    status: int = 200
    body: Mapping[str, Any] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)
    diagnostic: str = ""
    context: Mapping[str, Any] = field(default_factory=dict)
    """What ``$context.authorizer.*`` exposes (JWT claims, Lambda context, IAM principal)."""


class Authorizers:
    """Every authorizer check of the data plane, and the emulator's local OIDC issuer."""

    def __init__(self, work_dir: Path) -> None:
        self.work_dir = work_dir

    def authorize(self, request: AuthRequest) -> AuthDecision:
        """Decide one request. Routes with ``authorizationType`` NONE always pass."""
        kind = (getattr(request.route, "authorization_type", None) or "NONE").upper()
        if kind == "NONE":
            return AuthDecision(allowed=True, diagnostic="route authorization NONE")
        raise NotImplementedError(f"authorization type {kind} is not enforced yet")

    def control(self, method: str, path: str, body: bytes) -> ControlResponse | None:
        """Answer a call under ``/_crossgate/oidc/`` (discovery, JWKS, token minting); None if unknown."""
        return None
