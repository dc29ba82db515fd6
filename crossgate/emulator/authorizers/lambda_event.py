"""The event a Lambda REQUEST authorizer receives, in payload format 2.0 or 1.0.

Shapes from AWS, "Control access to HTTP APIs with AWS Lambda authorizers", section "Payload format
version" (the 2.0 and 1.0 examples). Fields the emulator has no value for (client certificates, API keys)
are left out.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

from crossgate.emulator.authorizers.arn import route_arn, stage_relative_path
from crossgate.emulator.authorizers.decision import AuthRequest


def event_v2(request: AuthRequest, identity_values: Sequence[str]) -> dict[str, Any]:
    """Payload format 2.0: ``routeArn``, ``identitySource`` as a list, cookies split out of the headers."""
    headers = {name: value for name, value in request.headers.items() if name != "cookie"}
    cookie_header = request.headers.get("cookie", "")
    cookies = [part.strip() for part in cookie_header.split(";") if part.strip()]
    route_key = _route_key(request)
    now = time.time()
    event: dict[str, Any] = {
        "version": "2.0",
        "type": "REQUEST",
        "routeArn": route_arn(request),
        "identitySource": list(identity_values),
        "routeKey": route_key,
        "rawPath": request.raw_path.split("?", 1)[0],
        "rawQueryString": request.query_string,
        "headers": headers,
        "requestContext": {
            "accountId": request.account_id,
            "apiId": getattr(request.api, "api_id", ""),
            "domainName": request.domain_name,
            "domainPrefix": request.domain_name.split(".", 1)[0],
            "http": {
                "method": request.method.upper(),
                "path": request.raw_path.split("?", 1)[0],
                "protocol": "HTTP/1.1",
                "sourceIp": request.source_ip,
                "userAgent": request.headers.get("user-agent", ""),
            },
            "requestId": request.request_id,
            "routeKey": route_key,
            "stage": request.stage,
            "time": datetime.fromtimestamp(now, UTC).strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "timeEpoch": int(now * 1000),
        },
    }
    if cookies:
        event["cookies"] = cookies
    query = _joined_query(request.query_string)
    if query:
        event["queryStringParameters"] = query
    if request.path_parameters:
        event["pathParameters"] = dict(request.path_parameters)
    if request.stage_variables:
        event["stageVariables"] = dict(request.stage_variables)
    return event


def event_v1(request: AuthRequest, identity_values: Sequence[str]) -> dict[str, Any]:
    """Payload format 1.0 (REST-compatible): ``methodArn``, comma-joined ``identitySource``."""
    joined = ",".join(identity_values)
    route_key = _route_key(request)
    resource = route_key.split(" ", 1)[1] if " " in route_key else route_key
    path = "/" + stage_relative_path(request)
    return {
        "version": "1.0",
        "type": "REQUEST",
        "methodArn": route_arn(request),
        "identitySource": joined,
        "authorizationToken": joined,
        "resource": resource,
        "path": path,
        "httpMethod": request.method.upper(),
        "headers": dict(request.headers),
        "queryStringParameters": _joined_query(request.query_string),
        "pathParameters": dict(request.path_parameters),
        "stageVariables": dict(request.stage_variables),
        "requestContext": {
            "path": request.raw_path.split("?", 1)[0],
            "accountId": request.account_id,
            "resourceId": getattr(request.route, "route_id", ""),
            "stage": request.stage,
            "requestId": request.request_id,
            "identity": {"sourceIp": request.source_ip, "userAgent": request.headers.get("user-agent", "")},
            "resourcePath": resource,
            "httpMethod": request.method.upper(),
            "apiId": getattr(request.api, "api_id", ""),
        },
    }


def _route_key(request: AuthRequest) -> str:
    return request.route_key or str(getattr(request.route, "route_key", ""))


def _joined_query(query_string: str) -> dict[str, str]:
    """Repeated parameters joined with commas, as the 2.0 example shows (``"value1,value2"``)."""
    joined: dict[str, str] = {}
    for key, value in parse_qsl(query_string, keep_blank_values=True):
        joined[key] = f"{joined[key]},{value}" if key in joined else value
    return joined
