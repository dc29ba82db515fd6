"""May the task execution role read a container secret? Evaluated only while the emulator enforces IAM.

AWS behaviour followed: ECS reads a task's secrets with its task execution role ("To use the Amazon ECS
secrets feature, you must have the Amazon ECS task execution role and reference it in your task
definition"; the role needs ``secretsmanager:GetSecretValue`` on a Secrets Manager secret, ``ssm:GetParameters``
on a Parameter Store parameter, and ``kms:Decrypt`` for a customer managed key: Amazon ECS developer guide,
"Amazon ECS task execution IAM role", section "Required IAM permissions for Amazon ECS secrets"). A refused
read stops the task like any other unreadable secret (:mod:`.secrets`); the stoppedReason then carries the
AccessDeniedException the agent got. Its wording follows what users report from AWS ("... AccessDeniedException:
User: arn:aws:sts::<account>:assumed-role/<role>/<task id> is not authorized to perform: ssm:GetParameters on
resource: <arn> because no identity-based policy allows the ssm:GetParameters action status code: 400, request
id: ..."; the explicit-deny form "with an explicit deny in an identity-based policy" is IAM's documented
pattern). AWS does not document the whole text, so its exact form is unsure.

How it is evaluated: only when moto checks requests (``/moto-api/reset-auth`` switched enforcement on,
:mod:`crossgate.emulator.iam_enforcement`); otherwise nothing is checked, as before. The role's identity
policies - inline and attached managed ones, read from moto's IAM backend of the role's account - are
evaluated with moto's own classes (``moto.iam.access_control.IAMPolicy``) for that action on the secret's or
parameter's ARN, as moto evaluates a request: an explicit Deny in any policy wins, otherwise one Allow is
needed. NOT evaluated: conditions (moto has no request context here; a statement with a Condition that
names the action counts as a Deny, as moto does for requests), permission boundaries, SCPs, the secret's
resource policy, the role's trust policy (that ``ecs-tasks.amazonaws.com`` may assume it), ``kms:Decrypt`` on
a customer managed key, and ``secretsmanager:GetSecretValue`` for an SSM parameter that references a
Secrets Manager secret (``/aws/reference/secretsmanager/...``, not resolved by the emulator). A Secrets
Manager ``valueFrom`` is checked against the ARN it names (unsure whether AWS evaluates a partial ARN against
the secret's full one).

A task definition with secrets but no ``executionRoleArn``: AWS refuses it at RegisterTaskDefinition, and so
does the emulator (patch ``ecs-secrets-need-an-execution-role``); one restored from an older emulator's state
fails to start in an enforcing emulator, with a reason of crossgate's own wording. An
execution role that does not exist: AWS launches no task and reports "ECS was unable to assume the role
'<arn>' that was provided for this task. ..." as a service event (as users report it); the emulator stops the
task with that text as its reason instead (it models no service events).
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from crossgate.emulator.backends import moto_lock
from crossgate.emulator.patches.ecs import SECRETS_NEED_EXECUTION_ROLE
from crossgate.emulator.workloads.secrets import (
    PREFIX,
    ParameterRef,
    SecretsManagerRef,
    SecretUnavailable,
    asm_failure,
    ssm_failure,
)

Authorize = Callable[[SecretsManagerRef | ParameterRef], None]
"""Raises :class:`SecretUnavailable` when the execution role may not read that secret."""

ASSUME_FAILURE = ("ECS was unable to assume the role '{role}' that was provided for this task. Please verify that "
                  "the role being passed has the proper trust relationship and permissions and that your IAM user "
                  "has permissions to pass this role.")


def enforcing() -> bool:
    """Whether moto checks requests now (the same switch moto's ``ActionAuthenticatorMixin`` reads)."""
    from moto import settings
    from moto.core.authorization import ActionAuthenticatorMixin

    return bool(ActionAuthenticatorMixin.request_count >= settings.INITIAL_NO_AUTH_ACTION_COUNT)


@dataclass(frozen=True)
class ExecutionRole:
    """The role ECS reads the secrets with, and the session it would run as (named after the task)."""

    arn: str
    account_id: str
    partition: str
    name: str
    session: str
    by_name: bool = False  # ``executionRoleArn`` was a bare role name

    @property
    def session_arn(self) -> str:
        return f"arn:{self.partition}:sts::{self.account_id}:assumed-role/{self.name}/{self.session}"


def execution_role(role_arn: str, account_id: str, task_id: str) -> ExecutionRole:
    """Parse the task definition's ``executionRoleArn`` (a bare role name is a role of the task's account)."""
    if not role_arn.startswith("arn:"):
        return ExecutionRole(f"arn:aws:iam::{account_id}:role/{role_arn}", account_id, "aws", role_arn, task_id, True)
    parts = role_arn.split(":", 5)
    name = parts[5].rsplit("/", 1)[-1] if len(parts) == 6 else role_arn
    return ExecutionRole(role_arn, parts[4] if len(parts) == 6 else account_id, parts[1] or "aws", name, task_id)


def _policies(role: ExecutionRole) -> list[Any] | None:
    """The role's inline + attached managed policies (moto's shapes), or None when the role does not exist."""
    from moto.iam.models import iam_backends

    from crossgate.emulator.backends import lookup

    backend = lookup(iam_backends, role.account_id, role.partition)
    if backend is None:
        return None
    with moto_lock():
        found = next((r for r in backend.get_roles()
                      if r.name == role.name and (role.by_name or r.arn == role.arn)), None)
        if found is None:
            return None
        policies: list[Any] = [found.policies[name] for name in found.policies]  # inline: the JSON text
        policies += list(found.managed_policies.values())  # moto's ManagedPolicy (default version read)
    return policies


def decision(policies: list[Any], action: str, resource: str) -> str:
    """``"allowed"``, ``"explicit"`` (a Deny names it) or ``"implicit"`` (nothing allows it), as moto decides."""
    from moto.iam.access_control import IAMPolicy, PermissionResult

    allowed = False
    for policy in policies:
        result = IAMPolicy(policy).is_action_permitted(action, resource)
        if result == PermissionResult.DENIED:
            return "explicit"
        allowed = allowed or result == PermissionResult.PERMITTED
    return "allowed" if allowed else "implicit"


def parameter_arn(ref: ParameterRef, partition: str = "aws") -> str:
    """The parameter's ARN (``arn:...:parameter/a/b`` for ``/a/b``); a ``:version``/``:label`` selector is dropped
    (parameter names cannot hold ``:``)."""
    name = ref.name.split(":", 1)[0].lstrip("/")
    return f"arn:{partition}:ssm:{ref.region}:{ref.account_id}:parameter/{name}"


def _denied(role: ExecutionRole, action: str, resource: str, verdict: str) -> str:
    why = ("with an explicit deny in an identity-based policy" if verdict == "explicit"
           else f"because no identity-based policy allows the {action} action")
    print(f"crossgate emulator: IAM denied {role.session_arn} {action} on {resource} (task execution role)",
          file=sys.stderr, flush=True)
    return (f"AccessDeniedException: User: {role.session_arn} is not authorized to perform: {action} on resource: "
            f"{resource} {why} status code: 400, request id: {uuid.uuid4()}")


def authorizer(definition: Any, account_id: str, task_id: str) -> Authorize | None:
    """The check for one task's secrets, or None when IAM is not enforced (every read is then allowed)."""
    if not enforcing():
        return None
    role_arn = str(getattr(definition, "execution_role_arn", None) or "")
    if not role_arn:
        def no_role(ref: SecretsManagerRef | ParameterRef) -> None:
            raise SecretUnavailable(
                f"{PREFIX}crossgate emulator: the task definition has no executionRoleArn, so "
                f"ECS has no credentials to read its secrets (AWS refuses such a task definition: "
                f"\"{SECRETS_NEED_EXECUTION_ROLE}\")")

        return no_role
    role = execution_role(role_arn, account_id, task_id)
    policies = _policies(role)

    def authorize(ref: SecretsManagerRef | ParameterRef) -> None:
        if policies is None:
            raise SecretUnavailable(ASSUME_FAILURE.format(role=role.arn))
        if isinstance(ref, SecretsManagerRef):
            action, resource = "secretsmanager:GetSecretValue", ref.secret_id
            verdict = decision(policies, action, resource)
            if verdict != "allowed":
                raise asm_failure(f"service call has been retried 1 time(s): failed to fetch secret {resource} from "
                                  f"secrets manager: {_denied(role, action, resource, verdict)}")
            return
        action, resource = "ssm:GetParameters", parameter_arn(ref, role.partition)
        verdict = decision(policies, action, resource)
        if verdict != "allowed":
            raise ssm_failure(f"service call has been retried 1 time(s): {_denied(role, action, resource, verdict)}")

    return authorize

