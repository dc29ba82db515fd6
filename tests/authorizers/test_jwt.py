"""JWT authorizers, one row per rule AWS documents: status, body and www-authenticate header."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from crossgate.emulator.authorizers import Authorizers
from crossgate.emulator.authorizers.issuer import LOCAL_ISSUER_URL, LocalIssuer

from .conftest import Gateway

AUDIENCE = "orders-api"
ROUTE_SCOPES = ["orders.read", "orders.admin"]


def _challenge(description: str) -> str:
    return f'Bearer scope="orders.read orders.admin" error="invalid_token" error_description="{description}"'


def _tamper(token: str) -> str:
    """Same header and signature, payload with another subject."""
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = "mallory"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


def _other_key_token(issuer: LocalIssuer) -> str:
    """A token signed by a key the issuer's JWKS does not hold (another issuer instance, same iss)."""
    import tempfile
    from pathlib import Path

    stranger = LocalIssuer(Path(tempfile.mkdtemp()) / "oidc")
    return stranger.mint(subject="alice", audience=AUDIENCE, scopes=["orders.read"])


TokenFactory = Callable[[LocalIssuer], str]


@dataclass(frozen=True)
class Case:
    name: str
    authorization: TokenFactory | None
    status: int
    body: dict[str, str]
    www_authenticate: str | None = None
    diagnostic: str = ""
    claims: dict[str, object] = field(default_factory=dict)


