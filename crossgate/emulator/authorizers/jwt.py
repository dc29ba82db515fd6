"""JWT authorizers, validated the way AWS documents them for HTTP APIs.

AWS, "Control access to HTTP APIs with JWT authorizers in API Gateway", workflow: (1) take the token from
the identity source, alone or prefixed with ``Bearer``; (2) decode it; (3) check its algorithm and signature
with the public key from the issuer's ``jwks_uri`` ("only RSA-based algorithms are supported"); (4) validate
``kid`` (must name a key of the JWKS), ``iss`` (must match the configured issuer), ``aud`` or ``client_id``
(must match a configured audience; ``client_id`` only when ``aud`` is absent — "Troubleshooting issues with
HTTP API JWT authorizers"), ``exp`` (after now, UTC), ``nbf`` and ``iat`` (before now, UTC), and ``scope`` or
``scp`` (at least one of the route's authorization scopes). Any failure: 401 {"message":"Unauthorized"} with
``www-authenticate: Bearer scope="" error="invalid_token" error_description="..."``; a missing scope: 403.
Claims are exposed as ``$context.authorizer.claims.*``.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import jwt as pyjwt
from jwt.exceptions import InvalidSignatureError, PyJWTError

from crossgate.emulator.authorizers.decision import AuthDecision, AuthRequest
from crossgate.emulator.authorizers.identity import DEFAULT_JWT_IDENTITY_SOURCE, identity_sources, resolve
from crossgate.emulator.authorizers.issuer import LOCAL_ISSUER_URL
from crossgate.emulator.authorizers.jwks import JwksCache, JwksUnavailable
from crossgate.emulator.authorizers.responses import allow, forbidden, unauthorized

RSA_ALGORITHMS = ("RS256", "RS384", "RS512")

# error_description values. Only "the token does not have a valid audience" is documented by AWS (JWT
# troubleshooting page); the others follow its wording and may differ from what AWS sends.
INVALID_AUDIENCE = "the token does not have a valid audience"
INVALID_ISSUER = "the token does not have a valid issuer"
EXPIRED = "the token has expired"
NOT_YET_VALID = "the token is not valid yet"
ISSUED_IN_FUTURE = "the token was issued in the future"
MALFORMED = "the token is malformed"
BAD_SIGNATURE = "the token signature is invalid"
UNKNOWN_KEY = "the token's signing key is not in the issuer's key set"
UNSUPPORTED_ALGORITHM = "the token's signing algorithm is not supported"
NO_KEYS = "the issuer's signing keys could not be fetched"
INSUFFICIENT_SCOPE = "the token does not have the required scope"


class _Rejected(Exception):
    """One failed check: the error_description for the client and the emulator's diagnostic."""

    def __init__(self, description: str, detail: str) -> None:
        super().__init__(detail)
        self.description = description
        self.detail = detail


def authorize_jwt(request: AuthRequest, authorizer: Any, jwks: JwksCache) -> AuthDecision:
    """Validate the request's token against the authorizer's issuer, audiences and the route's scopes."""
    name = getattr(authorizer, "name", None) or getattr(authorizer, "id", "?")
    prefix = f"jwt authorizer {name}"
    route_scopes = [str(scope) for scope in (getattr(request.route, "authorization_scopes", None) or [])]
    source = identity_sources(authorizer, DEFAULT_JWT_IDENTITY_SOURCE)[0]
    raw = resolve(request, source)
    if raw is None:
        # AWS documents the 401 for a missing identity source; whether a www-authenticate header comes
        # with it is not documented, so the emulator sends none.
        return unauthorized("jwt", f"{prefix}: no token in {source}")
    token = _strip_bearer(raw)
    issuer, audiences = _jwt_configuration(authorizer)
    try:
        claims = _validate(token, issuer, audiences, jwks)
    except _Rejected as rejected:
        return unauthorized("jwt", f"{prefix}: {rejected.detail}", _challenge(route_scopes, rejected.description))
    scopes = _token_scopes(claims)
    if route_scopes and not set(route_scopes) & set(scopes):
        # AWS documents 403 {"message":"Forbidden"}; the challenge header follows RFC 6750 section 3.1
        # (insufficient_scope) and is the emulator's choice: AWS does not document one for this case.
        header = _challenge(route_scopes, INSUFFICIENT_SCOPE, error="insufficient_scope")
        return forbidden(
            "jwt", f"{prefix}: token scopes {scopes or '(none)'} hold none of the route's {route_scopes}", header
        )
    subject = claims.get("sub", "?")
    return allow("jwt", f"{prefix}: token of {subject} valid", {"claims": claims, "scopes": scopes or None})


