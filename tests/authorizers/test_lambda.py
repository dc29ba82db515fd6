"""Lambda REQUEST authorizers: the function really runs (a subprocess) from its moto deployment package."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from crossgate.emulator.authorizers import Authorizers

from .conftest import ACCOUNT, REGION, Gateway, client

HANDLER = """
import json, os, time

def handler(event, context):
    with open(os.environ["CALLS_FILE"], "a") as calls:
        calls.write(json.dumps(event) + "\\n")
    print("authorizer called")  # must land in the log, not in the answer
    mode = os.environ["MODE"]
    token = event["headers"].get("authorization")
    if mode == "error":
        raise RuntimeError("boom")
    if mode == "sleep":
        time.sleep(10)
    if mode == "garbage":
        return "yes"
    allowed = token == "secret"
    if mode == "simple":
        return {"isAuthorized": allowed, "context": {"user": "alice"}}
    resource = event.get("routeArn") or event["methodArn"]
    statement = {"Action": "execute-api:Invoke", "Effect": "Allow" if allowed else "Deny", "Resource": resource}
    return {"principalId": "alice", "policyDocument": {"Version": "2012-10-17", "Statement": [statement]},
            "context": {"user": "alice"}}
"""


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("auth.py", HANDLER)
    return buffer.getvalue()


@dataclass(frozen=True)
class Case:
    name: str
    mode: str
    status: int
    body: dict[str, str]
    token: str | None = "secret"
    simple: bool = True
    runtime: str = "python3.12"
    version: str = "2.0"
    ttl: int = 0
    calls: int = 1
    requests: int = 1
    permission: bool = True
    timeout: int = 3
    diagnostic: str = ""
    context: dict[str, Any] = field(default_factory=dict)


UNAUTHORIZED = {"message": "Unauthorized"}
FORBIDDEN = {"message": "Forbidden"}
ERROR = {"message": "Internal Server Error"}
CASES = [
    Case("allow (simple)", "simple", 200, {}, diagnostic="isAuthorized true", context={"user": "alice"}),
    Case("deny (simple)", "simple", 403, FORBIDDEN, token="wrong", diagnostic="isAuthorized false"),
    Case(
        "allow (IAM policy response)",
        "policy",
        200,
        {},
        simple=False,
        context={"user": "alice", "principalId": "alice"},
    ),
    Case("deny (IAM policy response)", "policy", 403, FORBIDDEN, token="wrong", simple=False, diagnostic="denied by"),
    Case("payload format 1.0", "policy", 200, {}, simple=False, version="1.0"),
    Case("cached within the TTL", "simple", 200, {}, ttl=300, calls=1, requests=3, diagnostic="cached answer"),
    Case("not cached with TTL 0", "simple", 200, {}, ttl=0, calls=2, requests=2),
    Case("identity source missing", "simple", 401, UNAUTHORIZED, token=None, calls=0, diagnostic="not invoked"),
    Case("function error", "error", 500, ERROR, diagnostic="RuntimeError: boom"),
    Case("function timeout", "sleep", 500, ERROR, timeout=1, diagnostic="Task timed out after 1.00 seconds"),
    Case("bad response", "garbage", 500, ERROR, diagnostic="not a JSON object"),
    Case(
        "non-python runtime",
        "simple",
        500,
        ERROR,
        runtime="nodejs20.x",
        calls=0,
        diagnostic="runs only Python (zip) functions",
    ),
    Case("no invoke permission", "simple", 500, ERROR, permission=False, calls=0, diagnostic="aws_lambda_permission"),
]


def _function(name: str, case: Case, calls_file: Path) -> str:
    iam, lam = client("iam"), client("lambda")
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
    role = iam.create_role(RoleName=f"{name}-role", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    function = lam.create_function(
        FunctionName=name,
        Runtime=case.runtime,
        Role=role,
        Handler="auth.handler",
        Code={"ZipFile": _zip()},
        Timeout=case.timeout,
        Environment={"Variables": {"MODE": case.mode, "CALLS_FILE": str(calls_file)}},
    )
    return str(function["FunctionArn"])


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_lambda_authorizer(case: Case, gateway: Gateway, authorizers: Authorizers, tmp_path: Path) -> None:
    name = "auth" + str(abs(hash(case.name)) % 10**8)
    calls_file = tmp_path / "calls.jsonl"
    function_arn = _function(name, case, calls_file)
    options: dict[str, Any] = {"EnableSimpleResponses": True} if case.simple else {}
    authorizer_id = gateway.authorizer(
        Name=name,
        AuthorizerType="REQUEST",
        IdentitySource=["$request.header.Authorization"],
        AuthorizerUri=f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/{function_arn}/invocations",
        AuthorizerPayloadFormatVersion=case.version,
        AuthorizerResultTtlInSeconds=case.ttl,
        **options,
    )
    if case.permission:
        client("lambda").add_permission(
            FunctionName=name,
            StatementId="apigw",
            Action="lambda:InvokeFunction",
            Principal="apigateway.amazonaws.com",
            SourceArn=f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{gateway.api_id}/authorizers/{authorizer_id}",
        )
    route = gateway.route(f"GET /{name}", AuthorizationType="CUSTOM", AuthorizerId=authorizer_id)
    headers = {} if case.token is None else {"Authorization": case.token}

    decisions = [
        authorizers.authorize(gateway.request(route, f"/{name}", headers=headers)) for _ in range(case.requests)
    ]

    decision = decisions[-1]
    assert (decision.status, dict(decision.body)) == (case.status, case.body), decision.diagnostic
    assert decision.allowed is (case.status == 200)
    assert decision.kind == "lambda"
    assert decision.diagnostic.startswith(f"lambda authorizer {name}: ")
    assert case.diagnostic in decision.diagnostic
    for key, value in case.context.items():
        assert decision.context[key] == value
    events = calls_file.read_text().splitlines() if calls_file.exists() else []
    assert len(events) == case.calls
    if events:
        event = json.loads(events[0])
        route_arn = f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{gateway.api_id}/$default/GET/{name}"
        if case.version == "2.0":
            assert event["version"] == "2.0" and event["routeArn"] == route_arn
            assert event["identitySource"] == ([case.token] if case.token else [])
            assert event["requestContext"]["http"]["sourceIp"] == "203.0.113.7"
        else:
            assert event["version"] == "1.0" and event["methodArn"] == route_arn
            assert event["identitySource"] == event["authorizationToken"] == case.token
