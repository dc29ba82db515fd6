"""Lambda REQUEST authorizers of HTTP APIs (route authorization type CUSTOM), run locally.

AWS, "Control access to HTTP APIs with AWS Lambda authorizers": identity sources missing from the request
mean 401 without invoking the function; results are cached by identity source values for
``authorizerResultTtlInSeconds`` (0 disables caching, and caching needs at least one identity source);
with simple responses the function returns ``{"isAuthorized": bool, "context": {...}}``, otherwise an IAM
policy allowing or denying ``execute-api:Invoke`` on the route ARN; a function API Gateway cannot invoke
(no permission) or a response in an invalid format gives 500 {"message":"Internal Server Error"}; a denial
is 403 {"message":"Forbidden"}.
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections.abc import Hashable, Mapping
from pathlib import Path
from typing import Any

from moto.awslambda.models import lambda_backends

from crossgate.emulator.authorizers.arn import authorizer_source_arn, route_arn
from crossgate.emulator.authorizers.decision import AuthDecision, AuthRequest
from crossgate.emulator.authorizers.identity import identity_sources, resolve_all
from crossgate.emulator.authorizers.lambda_event import event_v1, event_v2
from crossgate.emulator.authorizers.lambda_runner import LambdaRunner
from crossgate.emulator.authorizers.policy import Verdict, evaluate, wildcard_match
from crossgate.emulator.authorizers.responses import allow, forbidden, internal_error, unauthorized
from crossgate.emulator.backends import lookup

AUTHORIZER_URI = re.compile(
    r"^arn:[\w-]+:apigateway:[\w-]+:lambda:path/[\d-]+/functions/(?P<function>arn:[^/]+)/invocations$"
)
FUNCTION_ARN = re.compile(
    r"^arn:[\w-]+:lambda:(?P<region>[\w-]+):(?P<account>\d{12}):function:(?P<name>[^:]+)(:(?P<qualifier>[^:]+))?$"
)


class _Failure(Exception):
    """The authorizer could not produce a usable answer (500)."""


class ResultCache:
    """Authorizer responses by (API, authorizer, identity source values), each with its own expiry."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[Hashable, tuple[float, Any]] = {}

    def get(self, key: Hashable) -> Any | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry[0] <= time.monotonic():
                del self._entries[key]
                return None
            return entry[1]

    def put(self, key: Hashable, value: Any, ttl_s: float) -> None:
        with self._lock:
            self._entries[key] = (time.monotonic() + ttl_s, value)


class LambdaAuthorizer:
    """Invokes the authorizer function (or reuses its cached answer) and reads its response."""

    def __init__(self, work_dir: Path) -> None:
        self.runner = LambdaRunner(work_dir)
        self.cache = ResultCache()

    def authorize(self, request: AuthRequest, authorizer: Any) -> AuthDecision:
        """Decide one request on a CUSTOM route."""
        prefix = f"lambda authorizer {getattr(authorizer, 'name', None) or authorizer.id}"
        sources = identity_sources(authorizer)
        values, missing = resolve_all(request, sources)
        if missing:
            return unauthorized("lambda", f"{prefix}: identity source {', '.join(missing)} missing; not invoked")
        version = str(getattr(authorizer, "auth_payload_format_version", None) or "2.0")
        # Simple responses exist for payload format 2.0 only (AWS: "Lambda function response for format 2.0").
        simple = bool(getattr(authorizer, "enable_simple_response", False)) and version == "2.0"
        ttl_s = int(getattr(authorizer, "auth_result_ttl", None) or 0)
        key = (getattr(request.api, "api_id", ""), authorizer.id, tuple(values))
        cached = self.cache.get(key) if ttl_s > 0 and sources else None
        origin = "cached answer"
        if cached is None:
            try:
                cached = self._invoke(request, authorizer, version, values)
            except _Failure as failure:
                return internal_error("lambda", f"{prefix}: {failure}")
            if ttl_s > 0 and sources:
                self.cache.put(key, cached, ttl_s)
            origin = "function answered"
        try:
            return _interpret(request, cached, simple, f"{prefix}: {origin}")
        except _Failure as failure:
            return internal_error("lambda", f"{prefix}: {failure}")

    def _invoke(self, request: AuthRequest, authorizer: Any, version: str, values: list[str]) -> Any:
        function = _function(str(getattr(authorizer, "authorizer_uri", "") or ""))
        runtime = str(getattr(function, "run_time", None) or "")
        if getattr(function, "package_type", "Zip") != "Zip" or not runtime.startswith("python"):
            raise _Failure(
                f"function {function.function_name} has runtime {runtime or 'image'}; the emulator runs only "
                "Python (zip) functions locally"
            )
        if not getattr(authorizer, "auth_creds_arn", None):
            _check_invoke_permission(function, authorizer_source_arn(request, authorizer.id), request.account_id)
        event = event_v2(request, values) if version == "2.0" else event_v1(request, values)
        invocation = self.runner.invoke(function, event, request.request_id or str(uuid.uuid4()))
        if not invocation.ok:
            raise _Failure(f"function {function.function_name} failed: {invocation.error}")
        return invocation.result


