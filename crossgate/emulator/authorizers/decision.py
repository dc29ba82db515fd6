"""What the data plane hands the authorizer hop, and what it gets back."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crossgate.emulator.control import ControlResponse

if TYPE_CHECKING:
    from crossgate.emulator.authorizers.issuer import LocalIssuer
    from crossgate.emulator.authorizers.jwks import JwksCache
    from crossgate.emulator.authorizers.lambda_authorizer import LambdaAuthorizer


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
    wire_path: str = ""
    """The path as it crossed the wire when that differs from ``raw_path``: a client of the emulator's
    ``/_crossgate/execute-api/<id>/...`` URL signs that full path (SigV4 covers the URI it sent)."""
    stage_variables: Mapping[str, str] = field(default_factory=dict)
    """The stage's variables (``$stageVariables.name`` identity sources, Lambda authorizer payloads)."""
    domain_name: str = ""
    """Host the client called (``requestContext.domainName`` of Lambda authorizer payloads)."""


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
    kind: str = "none"
    """Which authorizer decided: ``none``, ``jwt``, ``iam`` or ``lambda`` (where the payload puts ``context``:
    ``requestContext.authorizer.jwt`` / ``.iam`` / ``.lambda`` in payload format 2.0)."""


class Authorizers:
    """Every authorizer check of the data plane, and the emulator's local OIDC issuer.

    All state (signing key, JWKS and Lambda result caches) lives on this instance; the helpers load lazily
    so constructing it costs nothing and a data plane that never authorizes never touches ``work_dir``.
    """

    def __init__(self, work_dir: Path) -> None:
        self.work_dir = work_dir
        self._issuer: LocalIssuer | None = None
        self._jwks: JwksCache | None = None
        self._lambda: LambdaAuthorizer | None = None

    @property
    def issuer(self) -> LocalIssuer:
        """The emulator's own OpenID Connect issuer (key pair kept under ``work_dir/oidc``)."""
        if self._issuer is None:
            from crossgate.emulator.authorizers.issuer import LocalIssuer

            self._issuer = LocalIssuer(self.work_dir / "oidc")
        return self._issuer

    @property
    def jwks(self) -> JwksCache:
        """Signing keys per issuer: the local issuer's directly, others fetched over OIDC discovery."""
        if self._jwks is None:
            from crossgate.emulator.authorizers.jwks import JwksCache

            self._jwks = JwksCache(self.issuer)
        return self._jwks

    @property
    def lambda_authorizer(self) -> LambdaAuthorizer:
        """Lambda REQUEST authorizers, run locally, with their result cache."""
        if self._lambda is None:
            from crossgate.emulator.authorizers.lambda_authorizer import LambdaAuthorizer

            self._lambda = LambdaAuthorizer(self.work_dir / "lambda")
        return self._lambda

    def authorize(self, request: AuthRequest) -> AuthDecision:
        """Decide one request. Routes with ``authorizationType`` NONE always pass."""
        kind = (getattr(request.route, "authorization_type", None) or "NONE").upper()
        if kind == "NONE":
            return AuthDecision(allowed=True, diagnostic="route authorization NONE")
        if kind == "AWS_IAM":
            from crossgate.emulator.authorizers.iam_auth import authorize_iam

            return authorize_iam(request)
        authorizer = _route_authorizer(request)
        if authorizer is None:
            from crossgate.emulator.authorizers.responses import internal_error

            return internal_error(
                kind.lower(),
                f"route {request.route_key or '?'} names authorizer {request.route.authorizer_id!r}, "
                "which the API does not have",
            )
        if kind == "JWT":
            from crossgate.emulator.authorizers.jwt import authorize_jwt

            return authorize_jwt(request, authorizer, self.jwks)
        if kind == "CUSTOM":
            return self.lambda_authorizer.authorize(request, authorizer)
        from crossgate.emulator.authorizers.responses import internal_error

        return internal_error("none", f"authorization type {kind} is not one API Gateway HTTP APIs know")

    def control(self, method: str, path: str, body: bytes) -> ControlResponse | None:
        """Answer a call under ``/_crossgate/oidc/`` (discovery, JWKS, token minting); None if unknown."""
        from crossgate.emulator.authorizers.oidc_endpoints import answer

        return answer(self.issuer, method, path, body)


def _route_authorizer(request: AuthRequest) -> Any | None:
    """The moto Authorizer object the route names, or None."""
    authorizer_id = getattr(request.route, "authorizer_id", None)
    authorizers: Mapping[str, Any] = getattr(request.api, "authorizers", {}) or {}
    return authorizers.get(authorizer_id) if authorizer_id else None
