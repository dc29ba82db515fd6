"""The local issuer's HTTP face under ``/_crossgate/oidc/``: discovery, JWKS and a token endpoint.

``POST /_crossgate/oidc/token`` takes JSON ``{"audience", "scopes", "subject", "expires_in", "client_id",
"not_before", "extra_claims"}`` (all optional) and answers ``{"access_token", "token_type": "Bearer",
"expires_in"}``. It is the emulator's own convenience, not an OAuth 2.0 grant.
"""

from __future__ import annotations

import json
from typing import Any

from crossgate.emulator.authorizers.issuer import LocalIssuer
from crossgate.emulator.control import ControlResponse

PREFIX = "/_crossgate/oidc"
DISCOVERY = f"{PREFIX}/.well-known/openid-configuration"
JWKS = f"{PREFIX}/.well-known/jwks.json"
TOKEN = f"{PREFIX}/token"


def answer(issuer: LocalIssuer, method: str, path: str, body: bytes) -> ControlResponse | None:
    """Route one control call; None for a path that is not the issuer's."""
    path = path.split("?", 1)[0].rstrip("/")
    method = method.upper()
    if path == DISCOVERY:
        return _json(200, issuer.discovery()) if method == "GET" else _not_allowed("GET")
    if path == JWKS:
        return _json(200, issuer.jwks()) if method == "GET" else _not_allowed("GET")
    if path == TOKEN:
        return _mint(issuer, body) if method == "POST" else _not_allowed("POST")
    return None


def _mint(issuer: LocalIssuer, body: bytes) -> ControlResponse:
    try:
        request = json.loads(body or b"{}")
        if not isinstance(request, dict):
            raise ValueError("the body must be a JSON object")
        expires_in = int(request.get("expires_in", 3600))
        scopes = request.get("scopes") or []
        if isinstance(scopes, str):
            scopes = scopes.split()
        extra = request.get("extra_claims") or {}
        if not isinstance(extra, dict):
            raise ValueError("extra_claims must be a JSON object")
        not_before = request.get("not_before")
        token = issuer.mint(
            subject=str(request.get("subject", "crossgate-user")),
            audience=request.get("audience"),
            scopes=[str(scope) for scope in scopes],
            expires_in=expires_in,
            client_id=request.get("client_id"),
            not_before=None if not_before is None else int(not_before),
            extra_claims=extra,
        )
    except (ValueError, TypeError) as error:
        return _json(400, {"message": f"bad token request: {error}"})
    return _json(200, {"access_token": token, "token_type": "Bearer", "expires_in": expires_in})


def _json(status: int, payload: Any) -> ControlResponse:
    return ControlResponse(status, json.dumps(payload).encode())


def _not_allowed(allowed: str) -> ControlResponse:
    return ControlResponse(
        405,
        json.dumps({"message": "Method Not Allowed"}).encode(),
        {"content-type": "application/json", "allow": allowed},
    )