NOW = int(time.time())
CASES = [
    Case(
        "good token",
        lambda i: "Bearer " + i.mint(subject="alice", audience=AUDIENCE, scopes=["orders.read"]),
        200,
        {},
        diagnostic="token of alice valid",
        claims={"sub": "alice", "aud": AUDIENCE},
    ),
    Case("no token", None, 401, {"message": "Unauthorized"}, diagnostic="no token in $request.header.Authorization"),
    Case(
        "token without Bearer prefix",
        lambda i: i.mint(subject="bob", audience=AUDIENCE, scopes=["orders.admin"]),
        200,
        {},
        claims={"sub": "bob"},
    ),
    Case(
        "wrong issuer",
        lambda i: i.mint(
            subject="a", audience=AUDIENCE, scopes=["orders.read"], extra_claims={"iss": "https://evil.example"}
        ),
        401,
        {"message": "Unauthorized"},
        _challenge("the token does not have a valid issuer"),
        "is not the configured",
    ),
    Case(
        "wrong audience",
        lambda i: i.mint(subject="a", audience="billing", scopes=["orders.read"]),
        401,
        {"message": "Unauthorized"},
        _challenge("the token does not have a valid audience"),
        "matches none",
    ),
    Case(
        "client_id fallback without aud",
        lambda i: i.mint(subject="svc", audience=None, client_id=AUDIENCE, scopes=["orders.read"]),
        200,
        {},
        claims={"client_id": AUDIENCE},
    ),
    Case(
        "client_id ignored when aud is present",
        lambda i: i.mint(subject="svc", audience="billing", client_id=AUDIENCE, scopes=["orders.read"]),
        401,
        {"message": "Unauthorized"},
        _challenge("the token does not have a valid audience"),
    ),
    Case(
        "expired",
        lambda i: i.mint(subject="a", audience=AUDIENCE, scopes=["orders.read"], expires_in=-60),
        401,
        {"message": "Unauthorized"},
        _challenge("the token has expired"),
        "token expired at 20",
    ),
    Case(
        "not yet valid",
        lambda i: i.mint(subject="a", audience=AUDIENCE, scopes=["orders.read"], not_before=NOW + 600),
        401,
        {"message": "Unauthorized"},
        _challenge("the token is not valid yet"),
        "not valid before",
    ),
    Case(
        "issued in the future",
        lambda i: i.mint(subject="a", audience=AUDIENCE, scopes=["orders.read"], extra_claims={"iat": NOW + 600}),
        401,
        {"message": "Unauthorized"},
        _challenge("the token was issued in the future"),
    ),
    Case(
        "missing scope",
        lambda i: i.mint(subject="a", audience=AUDIENCE, scopes=["orders.write"]),
        403,
        {"message": "Forbidden"},
        diagnostic="hold none of the route's",
    ),
    Case(
        "scp claim as a list",
        lambda i: i.mint(subject="a", audience=AUDIENCE, extra_claims={"scp": ["orders.admin"]}),
        200,
        {},
    ),
    Case(
        "tampered signature",
        lambda i: "Bearer " + _tamper(i.mint(subject="a", audience=AUDIENCE, scopes=["orders.read"])),
        401,
        {"message": "Unauthorized"},
        _challenge("the token signature is invalid"),
        "does not verify",
    ),
    Case(
        "unknown kid",
        _other_key_token,
        401,
        {"message": "Unauthorized"},
        _challenge("the token's signing key is not in the issuer's key set"),
        "is not in the JWKS",
    ),
    Case(
        "not a JWT",
        lambda i: "Bearer not-a-token",
        401,
        {"message": "Unauthorized"},
        _challenge("the token is malformed"),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_jwt_authorizer(case: Case, gateway: Gateway, authorizers: Authorizers) -> None:
    authorizer_id = gateway.authorizer(
        Name="corporate",
        AuthorizerType="JWT",
        IdentitySource=["$request.header.Authorization"],
        JwtConfiguration={"Issuer": LOCAL_ISSUER_URL, "Audience": [AUDIENCE]},
    )
    route = gateway.route(
        "GET /orders", AuthorizationType="JWT", AuthorizerId=authorizer_id, AuthorizationScopes=ROUTE_SCOPES
    )
    headers = {} if case.authorization is None else {"Authorization": case.authorization(authorizers.issuer)}

    decision = authorizers.authorize(gateway.request(route, "/orders", headers=headers))

    assert (decision.status, dict(decision.body)) == (case.status, case.body)
    assert decision.allowed is (case.status == 200)
    assert decision.kind == "jwt"
    assert decision.headers.get("www-authenticate") == case.www_authenticate or case.status != 401
    if case.status == 401 and case.www_authenticate is None:
        assert "www-authenticate" not in decision.headers
    assert decision.diagnostic.startswith("jwt authorizer corporate: ")
    assert case.diagnostic in decision.diagnostic
    for name, value in case.claims.items():
        assert decision.context["claims"][name] == value


def test_missing_scope_carries_an_insufficient_scope_challenge(gateway: Gateway, authorizers: Authorizers) -> None:
    authorizer_id = gateway.authorizer(
        Name="corporate",
        AuthorizerType="JWT",
        IdentitySource=["$request.header.Authorization"],
        JwtConfiguration={"Issuer": LOCAL_ISSUER_URL, "Audience": [AUDIENCE]},
    )
    route = gateway.route(
        "GET /orders", AuthorizationType="JWT", AuthorizerId=authorizer_id, AuthorizationScopes=["orders.read"]
    )
    token = authorizers.issuer.mint(subject="a", audience=AUDIENCE, scopes=["other"])
    decision = authorizers.authorize(gateway.request(route, "/orders", headers={"Authorization": token}))
    assert decision.status == 403
    assert 'error="insufficient_scope"' in decision.headers["www-authenticate"]


def test_route_without_scopes_accepts_any_scope(gateway: Gateway, authorizers: Authorizers) -> None:
    authorizer_id = gateway.authorizer(
        Name="corporate",
        AuthorizerType="JWT",
        IdentitySource=["$request.querystring.token"],
        JwtConfiguration={"Issuer": LOCAL_ISSUER_URL, "Audience": [AUDIENCE]},
    )
    route = gateway.route("GET /orders", AuthorizationType="JWT", AuthorizerId=authorizer_id)
    token = authorizers.issuer.mint(subject="a", audience=AUDIENCE)
    decision = authorizers.authorize(gateway.request(route, "/orders", query=f"token={token}"))
    assert decision.allowed, decision.diagnostic
    assert decision.context["scopes"] is None


def test_unreachable_issuer_is_401_and_says_how_to_use_the_local_one(
    gateway: Gateway, authorizers: Authorizers
) -> None:
    authorizers.jwks.timeout_s = 0.5
    authorizer_id = gateway.authorizer(
        Name="okta",
        AuthorizerType="JWT",
        IdentitySource=["$request.header.Authorization"],
        JwtConfiguration={"Issuer": "http://127.0.0.1:9/oauth", "Audience": [AUDIENCE]},
    )
    route = gateway.route("GET /orders", AuthorizationType="JWT", AuthorizerId=authorizer_id)
    token = authorizers.issuer.mint(subject="a", audience=AUDIENCE, extra_claims={"iss": "http://127.0.0.1:9/oauth"})
    decision = authorizers.authorize(gateway.request(route, "/orders", headers={"Authorization": token}))
    assert (decision.status, dict(decision.body)) == (401, {"message": "Unauthorized"})
    assert "could not be fetched" in decision.diagnostic
    assert LOCAL_ISSUER_URL in decision.diagnostic and "/_crossgate/oidc/token" in decision.diagnostic


def test_none_routes_pass(gateway: Gateway, authorizers: Authorizers) -> None:
    route = gateway.route("GET /health")
    decision = authorizers.authorize(gateway.request(route, "/health"))
    assert decision.allowed and decision.status == 200
