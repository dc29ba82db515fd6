"""Signing keys per issuer, as API Gateway finds them: the issuer's ``jwks_uri`` from its OpenID discovery
document (AWS, "Control access to HTTP APIs with JWT authorizers": "Check the token's algorithm and signature
by using the public key that is fetched from the issuer's jwks_uri").

The local issuer's keys are read directly. Any other issuer is fetched with a short timeout and cached on
this object for a few minutes; how long AWS caches a JWKS is not documented.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from typing import Any

from jwt import PyJWK, PyJWKSet
from jwt.exceptions import PyJWKError, PyJWKSetError

from crossgate.emulator.authorizers.issuer import LocalIssuer

FETCH_TIMEOUT_S = 2.0
CACHE_TTL_S = 300.0


class JwksUnavailable(Exception):
    """The issuer's keys could not be fetched or parsed."""


class JwksCache:
    """Keys by issuer; ``keys(issuer)`` maps ``kid`` to a key PyJWT can verify with."""

    def __init__(self, local: LocalIssuer, timeout_s: float = FETCH_TIMEOUT_S) -> None:
        self.local = local
        self.timeout_s = timeout_s
        self._lock = threading.Lock()
        self._remote: dict[str, tuple[float, dict[str, PyJWK]]] = {}

    def is_local(self, issuer: str) -> bool:
        """True for the emulator's own issuer (with or without a trailing slash)."""
        return issuer.rstrip("/") == self.local.issuer_url.rstrip("/")

    def keys(self, issuer: str) -> dict[str, PyJWK]:
        """``kid`` -> key for this issuer; raises :class:`JwksUnavailable`."""
        if self.is_local(issuer):
            return _parse(self.local.jwks())
        with self._lock:
            cached = self._remote.get(issuer)
            if cached is not None and time.monotonic() - cached[0] < CACHE_TTL_S:
                return cached[1]
        keys = _parse(self._fetch_jwks(issuer))
        with self._lock:
            self._remote[issuer] = (time.monotonic(), keys)
        return keys

    def _fetch_jwks(self, issuer: str) -> Any:
        discovery_url = issuer.rstrip("/") + "/.well-known/openid-configuration"
        discovery = self._get_json(discovery_url)
        jwks_uri = discovery.get("jwks_uri") if isinstance(discovery, dict) else None
        if not isinstance(jwks_uri, str) or not jwks_uri:
            raise JwksUnavailable(f"{discovery_url} names no jwks_uri")
        return self._get_json(jwks_uri)

    def _get_json(self, url: str) -> Any:
        if not url.startswith(("https://", "http://")):
            raise JwksUnavailable(f"{url} is not an http(s) URL")
        try:
            with urllib.request.urlopen(url, timeout=self.timeout_s) as response:  # only http(s), checked above
                return json.loads(response.read(1_000_000))
        except (OSError, ValueError) as error:
            raise JwksUnavailable(f"could not fetch {url}: {error}") from error


def _parse(document: Any) -> dict[str, PyJWK]:
    try:
        key_set = PyJWKSet.from_dict(document)
    except (PyJWKError, PyJWKSetError, KeyError, TypeError) as error:
        raise JwksUnavailable(f"the JWKS is not usable: {error}") from error
    return {key.key_id: key for key in key_set.keys if key.key_id}
