"""How a client proves who it is to the gateway: a bearer token (JWT routes) or a SigV4 signature (IAM routes)."""

from __future__ import annotations

from collections.abc import Generator
from urllib.parse import urlsplit

import httpx
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


class BearerAuth(httpx.Auth):
    """``Authorization: Bearer <token>`` on every request."""

    def __init__(self, token: str) -> None:
        self.token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self.token}"
        yield request


class SigV4ExecuteApiAuth(httpx.Auth):
    """Signs every request for service ``execute-api`` in ``region`` (what IAM-authorized routes require)."""

    requires_request_body = True

    def __init__(self, credentials: Credentials, region: str) -> None:
        self.signer = SigV4Auth(credentials, "execute-api", region)

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        headers = {k: v for k, v in request.headers.items() if k.lower() not in ("connection", "user-agent")}
        headers["host"] = urlsplit(str(request.url)).netloc
        aws = AWSRequest(method=request.method, url=str(request.url), data=request.content, headers=headers)
        self.signer.add_auth(aws)
        for name in ("Authorization", "X-Amz-Date", "X-Amz-Security-Token"):
            if name in aws.headers:
                request.headers[name] = aws.headers[name]
        yield request
