"""Fixtures for the authorizer tests: moto's state built in-process with boto3 under ``mock_aws``, and
AuthRequests made from moto's own apigatewayv2 model objects, as the data plane hands them over."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.apigatewayv2.models import apigatewayv2_backends

from crossgate.emulator.authorizers import Authorizers, AuthRequest

REGION = "us-west-1"
ACCOUNT = "123456789012"  # moto's default account: where mock_aws's boto3 clients act


@pytest.fixture(scope="module")
def aws() -> Iterator[None]:
    """One moto state per test module (starting moto costs about a second); tests add what they need
    under names of their own."""
    with pytest.MonkeyPatch.context() as patch:
        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
            patch.delenv(name, raising=False)
        patch.setenv("AWS_DEFAULT_REGION", REGION)
        with mock_aws():
            yield


@pytest.fixture(scope="module")
def authorizers(tmp_path_factory: pytest.TempPathFactory) -> Authorizers:
    """One Authorizers per module: its signing key is generated once."""
    return Authorizers(tmp_path_factory.mktemp("authorizers"))


def client(service: str) -> Any:
    return boto3.client(service, region_name=REGION)


@dataclass
class Gateway:
    """One HTTP API in moto; ``route(...)`` adds a route and returns its moto object."""

    api_id: str

    @property
    def model(self) -> Any:
        return apigatewayv2_backends[ACCOUNT][REGION].apis[self.api_id]

    def authorizer(self, **kwargs: Any) -> str:
        return str(client("apigatewayv2").create_authorizer(ApiId=self.api_id, **kwargs)["AuthorizerId"])

    def route(self, route_key: str, **kwargs: Any) -> Any:
        route_id = client("apigatewayv2").create_route(ApiId=self.api_id, RouteKey=route_key, **kwargs)["RouteId"]
        return self.model.routes[route_id]

    def request(
        self,
        route: Any,
        path: str,
        *,
        method: str = "GET",
        headers: Mapping[str, str] | None = None,
        query: str = "",
        body: bytes = b"",
        stage: str = "$default",
    ) -> AuthRequest:
        host = f"{self.api_id}.execute-api.{REGION}.amazonaws.com"
        all_headers = {"host": host, **{name.lower(): value for name, value in (headers or {}).items()}}
        return AuthRequest(
            account_id=ACCOUNT,
            region=REGION,
            api=self.model,
            route=route,
            stage=stage,
            method=method,
            raw_path=path,
            query_string=query,
            headers=all_headers,
            body=body,
            source_ip="203.0.113.7",
            route_key=route.route_key,
            request_id="req-1",
            domain_name=host,
        )


@pytest.fixture(scope="module")
def gateway(aws: None) -> Gateway:
    api = client("apigatewayv2").create_api(Name="central", ProtocolType="HTTP")
    return Gateway(api["ApiId"])
