"""AWS_IAM routes: real SigV4 checks against moto's credentials, then execute-api:Invoke policy evaluation."""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from crossgate.emulator.authorizers import Authorizers, AuthRequest
from crossgate.emulator.authorizers.iam_auth import INVALID_TOKEN, SIGNATURE_MISMATCH

from .conftest import ACCOUNT, REGION, Gateway, client

OTHER_ACCOUNT = "210987654321"


def _policy(effect: str, resource: str) -> str:
    statement = {"Effect": effect, "Action": "execute-api:Invoke", "Resource": resource}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def _user(name: str, *policies: str, group_policy: str | None = None) -> Credentials:
    iam = client("iam")
    iam.create_user(UserName=name)
    for number, document in enumerate(policies):
        iam.put_user_policy(UserName=name, PolicyName=f"p{number}", PolicyDocument=document)
    if group_policy is not None:
        iam.create_group(GroupName=f"{name}-group")
        iam.put_group_policy(GroupName=f"{name}-group", PolicyName="g", PolicyDocument=group_policy)
        iam.add_user_to_group(GroupName=f"{name}-group", UserName=name)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return Credentials(key["AccessKeyId"], key["SecretAccessKey"])


def _role_session(account: str, name: str, document: str) -> Credentials:
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}],
    }
    if account == ACCOUNT:
        iam = client("iam")
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))
        iam.put_role_policy(RoleName=name, PolicyName="invoke", PolicyDocument=document)
    creds = client("sts").assume_role(RoleArn=f"arn:aws:iam::{account}:role/{name}", RoleSessionName="tests")
    c = creds["Credentials"]
    return Credentials(c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])


def _signed_headers(creds: Credentials, url: str, method: str = "GET", body: bytes = b"") -> dict[str, str]:
    request = AWSRequest(method=method, url=url, data=body)
    SigV4Auth(creds, "execute-api", REGION).add_auth(request)
    return {name.lower(): value for name, value in request.headers.items()}


@dataclass(frozen=True)
class Case:
    name: str
    sign: Callable[[Gateway, str], dict[str, str]]
    status: int
    body: dict[str, str]
    error_type: str | None
    diagnostic: str


def _url(gateway: Gateway, path: str) -> str:
    return f"https://{gateway.api_id}.execute-api.{REGION}.amazonaws.com{path}"


