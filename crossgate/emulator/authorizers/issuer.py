"""The emulator's own OpenID Connect issuer: one RSA key pair, its JWKS, and token minting.

The issuer URL is a constant, independent of the emulator's port, so an authorizer configured with it
(``jwt_configuration { issuer = LOCAL_ISSUER_URL }``) shows no Terraform diff after a restart. The key pair
is generated once and kept (0600) under the emulator's work dir, which sits in its state dir, so tokens
minted before a restart still validate after it. Nothing is ever fetched from this URL: the JWT authorizer
recognises it and reads the keys from this object.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

LOCAL_ISSUER_URL = "https://oidc.crossgate.localhost"
"""``iss`` of every token the emulator mints; configure JWT authorizers with exactly this issuer."""

SIGNING_ALGORITHM = "RS256"
KEY_FILE = "signing-key.pem"


class LocalIssuer:
    """Holds the signing key (loaded or created on first use) and mints RS256 access tokens."""

    def __init__(self, key_dir: Path, issuer_url: str = LOCAL_ISSUER_URL) -> None:
        self.key_dir = key_dir
        self.issuer_url = issuer_url
        self._lock = threading.Lock()
        self._key: rsa.RSAPrivateKey | None = None
        self._kid = ""

    @property
    def private_key(self) -> rsa.RSAPrivateKey:
        """The RSA key, read from ``key_dir`` or generated there (0600) the first time."""
        with self._lock:
            if self._key is None:
                self._key = _load_or_create(self.key_dir / KEY_FILE)
                self._kid = _thumbprint(self._public_jwk(self._key))
            return self._key

    @property
    def kid(self) -> str:
        """Key id: the RFC 7638 thumbprint of the public key (stable across restarts)."""
        self.private_key  # noqa: B018 - loads the key and sets the kid
        return self._kid

    def jwks(self) -> dict[str, Any]:
        """The JSON Web Key Set API Gateway would fetch from ``jwks_uri``."""
        key = dict(self._public_jwk(self.private_key))
        key.update({"kid": self.kid, "use": "sig", "alg": SIGNING_ALGORITHM})
        return {"keys": [key]}

    def discovery(self) -> dict[str, Any]:
        """The OpenID Provider metadata (``/.well-known/openid-configuration``); ``issuer`` must equal the URL."""
        return {
            "issuer": self.issuer_url,
            "jwks_uri": f"{self.issuer_url}/.well-known/jwks.json",
            "token_endpoint": f"{self.issuer_url}/token",
            "response_types_supported": ["token"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": [SIGNING_ALGORITHM],
            "grant_types_supported": ["client_credentials"],
        }

    def mint(
        self,
        *,
        subject: str,
        audience: str | Sequence[str] | None,
        scopes: Sequence[str] = (),
        expires_in: int = 3600,
        client_id: str | None = None,
        not_before: int | None = None,
        extra_claims: Mapping[str, Any] | None = None,
    ) -> str:
        """A signed access token. ``expires_in`` may be negative (an already expired token, for tests);
        ``not_before`` is an absolute NumericDate; ``extra_claims`` override anything, ``iss`` included."""
        now = int(time.time())
        claims: dict[str, Any] = {"iss": self.issuer_url, "sub": subject, "iat": now, "exp": now + expires_in}
        if audience is not None:
            claims["aud"] = audience if isinstance(audience, str) else list(audience)
        if scopes:
            claims["scope"] = " ".join(scopes)
        if client_id is not None:
            claims["client_id"] = client_id
        if not_before is not None:
            claims["nbf"] = not_before
        claims.update(extra_claims or {})
        import jwt  # PyJWT, imported here so that importing LOCAL_ISSUER_URL needs nothing beyond the stdlib

        return jwt.encode(claims, self.private_key, algorithm=SIGNING_ALGORITHM, headers={"kid": self.kid})

    @staticmethod
    def _public_jwk(key: rsa.RSAPrivateKey) -> Mapping[str, Any]:
        """RFC 7518 section 6.3.1: modulus and exponent as unsigned big-endian base64url (no padding)."""
        numbers = key.public_key().public_numbers()
        return {"kty": "RSA", "n": _b64url_uint(numbers.n), "e": _b64url_uint(numbers.e)}


def _load_or_create(path: Path) -> rsa.RSAPrivateKey:
    """Read the PEM key, or generate a 2048-bit one and write it with mode 0600 (atomically)."""
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, rsa.RSAPrivateKey):
            raise ValueError(f"{path} does not hold an RSA private key")
        return key
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    os.replace(tmp, path)
    return key


def _b64url_uint(value: int) -> str:
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _thumbprint(jwk: Mapping[str, Any]) -> str:
    """RFC 7638 JWK thumbprint: SHA-256 of the required members in lexicographic order, base64url."""
    canonical = json.dumps({"e": jwk["e"], "kty": jwk["kty"], "n": jwk["n"]}, separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
