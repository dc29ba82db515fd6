"""The local OIDC issuer: its control endpoints, its key's persistence and the tokens it mints."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import jwt

from crossgate.emulator.authorizers import Authorizers
from crossgate.emulator.authorizers.issuer import LOCAL_ISSUER_URL


def _json(response: object) -> dict[str, object]:
    body = getattr(response, "body", b"")
    return dict(json.loads(body))


def test_discovery_names_the_fixed_issuer_and_its_jwks(tmp_path: Path) -> None:
    response = Authorizers(tmp_path).control("GET", "/_crossgate/oidc/.well-known/openid-configuration", b"")
    assert response is not None and response.status == 200
    document = _json(response)
    assert document["issuer"] == LOCAL_ISSUER_URL == "https://oidc.crossgate.localhost"
    assert document["jwks_uri"] == f"{LOCAL_ISSUER_URL}/.well-known/jwks.json"


def test_jwks_has_one_rsa_key_with_a_kid(tmp_path: Path) -> None:
    response = Authorizers(tmp_path).control("GET", "/_crossgate/oidc/.well-known/jwks.json", b"")
    assert response is not None and response.status == 200
    keys = _json(response)["keys"]
    assert isinstance(keys, list) and len(keys) == 1
    key = keys[0]
    assert key["kty"] == "RSA" and key["alg"] == "RS256" and key["use"] == "sig" and key["kid"]


def test_token_endpoint_mints_a_verifiable_token(tmp_path: Path) -> None:
    authorizers = Authorizers(tmp_path)
    request = {"audience": "orders", "scopes": ["orders.read"], "subject": "alice", "expires_in": 120}
    response = authorizers.control("POST", "/_crossgate/oidc/token", json.dumps(request).encode())
    assert response is not None and response.status == 200
    answer = _json(response)
    assert answer["token_type"] == "Bearer" and answer["expires_in"] == 120
    token = str(answer["access_token"])
    assert jwt.get_unverified_header(token)["kid"] == authorizers.issuer.kid
    claims = jwt.decode(token, authorizers.issuer.private_key.public_key(), algorithms=["RS256"], audience="orders")
    assert claims["iss"] == LOCAL_ISSUER_URL and claims["sub"] == "alice" and claims["scope"] == "orders.read"
    assert claims["exp"] - claims["iat"] == 120


def test_key_is_private_and_survives_a_restart(tmp_path: Path) -> None:
    first = Authorizers(tmp_path)
    token = first.issuer.mint(subject="alice", audience="orders")
    (key_file,) = (tmp_path / "oidc").iterdir()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    second = Authorizers(tmp_path)  # a restarted emulator, same work dir
    assert second.issuer.kid == first.issuer.kid
    jwt.decode(token, second.issuer.private_key.public_key(), algorithms=["RS256"], audience="orders")


def test_bad_token_request_is_400_and_unknown_paths_are_not_ours(tmp_path: Path) -> None:
    authorizers = Authorizers(tmp_path)
    bad = authorizers.control("POST", "/_crossgate/oidc/token", b'{"expires_in": "soon"}')
    assert bad is not None and bad.status == 400
    wrong_method = authorizers.control("GET", "/_crossgate/oidc/token", b"")
    assert wrong_method is not None and wrong_method.status == 405
    assert authorizers.control("GET", "/_crossgate/oidc/nothing", b"") is None