def _allowed_user(gateway: Gateway, name: str) -> Credentials:
    return _user(name, _policy("Allow", f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{gateway.api_id}/$default/GET/pets/*"))


def _arn(gateway: Gateway) -> str:
    return f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{gateway.api_id}/$default/GET/pets/1"


CASES = [
    Case(
        "signed by a user with an allow policy",
        lambda g, n: _signed_headers(_allowed_user(g, n), _url(g, "/pets/1")),
        200,
        {},
        None,
        "may invoke",
    ),
    Case(
        "allowed through a group policy",
        lambda g, n: _signed_headers(
            _user(n, group_policy=_policy("Allow", "arn:aws:execute-api:*:*:*")), _url(g, "/pets/1")
        ),
        200,
        {},
        None,
        "may invoke",
    ),
    Case("unsigned", lambda g, n: {}, 403, {"message": "Forbidden"}, None, "not signed"),
    Case(
        "bad signature",
        lambda g, n: _signed_headers(Credentials(_allowed_user(g, n).access_key, "wrong-secret"), _url(g, "/pets/1")),
        403,
        {},
        "InvalidSignatureException",
        "does not match",
    ),
    Case(
        "body changed after signing",
        lambda g, n: _signed_headers(_allowed_user(g, n), _url(g, "/pets/1"), body=b"original"),
        403,
        {},
        "InvalidSignatureException",
        "does not match",
    ),
    Case(
        "unknown key",
        lambda g, n: _signed_headers(Credentials("AKIAUNKNOWN000000000", "x"), _url(g, "/pets/1")),
        403,
        {"message": INVALID_TOKEN},
        "UnrecognizedClientException",
        "unknown to the emulator",
    ),
    Case(
        "no permission",
        lambda g, n: _signed_headers(_user(n), _url(g, "/pets/1")),
        403,
        {
            "Message": "User: arn:aws:iam::123456789012:user/{n} is not authorized to perform: execute-api:Invoke on "
            "resource: {arn} because no identity-based policy allows the execute-api:Invoke action"
        },
        "AccessDeniedException",
        "refused",
    ),
    Case(
        "explicit deny",
        lambda g, n: _signed_headers(
            _user(n, _policy("Allow", "*"), _policy("Deny", "arn:aws:execute-api:*:*:*/*/GET/pets/*")),
            _url(g, "/pets/1"),
        ),
        403,
        {
            "Message": "User: arn:aws:iam::123456789012:user/{n} is not authorized to perform: execute-api:Invoke on "
            "resource: {arn} with an explicit deny in an identity-based policy"
        },
        "AccessDeniedException",
        "denied by",
    ),
    Case(
        "assumed-role credentials",
        lambda g, n: _signed_headers(
            _role_session(ACCOUNT, n, _policy("Allow", f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{g.api_id}/*")),
            _url(g, "/pets/1"),
        ),
        200,
        {},
        None,
        f"assumed-role/{'{n}'}",
    ),
    Case(
        "assumed-role key without its session token",
        lambda g, n: {
            k: v
            for k, v in _signed_headers(_role_session(ACCOUNT, n, _policy("Allow", "*")), _url(g, "/pets/1")).items()
            if k != "x-amz-security-token"
        },
        403,
        {"message": INVALID_TOKEN},
        "UnrecognizedClientException",
        "session token",
    ),
    Case(
        "caller from another account",
        lambda g, n: _signed_headers(_role_session(OTHER_ACCOUNT, n, _policy("Allow", "*")), _url(g, "/pets/1")),
        403,
        {},
        "AccessDeniedException",
        "HTTP APIs have no resource policies",
    ),
    Case(
        "signed for another region",
        lambda g, n: _signed_headers_in(_allowed_user(g, n), _url(g, "/pets/1"), "eu-west-1"),
        403,
        {"message": "Credential should be scoped to a valid region, not 'eu-west-1'. "},
        "InvalidSignatureException",
        "valid region",
    ),
    Case("presigned URL", lambda g, n: _presign(_allowed_user(g, n), _url(g, "/pets/1")), 200, {}, None, "may invoke"),
]


def _signed_headers_in(creds: Credentials, url: str, region: str) -> dict[str, str]:
    request = AWSRequest(method="GET", url=url)
    SigV4Auth(creds, "execute-api", region).add_auth(request)
    return {name.lower(): value for name, value in request.headers.items()}


def _presign(creds: Credentials, url: str) -> dict[str, str]:
    request = AWSRequest(method="GET", url=url)
    SigV4QueryAuth(creds, "execute-api", REGION, expires=300).add_auth(request)
    return {"x-presigned-url": request.url}


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_iam_authorization(case: Case, gateway: Gateway, authorizers: Authorizers) -> None:
    name = "u" + str(abs(hash(case.name)) % 10**8)
    route = gateway.route("GET /pets/{id}", AuthorizationType="AWS_IAM")
    headers = case.sign(gateway, name)
    path, query = "/pets/1", ""
    if "x-presigned-url" in headers:
        query = headers.pop("x-presigned-url").split("?", 1)[1]
    body = b""
    if case.name == "body changed after signing":
        body = b"changed"

    decision = authorizers.authorize(gateway.request(route, path, headers=headers, query=query, body=body))

    assert decision.status == case.status, decision.diagnostic
    assert decision.allowed is (case.status == 200)
    assert decision.kind == "iam"
    expected = {key: value.format(n=name, arn=_arn(gateway)) for key, value in case.body.items()}
    if case.error_type == "InvalidSignatureException" and not case.body:
        assert decision.body["message"].startswith(SIGNATURE_MISMATCH + "\n\nThe Canonical String")
    elif case.name == "caller from another account":
        assert decision.body["Message"].startswith("User: arn:aws:sts::210987654321:assumed-role/")
    else:
        assert dict(decision.body) == expected
    assert decision.headers.get("x-amzn-errortype") == case.error_type
    assert case.diagnostic.format(n=name) in decision.diagnostic
    if decision.allowed:
        assert decision.context["userArn"].endswith(name if "assumed" not in case.name else f"{name}/tests")


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def http_gateway(gateway: Gateway, authorizers: Authorizers) -> Iterator[tuple[str, Any]]:
    """A tiny HTTP front (127.0.0.1) that turns each request into an AuthRequest, as the data plane does."""
    route = gateway.route("GET /pets/{id}", AuthorizationType="AWS_IAM")

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        headers = {
            key[5:].replace("_", "-").lower(): value for key, value in environ.items() if key.startswith("HTTP_")
        }
        request = AuthRequest(
            account_id=ACCOUNT,
            region=REGION,
            api=gateway.model,
            route=route,
            stage="$default",
            method=environ["REQUEST_METHOD"],
            raw_path=environ["PATH_INFO"],
            query_string=environ["QUERY_STRING"],
            headers=headers,
            body=b"",
            source_ip="127.0.0.1",
            route_key=route.route_key,
        )
        decision = authorizers.authorize(request)
        start_response(f"{decision.status} X", [("content-type", "application/json"), *decision.headers.items()])
        return [json.dumps(dict(decision.body) or {"allowed": decision.allowed}).encode()]

    server = make_server("127.0.0.1", 0, app, handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", route
    finally:
        server.shutdown()


@pytest.mark.skipif(shutil.which("curl") is None, reason="needs the curl binary")
def test_curl_aws_sigv4(http_gateway: tuple[str, Any], gateway: Gateway) -> None:
    base, _ = http_gateway
    creds = _allowed_user(gateway, "curl-user")

    def curl(secret: str) -> tuple[int, dict[str, Any]]:
        result = subprocess.run(
            [
                "curl",
                "-s",
                "--aws-sigv4",
                f"aws:amz:{REGION}:execute-api",
                "--user",
                f"{creds.access_key}:{secret}",
                "-w",
                "\n%{http_code}",
                f"{base}/pets/1",
            ],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
        text, _, code = result.stdout.rpartition("\n")
        return int(code), json.loads(text)

    assert curl(creds.secret_key) == (200, {"allowed": True})
    status, body = curl("not-the-secret")
    assert status == 403 and body["message"].startswith(SIGNATURE_MISMATCH)


def test_named_stage_is_in_the_arn_and_out_of_the_path(gateway: Gateway) -> None:
    from crossgate.emulator.authorizers.arn import route_arn

    route = gateway.route("GET /pets/{id}", AuthorizationType="AWS_IAM")
    request = gateway.request(route, "/prod/pets/a%20b", stage="prod")
    assert route_arn(request) == f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{gateway.api_id}/prod/GET/pets/a b"
    default = gateway.request(route, "/pets/1")
    assert route_arn(default).endswith(f"{gateway.api_id}/$default/GET/pets/1")


def test_a_request_signed_for_the_emulators_prefixed_url_is_verified(gateway: Gateway,
                                                                      authorizers: Authorizers) -> None:
    """Through ``<emulator>/_crossgate/execute-api/<id>/...`` the client signs that full path."""
    import dataclasses

    route = gateway.route("GET /pets/{id}", AuthorizationType="AWS_IAM")
    creds = _allowed_user(gateway, "prefixed")
    wire = f"/_crossgate/execute-api/{gateway.api_id}/pets/1"
    headers = _signed_headers(creds, f"https://{gateway.api_id}.execute-api.{REGION}.amazonaws.com{wire}")
    request = gateway.request(route, "/pets/1", headers=headers)
    assert authorizers.authorize(request).status == 403  # without the wire path: the signature cannot match
    assert authorizers.authorize(dataclasses.replace(request, wire_path=wire)).allowed
