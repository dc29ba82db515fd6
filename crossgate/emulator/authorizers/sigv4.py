"""Signature Version 4 verification for ``execute-api``, from the signing spec (no crypto of our own:
HMAC-SHA256 and SHA-256 from the standard library).

AWS IAM User Guide, "Create a signed AWS API request" and "Elements of an AWS API request signature": the
canonical request is ``METHOD\\nURI\\nQUERY\\nHEADERS\\n\\nSIGNED_HEADERS\\nHEX(SHA256(payload))``, where the
URI is normalized and each segment URI-encoded twice (every service but S3), the query parameters are
sorted and URI-encoded, and headers are lower-cased, trimmed and space-collapsed. The string to sign is
``AWS4-HMAC-SHA256\\n<X-Amz-Date>\\n<date>/<region>/<service>/aws4_request\\nHEX(SHA256(canonical request))``;
the key is derived by HMAC chaining ``"AWS4"+secret`` over date, region, service and ``aws4_request``.
Requests are signed in the Authorization header or presigned in the query string (``X-Amz-*``).
Error texts are those of "Troubleshoot signed requests for AWS APIs".
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import quote, unquote

from botocore.utils import normalize_url_path

ALGORITHM = "AWS4-HMAC-SHA256"
SERVICE = "execute-api"
AMZ_DATE_FORMAT = "%Y%m%dT%H%M%SZ"
CLOCK_SKEW = timedelta(minutes=5)
"""How far X-Amz-Date may be from the service's clock (AWS signing docs: a signature is valid for 5 minutes)."""


class SignatureError(Exception):
    """A signed request AWS would refuse before looking at its signature; ``error_type`` is the
    ``x-amzn-errortype`` (IncompleteSignatureException, InvalidSignatureException)."""

    def __init__(self, message: str, error_type: str = "IncompleteSignatureException") -> None:
        super().__init__(message)
        self.message = message
        self.error_type = error_type


@dataclass(frozen=True)
class SignedRequest:
    """The signature elements a request carries."""

    access_key_id: str
    scope_date: str
    region: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str
    amz_date: str
    security_token: str | None
    presigned: bool
    expires_s: int | None = None

    @property
    def scope(self) -> str:
        return f"{self.scope_date}/{self.region}/{self.service}/aws4_request"


@dataclass(frozen=True)
class HttpRequest:
    """What SigV4 covers of one request; ``headers`` keys lower-case, ``raw_path`` as sent."""

    method: str
    raw_path: str
    query_string: str
    headers: Mapping[str, str]
    body: bytes


def parse(request: HttpRequest) -> SignedRequest | None:
    """The signature elements, None for an unsigned request; raises :class:`SignatureError` if malformed."""
    query = _query_pairs(request.query_string)
    params = dict(query)
    if "X-Amz-Signature" in params or "X-Amz-Credential" in params:
        return _parse_presigned(params)
    authorization = request.headers.get("authorization")
    if authorization is None:
        return None
    return _parse_header(authorization, request.headers)


def check_scope(signed: SignedRequest, region: str) -> None:
    """The credential scope must name this region and ``execute-api`` and match the request date."""
    if signed.service != SERVICE:
        raise SignatureError(
            f"Credential should be scoped to correct service: '{SERVICE}'. ", "InvalidSignatureException"
        )
    if signed.region != region:
        raise SignatureError(
            f"Credential should be scoped to a valid region, not '{signed.region}'. ", "InvalidSignatureException"
        )
    if signed.amz_date[:8] != signed.scope_date:
        raise SignatureError(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
            f"'{signed.scope_date}' != '{signed.amz_date[:8]}', from '{signed.amz_date}'.",
            "InvalidSignatureException",
        )


def check_time(signed: SignedRequest, now: datetime) -> None:
    """Refuse a request whose date is more than 5 minutes off, or a presigned URL past X-Amz-Expires."""
    when = _amz_datetime(signed.amz_date)
    stamp = now.strftime(AMZ_DATE_FORMAT)
    if signed.presigned and signed.expires_s is not None and now > when + timedelta(seconds=signed.expires_s):
        # The exact text AWS uses for an expired presigned execute-api URL is not documented.
        limit = (now - timedelta(seconds=signed.expires_s)).strftime(AMZ_DATE_FORMAT)
        raise SignatureError(
            f"Signature expired: {signed.amz_date} is now earlier than {limit} ({stamp} - {signed.expires_s} sec.)",
            "InvalidSignatureException",
        )
    if not signed.presigned and when < now - CLOCK_SKEW:
        limit = (now - CLOCK_SKEW).strftime(AMZ_DATE_FORMAT)
        raise SignatureError(
            f"Signature expired: {signed.amz_date} is now earlier than {limit} ({stamp} - 5 min.)",
            "InvalidSignatureException",
        )
    if when > now + CLOCK_SKEW:
        limit = (now + CLOCK_SKEW).strftime(AMZ_DATE_FORMAT)
        raise SignatureError(
            f"Signature not yet current: {signed.amz_date} is still later than {limit} ({stamp} + 5 min.)",
            "InvalidSignatureException",
        )