def _function(authorizer_uri: str) -> Any:
    """The moto LambdaFunction the authorizer URI names, looked up in the function's own account."""
    match = AUTHORIZER_URI.match(authorizer_uri)
    function_arn = FUNCTION_ARN.match(match.group("function")) if match else None
    if function_arn is None:
        raise _Failure(f"authorizer_uri {authorizer_uri!r} does not name a Lambda function invocation")
    backend = lookup(lambda_backends, function_arn.group("account"), function_arn.group("region"))
    if backend is None:  # no function was ever created there (and looking must not create a backend)
        raise _Failure(f"function {function_arn.group(0)} does not exist (no Lambda state in that account/region)")
    try:
        return backend.get_function(function_arn.group("name"), function_arn.group("qualifier"))
    except Exception as error:  # moto raises its own not-found errors
        raise _Failure(f"function {function_arn.group(0)} does not exist ({error})") from error


def _check_invoke_permission(function: Any, source_arn: str, api_account: str) -> None:
    """API Gateway needs ``lambda:InvokeFunction`` from the function's resource policy (AWS: "If API Gateway
    doesn't have permission to invoke your function, clients receive a 500 Internal Server Error")."""
    statements = getattr(getattr(function, "policy", None), "statements", None) or []
    for statement in statements:
        if statement.get("Effect") != "Allow":
            continue
        principal = statement.get("Principal")
        service = principal.get("Service") if isinstance(principal, Mapping) else principal
        if service not in ("apigateway.amazonaws.com", "*"):
            continue
        actions = statement.get("Action")
        actions = [actions] if isinstance(actions, str) else list(actions or [])
        if not any(wildcard_match(action, "lambda:InvokeFunction", ignore_case=True) for action in actions):
            continue
        if _conditions_hold(statement.get("Condition") or {}, source_arn, api_account):
            return
    raise _Failure(
        f"API Gateway may not invoke {function.function_name}: no resource policy statement allows "
        f"apigateway.amazonaws.com lambda:InvokeFunction from {source_arn} (add an aws_lambda_permission)"
    )


def _conditions_hold(conditions: Mapping[str, Any], source_arn: str, source_account: str) -> bool:
    """``AWS:SourceArn`` / ``AWS:SourceAccount`` conditions; other keys are not modelled (treated as met)."""
    for operator, entries in conditions.items():
        for name, expected in (entries or {}).items():
            actual = {"aws:sourcearn": source_arn, "aws:sourceaccount": source_account}.get(str(name).lower())
            if actual is None:
                continue
            patterns = [expected] if isinstance(expected, str) else list(expected)
            like = str(operator).lower().endswith("like")
            if not any(wildcard_match(p, actual) if like else p == actual for p in patterns):
                return False
    return True


def _interpret(request: AuthRequest, response: Any, simple: bool, prefix: str) -> AuthDecision:
    """Allow or deny from the function's answer; an answer of the wrong shape raises :class:`_Failure`."""
    if not isinstance(response, Mapping):
        raise _Failure(f"the function returned {type(response).__name__}, not a JSON object")
    context = response.get("context") or {}
    if not isinstance(context, Mapping):
        raise _Failure("the response's context is not a JSON object")
    if simple:
        authorized = response.get("isAuthorized")
        if not isinstance(authorized, bool):
            raise _Failure(f"simple response without a boolean isAuthorized: {dict(response)}")
        if not authorized:
            return forbidden("lambda", f"{prefix} isAuthorized false")
        return allow("lambda", f"{prefix} isAuthorized true", context)
    document = response.get("policyDocument")
    if not isinstance(document, Mapping) or "Statement" not in document:
        raise _Failure(f"IAM policy response without a policyDocument.Statement: {dict(response)}")
    resource = route_arn(request)
    evaluation = evaluate([document], "execute-api:Invoke", resource)
    principal = response.get("principalId")
    if evaluation.verdict is not Verdict.ALLOW:
        return forbidden("lambda", f"{prefix} with a policy for {principal!r}: {evaluation.reason}")
    return allow(
        "lambda",
        f"{prefix} with a policy for {principal!r}: {evaluation.reason}",
        {**context, "principalId": principal},
    )
