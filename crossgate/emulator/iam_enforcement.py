"""An emulator that enforces IAM: moto's own policy evaluation, switched on after crossgate set up identities.

How moto 5.2.5 does it (read in moto/core/authorization.py, moto/iam/access_control.py): every request of a
service answered through ``BaseResponse.call_action`` (EC2, ECS, ELBv2, Logs, Cloud Map, API Gateway v2, EFS,
IAM, STS, ...) and S3's own handlers is checked once ``ActionAuthenticatorMixin.request_count`` reaches
``settings.INITIAL_NO_AUTH_ACTION_COUNT`` (env var ``INITIAL_NO_AUTH_ACTION_COUNT``, default infinity = off;
``POST /moto-api/reset-auth`` with a number sets it at run time and restarts the count). A checked request
must carry a SigV4 signature of a known key (an IAM user's access key, or an assumed role's key + token), and
the identity policies of that user/role (inline + attached; groups for users) must allow
``<signing service>:<action>``; an explicit Deny wins. What moto does NOT evaluate (so neither does the emulator):

* resources, except for S3 (bucket/object ARNs), STS AssumeRole (the role ARN) and IAM calls naming an
  existing role: every other request is evaluated against the resource ``*``;
* conditions in identity policies (an Allow with a Condition counts as a Deny), permission boundaries, SCPs,
  session policies, resource-based policies (bucket policies, ...);
* role trust policies, except when the caller assumes a role of its own account (cross-account AssumeRole
  is allowed by the caller's identity policy alone);
* actions an API call implies (iam:PassRole, iam:CreateServiceLinkedRole), and requests moto serves outside
  ``call_action`` (its ``/moto-api`` endpoints) or crossgate's own ``/_crossgate`` control and gateway calls.

Three patches make moto's evaluation match AWS where a correct policy would otherwise be refused (applied only
in an enforcing emulator): (1) a statement's ``Resource`` matches a request whose resource moto does not know
(``*``), since AWS would match it against the real ARN, which moto cannot give; the emulator thus checks
actions, not resources, there. (2) API Gateway's management actions are the HTTP verbs (``apigateway:POST``
on ``arn:aws:apigateway:<region>::/apis``, API Gateway developer guide "Control access for invoking an API" /
Service Authorization Reference "Amazon API Gateway Management"), where moto would ask for ``apigateway:CreateApi``.
(3) moto checks the signature of a request without a body against the wrong payload hash (see
:func:`_patch_empty_body_signature`). Each refusal is logged in the emulator log (``IAM denied ...``).
"""

from __future__ import annotations

import json
import urllib.request
from dataclasses import dataclass
from typing import Any

from crossgate.emulator.settings import (
    BASE_ACCOUNT_ID,
    EMULATOR_REGION,
    FAKE_ACCESS_KEY_ID,
    FAKE_SECRET_ACCESS_KEY,
    assume_role_arn,
    terraform_environment,
)

ENFORCE_VARIABLE = "CROSSGATE_EMULATOR_ENFORCE_IAM"
"""Set (to 1) in the child's environment: apply the patches and make the base credentials an IAM user."""

BASE_USER = "crossgate-emulator"
"""The IAM user (base account) owning the emulator's fake base credentials once IAM is enforced: the CI identity."""


@dataclass(frozen=True)
class DeployerRole:
    """A role to create in one account before enforcement starts."""

    account_id: str
    name: str
    trust: dict[str, Any]
    permissions: dict[str, Any]