@dataclass(frozen=True)
class Expected:
    """What the signature should have been, and the strings AWS echoes back on a mismatch."""

    signature: str
    canonical_request: str
    string_to_sign: str

    def matches(self, signed: SignedRequest) -> bool:
        return hmac.compare_digest(self.signature.encode(), signed.signature.lower().encode())


def expected_signature(request: HttpRequest, signed: SignedRequest, secret_access_key: str) -> Expected:
    """Recompute the signature the way the signer should have."""
    canonical = canonical_request(request, signed)
    to_sign = "\n".join([ALGORITHM, signed.amz_date, signed.scope, _sha256(canonical.encode())])
    key = _signing_key(secret_access_key, signed.scope_date, signed.region, signed.service)
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    return Expected(signature, canonical, to_sign)


def canonical_request(request: HttpRequest, signed: SignedRequest) -> str:
    """The canonical request string of the SigV4 spec."""
    path = request.raw_path.split("?", 1)[0] or "/"
    uri = quote(normalize_url_path(path), safe="/~")
    pairs = [(key, value) for key, value in _query_pairs(request.query_string) if key != "X-Amz-Signature"]
    encoded = sorted((quote(key, safe="-_.~"), quote(value, safe="-_.~")) for key, value in pairs)
    query = "&".join(f"{key}={value}" for key, value in encoded)
    headers = "".join(f"{name}:{_header_value(request.headers.get(name, ''))}\n" for name in signed.signed_headers)
    payload = request.headers.get("x-amz-content-sha256", "")
    if payload != "UNSIGNED-PAYLOAD":
        payload = _sha256(request.body)
    return "\n".join([request.method.upper(), uri, query, headers, ";".join(signed.signed_headers), payload])


def _parse_header(authorization: str, headers: Mapping[str, str]) -> SignedRequest:
    algorithm, _, rest = authorization.strip().partition(" ")
    parts: dict[str, str] = {}
    for item in rest.split(","):
        name, equals, value = item.strip().partition("=")
        if equals:
            parts[name.strip()] = value.strip()
    required = ("Credential", "Signature", "SignedHeaders")
    missing = [name for name in required if name not in parts]
    if algorithm != ALGORITHM or missing:
        absent = missing if algorithm == ALGORITHM else list(required)
        message = " ".join(f"Authorization header requires '{name}' parameter." for name in absent)
        raise SignatureError(f"{message} Authorization={authorization}")
    amz_date = headers.get("x-amz-date") or _from_http_date(headers.get("date"))
    if not amz_date:
        raise SignatureError(
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
            f"Authorization={authorization}"
        )
    return _signed(
        parts["Credential"],
        parts["SignedHeaders"],
        parts["Signature"],
        amz_date,
        headers.get("x-amz-security-token"),
        presigned=False,
        expires=None,
    )


def _parse_presigned(params: Mapping[str, str]) -> SignedRequest:
    required = ("X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-SignedHeaders", "X-Amz-Date")
    missing = [name for name in required if name not in params]
    if missing:
        raise SignatureError(" ".join(f"AWS query-string parameters must include '{name}'." for name in missing))
    if params["X-Amz-Algorithm"] != ALGORITHM:
        raise SignatureError(f"X-Amz-Algorithm only supports '{ALGORITHM}'")
    expires = params.get("X-Amz-Expires")
    return _signed(
        params["X-Amz-Credential"],
        params["X-Amz-SignedHeaders"],
        params["X-Amz-Signature"],
        params["X-Amz-Date"],
        params.get("X-Amz-Security-Token"),
        presigned=True,
        expires=int(expires) if expires and expires.isdigit() else None,
    )


def _signed(
    credential: str,
    signed_headers: str,
    signature: str,
    amz_date: str,
    token: str | None,
    presigned: bool,
    expires: int | None,
) -> SignedRequest:
    fields = credential.split("/")
    if len(fields) != 5 or fields[4] != "aws4_request":
        raise SignatureError(
            f"Credential should be scoped with a valid terminator: 'aws4_request', not '{fields[-1]}'. "
            if len(fields) == 5
            else f"Credential parameter is malformed: '{credential}'."
        )
    try:
        _amz_datetime(amz_date)
    except ValueError as error:
        raise SignatureError(
            f"X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\": {amz_date}"
        ) from error
    names = tuple(name.strip().lower() for name in signed_headers.split(";") if name.strip())
    return SignedRequest(
        fields[0], fields[1], fields[2], fields[3], names, signature.strip(), amz_date, token, presigned, expires
    )


def _query_pairs(query_string: str) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for item in query_string.split("&"):
        if item:
            key, _, value = item.partition("=")
            pairs.append((unquote(key), unquote(value)))
    return pairs


def _header_value(value: str) -> str:
    return " ".join(value.split())


def _from_http_date(value: str | None) -> str:
    if not value:
        return ""
    try:
        return parsedate_to_datetime(value).astimezone(UTC).strftime(AMZ_DATE_FORMAT)
    except (TypeError, ValueError):
        return ""


def _amz_datetime(amz_date: str) -> datetime:
    return datetime.strptime(amz_date, AMZ_DATE_FORMAT).replace(tzinfo=UTC)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _signing_key(secret: str, date: str, region: str, service: str) -> bytes:
    key = ("AWS4" + secret).encode()
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key