def _validate(token: str, issuer: str, audiences: Sequence[str], jwks: JwksCache) -> dict[str, Any]:
    """Signature first, then the claims in the order AWS lists them; raises :class:`_Rejected`."""
    try:
        header = pyjwt.get_unverified_header(token)
    except PyJWTError as error:
        raise _Rejected(MALFORMED, f"token is not a JWS ({error})") from error
    algorithm = header.get("alg")
    if algorithm not in RSA_ALGORITHMS:
        raise _Rejected(UNSUPPORTED_ALGORITHM, f"token algorithm {algorithm!r}; only RSA ({', '.join(RSA_ALGORITHMS)})")
    try:
        keys = jwks.keys(issuer)
    except JwksUnavailable as error:
        raise _Rejected(
            NO_KEYS,
            f"the JWKS of issuer {issuer} could not be fetched ({error}); to use the emulator's own issuer, "
            f"set jwt_configuration.issuer = {LOCAL_ISSUER_URL} and get tokens from POST /_crossgate/oidc/token",
        ) from error
    kid = header.get("kid")
    key = keys.get(kid) if isinstance(kid, str) else None
    if key is None:
        raise _Rejected(UNKNOWN_KEY, f"token kid {kid!r} is not in the JWKS of {issuer} (kids: {sorted(keys)})")
    try:
        claims: dict[str, Any] = pyjwt.decode(
            token,
            key.key,
            algorithms=[str(algorithm)],
            options={
                "verify_exp": False,
                "verify_nbf": False,
                "verify_iat": False,
                "verify_aud": False,
                "verify_iss": False,
            },
        )
    except InvalidSignatureError as error:
        raise _Rejected(BAD_SIGNATURE, f"token signature does not verify with key {kid}") from error
    except PyJWTError as error:
        raise _Rejected(MALFORMED, f"token could not be decoded ({error})") from error
    _check_claims(claims, issuer, audiences, time.time())
    return claims


def _check_claims(claims: Mapping[str, Any], issuer: str, audiences: Sequence[str], now: float) -> None:
    if claims.get("iss") != issuer:
        raise _Rejected(INVALID_ISSUER, f"token iss {claims.get('iss')!r} is not the configured issuer {issuer!r}")
    _check_audience(claims, audiences)
    exp, nbf, iat = (_numeric(claims, name) for name in ("exp", "nbf", "iat"))
    # AWS documents no clock-skew leeway, so none is applied. A token without exp is not rejected: AWS
    # only says exp "must be after the current time" (whether it is required is not documented).
    if exp is not None and exp <= now:
        raise _Rejected(EXPIRED, f"token expired at {_when(exp)}")
    if nbf is not None and nbf > now:
        raise _Rejected(NOT_YET_VALID, f"token not valid before {_when(nbf)}")
    if iat is not None and iat > now:
        raise _Rejected(ISSUED_IN_FUTURE, f"token issued in the future, at {_when(iat)}")


def _check_audience(claims: Mapping[str, Any], audiences: Sequence[str]) -> None:
    """``aud`` when present (a string or a list), else ``client_id``."""
    if "aud" in claims:
        aud = claims["aud"]
        values = [aud] if isinstance(aud, str) else [str(item) for item in aud] if isinstance(aud, list) else []
        if not set(values) & set(audiences):
            raise _Rejected(INVALID_AUDIENCE, f"token aud {values} matches none of the audiences {list(audiences)}")
        return
    client_id = claims.get("client_id")
    if client_id is None or str(client_id) not in audiences:
        raise _Rejected(
            INVALID_AUDIENCE, f"token has no aud and its client_id {client_id!r} is not in {list(audiences)}"
        )


def _numeric(claims: Mapping[str, Any], name: str) -> float | None:
    value = claims.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _Rejected(MALFORMED, f"token claim {name} is not a NumericDate: {value!r}")
    return float(value)


def _token_scopes(claims: Mapping[str, Any]) -> list[str]:
    """``scope`` (space-separated, RFC 6749 section 3.3) or ``scp`` (a list or a string)."""
    for name in ("scope", "scp"):
        value = claims.get(name)
        if isinstance(value, str):
            return value.split()
        if isinstance(value, list):
            return [str(item) for item in value]
    return []


def _jwt_configuration(authorizer: Any) -> tuple[str, list[str]]:
    """(issuer, audiences) from moto's stored ``jwtConfiguration`` (keys in either case)."""
    config: Mapping[str, Any] = getattr(authorizer, "jwt_config", None) or {}
    lowered = {str(key).lower(): value for key, value in config.items()}
    audience = lowered.get("audience") or []
    audiences = [audience] if isinstance(audience, str) else [str(item) for item in audience]
    return str(lowered.get("issuer") or ""), audiences


def _strip_bearer(value: str) -> str:
    """The identity source holds the token alone or prefixed with ``Bearer `` (AWS, JWT workflow step 1)."""
    value = value.strip()
    if value[:7].lower() == "bearer ":
        return value[7:].strip()
    return value


def _challenge(route_scopes: Sequence[str], description: str, error: str = "invalid_token") -> dict[str, str]:
    """``Bearer scope="..." error="..." error_description="..."`` exactly as AWS's troubleshooting page shows
    it. AWS's example has ``scope=""``; the emulator fills in the route's scopes, space-separated (RFC 6750)."""
    scope = " ".join(route_scopes)
    return {"www-authenticate": f'Bearer scope="{scope}" error="{error}" error_description="{description}"'}


def _when(numeric_date: float) -> str:
    return datetime.fromtimestamp(numeric_date, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