@dataclass(frozen=True)
class IamSetup:
    """What an enforcing emulator holds when it starts checking: roles, and the base user's own policy."""

    roles: tuple[DeployerRole, ...]
    base_user_policy: dict[str, Any]

    @classmethod
    def assuming(cls, role: DeployerRole) -> IamSetup:
        """One role, and a base user allowed exactly to assume it (the shape a test of one identity needs)."""
        arn = f"arn:aws:iam::{role.account_id}:role/{role.name}"
        return cls((role,), {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": arn}]})


# -- child side -------------------------------------------------------------------------------------------------
def prepare_child() -> None:
    """In the server process, before it serves: patch moto's evaluation and create the base user with the
    emulator's fixed fake key (IAM's CreateAccessKey picks random ids; terraform and boto3 already use these)."""
    _patch_unknown_resource()
    _patch_apigateway_verbs()
    _patch_empty_body_signature()
    _log_denials()
    from moto.iam.models import iam_backends

    backend = iam_backends[BASE_ACCOUNT_ID]["aws"]
    if BASE_USER in backend.users:
        return
    backend.create_user(region_name=EMULATOR_REGION, user_name=BASE_USER)
    key = backend.create_access_key(BASE_USER)
    backend.access_keys.pop(key.physical_resource_id, None)
    key.access_key_id = FAKE_ACCESS_KEY_ID
    key.secret_access_key = FAKE_SECRET_ACCESS_KEY
    backend.access_keys[key.physical_resource_id] = key


def _patch_unknown_resource() -> None:
    from moto.iam.access_control import IAMPolicyStatement

    original = IAMPolicyStatement._check_element_matches

    def check_element_matches(self: IAMPolicyStatement, statement_element: Any, value: str) -> bool:
        if statement_element in ("Resource", "NotResource") and value == "*":
            return bool(statement_element == "Resource")  # moto does not know the resource: match it (see above)
        return bool(original(self, statement_element, value))

    IAMPolicyStatement._check_element_matches = check_element_matches  # type: ignore[method-assign]


def _patch_apigateway_verbs() -> None:
    from moto.iam.access_control import IAMRequestBase

    original = IAMRequestBase.__init__

    def init(self: IAMRequestBase, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        if self._service == "apigateway":
            self._action = f"apigateway:{self._method}"

    IAMRequestBase.__init__ = init  # type: ignore[method-assign]


def _patch_empty_body_signature() -> None:
    """SigV4 signs the hash of the bytes sent (AWS General Reference, "Create a canonical request": the
    payload hash of an empty body is the hash of the empty string); moto re-signs a body-less request
    (REST GETs: EFS DescribeFileSystems, API Gateway GetApis) over its parsed parameters instead, so every
    such request fails with SignatureDoesNotMatch."""
    from moto.iam.access_control import IAMRequestBase

    original = IAMRequestBase._create_aws_request

    def create_aws_request(self: IAMRequestBase) -> Any:
        request = original(self)
        if not self._body and int(self._headers.get("Content-Length") or 0) == 0:  # nothing was sent
            request.data = b""
        return request

    IAMRequestBase._create_aws_request = create_aws_request  # type: ignore[method-assign]


def _log_denials() -> None:
    """One line per refused request in the emulator log: which identity lacked which action on what."""
    import sys

    from moto.iam.access_control import IAMRequestBase

    original = IAMRequestBase.check_action_permitted

    def check_action_permitted(self: IAMRequestBase, resource: str) -> None:
        try:
            original(self, resource)
        except Exception:
            print(f"crossgate emulator: IAM denied {self._access_key.arn} {self._action} on {resource}",
                  file=sys.stderr, flush=True)
            raise

    IAMRequestBase.check_action_permitted = check_action_permitted  # type: ignore[method-assign]


# -- client side ------------------------------------------------------------------------------------------------
def bootstrap(endpoint_url: str, setup: IamSetup) -> None:
    """Create the roles and the base user's policy (enforcement still off), then turn enforcement on."""
    import boto3

    env = terraform_environment(endpoint_url)
    base = boto3.Session(aws_access_key_id=env["AWS_ACCESS_KEY_ID"], aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
                         region_name=EMULATOR_REGION)
    for role in setup.roles:
        found = base.client("sts", endpoint_url=endpoint_url).assume_role(
            RoleArn=assume_role_arn(role.account_id), RoleSessionName="crossgate-bootstrap")["Credentials"]
        iam = boto3.client("iam", endpoint_url=endpoint_url, region_name=EMULATOR_REGION,
                           aws_access_key_id=found["AccessKeyId"], aws_secret_access_key=found["SecretAccessKey"],
                           aws_session_token=found["SessionToken"])
        iam.create_role(RoleName=role.name, AssumeRolePolicyDocument=json.dumps(role.trust))
        iam.put_role_policy(RoleName=role.name, PolicyName="crossgate-deploy",
                            PolicyDocument=json.dumps(role.permissions))
    base.client("iam", endpoint_url=endpoint_url).put_user_policy(
        UserName=BASE_USER, PolicyName="crossgate-ci", PolicyDocument=json.dumps(setup.base_user_policy))
    enforce(endpoint_url)


def enforce(endpoint_url: str, after: int = 0) -> None:
    """Check every request from now on (moto's ``/moto-api/reset-auth``; ``after`` requests pass unchecked)."""
    request = urllib.request.Request(f"{endpoint_url}/moto-api/reset-auth", data=str(after).encode(), method="POST",
                                     headers={"Content-Type": "text/plain"})  # a form body would be parsed away
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()
