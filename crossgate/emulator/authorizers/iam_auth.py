"""AWS_IAM routes: verify the SigV4 signature, then the caller's ``execute-api:Invoke`` permission.

AWS, "Control access to HTTP APIs with IAM authorization": clients sign with SigV4 and API Gateway invokes
the route only if the caller has ``execute-api`` permission for it. HTTP APIs have no resource policies, so
a caller from another account is refused: AWS's answer is to assume a role in the API's account (AWS
knowledge center, "How can I provide cross-account IAM authorization for API Gateway HTTP APIs?").
Error messages and ``x-amzn-errortype`` values: AWS knowledge center, "How do I troubleshoot HTTP 403
errors from API Gateway?" and "How do I troubleshoot signature mismatch errors when making SigV4 signed
requests with IAM authentication to API Gateway?".
"""

from __future__ import annotations

from datetime import UTC, datetime

from crossgate.emulator.authorizers.arn import route_arn
from crossgate.emulator.authorizers.credentials import Caller, find_caller
from crossgate.emulator.authorizers.decision import AuthDecision, AuthRequest
from crossgate.emulator.authorizers.policy import Evaluation, Verdict, evaluate
from crossgate.emulator.authorizers.responses import allow, denied, forbidden
from crossgate.emulator.authorizers.sigv4 import (
    HttpRequest,
    SignatureError,
    SignedRequest,
    check_scope,
    check_time,
    expected_signature,
    parse,
)

ACTION = "execute-api:Invoke"
INVALID_TOKEN = "The security token included in the request is invalid."
EXPIRED_TOKEN = "The security token included in the request is expired"
SIGNATURE_MISMATCH = (
    "The request signature we calculated does not match the signature you provided. Check your AWS Secret "
    "Access Key and signing method. Consult the service documentation for details."
)


def authorize_iam(request: AuthRequest) -> AuthDecision:
    """Allow a correctly signed request whose caller may invoke this route's ARN."""
    http = HttpRequest(request.method, request.raw_path, request.query_string, request.headers, request.body)
    try:
        signed = parse(http)
        if signed is None:
            # HTTP APIs answer an unsigned request on an AWS_IAM route with 403 {"message":"Forbidden"}
            # (REST APIs say "Missing Authentication Token" instead).
            return forbidden("iam", "iam authorization: the request is not signed (SigV4 for execute-api expected)")
        check_scope(signed, request.region)
        check_time(signed, datetime.now(UTC))
    except SignatureError as error:
        return denied("iam", {"message": error.message}, error.error_type, f"iam authorization: {error.message}")
    caller = find_caller(signed.access_key_id)
    refusal = _credential_refusal(signed, caller)
    if refusal is not None or caller is None:
        return refusal or _invalid_token(signed, "is unknown to the emulator")
    expected = expected_signature(http, signed, caller.secret_access_key)
    if not expected.matches(signed) and request.wire_path and request.wire_path != request.raw_path:
        # AWS verifies the path the client sent to the execute-api host; through the emulator's own URL the
        # client sent (and signed) the prefixed path instead. Either is the request as the client signed it.
        on_the_wire = HttpRequest(request.method, request.wire_path, request.query_string, request.headers,
                                  request.body)
        if (wire_expected := expected_signature(on_the_wire, signed, caller.secret_access_key)).matches(signed):
            expected = wire_expected
    if not expected.matches(signed):
        message = (
            f"{SIGNATURE_MISMATCH}\n\nThe Canonical String for this request should have been\n"
            f"'{expected.canonical_request}'\n\nThe String-to-Sign should have been\n'{expected.string_to_sign}'\n"
        )
        return denied(
            "iam",
            {"message": message},
            "InvalidSignatureException",
            f"iam authorization: signature of {caller.arn} does not match (wrong secret, or the request changed "
            "after signing)",
        )
    return _permission(request, caller)


def _credential_refusal(signed: SignedRequest, caller: Caller | None) -> AuthDecision | None:
    """Unknown, inactive, expired or token-mismatched credentials."""
    if caller is None:
        return _invalid_token(signed, "is unknown to the emulator (no IAM user key or STS session in any account)")
    if not caller.active:
        return _invalid_token(signed, f"of {caller.arn} is inactive")
    if caller.session_token is None and signed.security_token:
        return _invalid_token(signed, f"of {caller.arn} is a long-term key, yet X-Amz-Security-Token was sent")
    if caller.session_token is not None and signed.security_token != caller.session_token:
        return _invalid_token(signed, f"of {caller.arn} needs its session token in X-Amz-Security-Token")
    if caller.expired:
        return denied(
            "iam",
            {"message": EXPIRED_TOKEN},
            "ExpiredTokenException",
            f"iam authorization: the session of {caller.arn} has expired",
        )
    return None


def _invalid_token(signed: SignedRequest, why: str) -> AuthDecision:
    return denied(
        "iam",
        {"message": INVALID_TOKEN},
        "UnrecognizedClientException",
        f"iam authorization: access key {signed.access_key_id} {why}",
    )


def _permission(request: AuthRequest, caller: Caller) -> AuthDecision:
    resource = route_arn(request)
    if caller.account_id != request.account_id:
        return _access_denied(
            caller,
            resource,
            "",
            f"caller account {caller.account_id} is not the API's {request.account_id}; HTTP APIs have no resource "
            f"policies, so assume a role in account {request.account_id} and sign with its credentials",
        )
    evaluation = evaluate(caller.policies, ACTION, resource)
    if evaluation.verdict is Verdict.ALLOW and caller.session_policy:
        session = evaluate([caller.session_policy], ACTION, resource)
        if session.verdict is not Verdict.ALLOW:
            evaluation = Evaluation(session.verdict, f"session policy: {session.reason}")
    if evaluation.verdict is Verdict.EXPLICIT_DENY:
        return _access_denied(caller, resource, " with an explicit deny in an identity-based policy", evaluation.reason)
    if evaluation.verdict is Verdict.IMPLICIT_DENY:
        return _access_denied(
            caller, resource, f" because no identity-based policy allows the {ACTION} action", evaluation.reason
        )
    context = {
        "accessKey": caller.access_key_id,
        "accountId": caller.account_id,
        "callerId": caller.user_id,
        "cognitoIdentity": None,
        "principalOrgId": None,
        "userArn": caller.arn,
        "userId": caller.user_id,
    }
    return allow("iam", f"iam authorization: {caller.arn} may invoke {resource} ({evaluation.reason})", context)


def _access_denied(caller: Caller, resource: str, suffix: str, reason: str) -> AuthDecision:
    # AWS's knowledge center shows this text; the "Message" key (capital M) is what REST APIs return for
    # IAM denials. Whether HTTP APIs spell it the same way is not documented.
    message = f"User: {caller.arn} is not authorized to perform: {ACTION} on resource: {resource}{suffix}"
    return denied(
        "iam", {"Message": message}, "AccessDeniedException", f"iam authorization: {caller.arn} refused: {reason}"
    )
