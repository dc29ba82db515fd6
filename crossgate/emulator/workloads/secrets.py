"""A container definition's ``secrets``, read as ECS reads them at task start, for the local process's environment.

AWS behaviour followed (Amazon ECS developer guide, "Pass sensitive data to an Amazon ECS container", "Pass
Secrets Manager secrets through Amazon ECS environment variables", "Pass Systems Manager parameters through
Amazon ECS environment variables"; ECS API reference ``Secret``):

* each entry is ``{"name": <environment variable>, "valueFrom": ...}``; the value is read once, when the task
  starts (a secret rotated later reaches only new tasks);
* Secrets Manager: ``valueFrom`` is the secret's full ARN, optionally followed by
  ``:json-key:version-stage:version-id`` (each part may be empty, e.g. ``...:secret:db-AbCdEf:password::``);
  the secret string is injected whole, or only the value of ``json-key`` in it; version stage / id select the
  version (AWSCURRENT when neither is given, as GetSecretValue does). The account and region are the ARN's;
* Systems Manager Parameter Store: ``valueFrom`` is the parameter's full ARN, or - when the parameter is in
  the task's own Region - its name; SecureString parameters are decrypted (ECS calls GetParameters with
  decryption); a ``name:version`` / ``name:label`` selector is passed on as GetParameters accepts it;
* a secret that cannot be retrieved stops the task before any container starts, ``stopCode``
  ``TaskFailedToStart``, ``stoppedReason`` starting ``ResourceInitializationError: unable to pull secrets or
  registry auth`` (developer guide "Troubleshoot Amazon ECS ResourceInitializationError errors"). The rest of
  each reason below follows the wording the Fargate agent is reported to give ("unable to retrieve secret from
  asm: ... ResourceNotFoundException ...", "retrieved secret from Secrets Manager did not contain json key
  <key>", "unable to retrieve secrets from ssm: ... invalid ssm parameters: <name>"); AWS does not document
  those tails, so their exact text is unsure.

The task execution role's permissions (``secretsmanager:GetSecretValue`` / ``ssm:GetParameters`` on that ARN)
are evaluated before each read only while the emulator enforces IAM (:mod:`.secret_access`, passed in as
``authorize``); a refusal stops the task with the AccessDeniedException in the stoppedReason.

Not modelled (unsure points, said where they matter): a cross-account SSM
parameter is read from the account its ARN names (AWS allows that only for shared advanced-tier parameters);
a secret with only ``SecretBinary`` fails the task (unsure what ECS does with it).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from crossgate.emulator.backends import lookup, moto_lock

PREFIX = "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: "


class SecretUnavailable(Exception):
    """A secret ECS could not retrieve: ``reason`` is the task's stoppedReason."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class SecretsManagerRef:
    """A Secrets Manager ``valueFrom``: the secret, and the optional JSON key / version stage / version id."""

    account_id: str
    region: str
    secret_id: str
    json_key: str | None = None
    version_stage: str | None = None
    version_id: str | None = None


@dataclass(frozen=True)
class ParameterRef:
    """An SSM ``valueFrom``: the parameter name (``name`` or ``name:version``/``name:label``) where it lives."""

    account_id: str
    region: str
    name: str


def asm_failure(detail: str) -> SecretUnavailable:
    return SecretUnavailable(f"{PREFIX}unable to retrieve secret from asm: {detail}")


def ssm_failure(detail: str) -> SecretUnavailable:
    return SecretUnavailable(f"{PREFIX}unable to retrieve secrets from ssm: {detail}")


def parse(value_from: str, account_id: str, region: str) -> SecretsManagerRef | ParameterRef:
    """Where ``valueFrom`` points; a name that is no ARN is a parameter of the task's own account and Region."""
    if not value_from.startswith("arn:"):
        return ParameterRef(account_id, region, value_from)
    parts = value_from.split(":")
    if len(parts) < 6:
        raise ssm_failure(f"invalid ssm parameters: {value_from}")
    service, arn_region, arn_account = parts[2], parts[3], parts[4]
    if service == "ssm":
        path = ":".join(parts[5:])
        if not path.startswith("parameter/"):
            raise ssm_failure(f"invalid ssm parameters: {value_from}")
        return ParameterRef(arn_account, arn_region, path[len("parameter/"):])
    resource = parts[5:]
    if service != "secretsmanager" or len(resource) not in (2, 5) or resource[0] != "secret":
        raise asm_failure(f"trying to retrieve secret with value {value_from} resulted in error: an invalid "
                           "ARN format for the AWS Secrets Manager secret was specified. Specify a valid ARN and "
                           "try again.")

    def part(index: int) -> str | None:
        return (resource[index] or None) if index < len(resource) else None

    return SecretsManagerRef(arn_account, arn_region, ":".join(parts[:7]), part(2), part(3), part(4))


def _secret_string(ref: SecretsManagerRef) -> str:
    from moto.secretsmanager.models import secretsmanager_backends

    backend = lookup(secretsmanager_backends, ref.account_id, ref.region)
    prefix = f"service call has been retried 1 time(s): failed to fetch secret {ref.secret_id} from secrets manager: "
    if backend is None:
        raise asm_failure(prefix + "ResourceNotFoundException: Secrets Manager can't find the specified secret.")
    try:
        with moto_lock():
            answer: dict[str, Any] = backend.get_secret_value(ref.secret_id, ref.version_id, ref.version_stage)
    except Exception as error:  # moto's JsonRESTError subclasses: ResourceNotFound, InvalidRequest (deleted), ...
        code = getattr(error, "error_type", type(error).__name__)
        raise asm_failure(f"{prefix}{code}: {getattr(error, 'message', str(error))}") from None
    if "SecretString" not in answer:
        raise asm_failure(f"secret {ref.secret_id} has no SecretString (crossgate emulator: unsure how ECS injects "
                           "a binary secret; it is refused)")
    return str(answer["SecretString"])


def _secrets_manager_value(ref: SecretsManagerRef) -> str:
    text = _secret_string(ref)
    if ref.json_key is None:
        return text
    try:
        document = json.loads(text)
    except ValueError:
        document = None
    if not isinstance(document, dict) or ref.json_key not in document:
        raise asm_failure(f"retrieved secret from Secrets Manager did not contain json key {ref.json_key}")
    value = document[ref.json_key]
    # A string is injected as is; unsure how ECS renders a number/object value - the emulator gives its JSON text.
    return value if isinstance(value, str) else json.dumps(value)


def _parameter_value(ref: ParameterRef) -> str:
    from moto.ssm.models import ssm_backends

    backend = lookup(ssm_backends, ref.account_id, ref.region)
    # An ARN's ``parameter/a/b`` is the name ``/a/b``; ``parameter/a`` is ``a`` (or ``/a``): try both.
    candidates = [ref.name] if ref.name.startswith("/") else [ref.name, f"/{ref.name}"]
    with moto_lock():
        for name in candidates:
            try:
                parameter = None if backend is None else backend.get_parameter(name)
            except Exception:  # ParameterVersionNotFound: an unknown version selector
                parameter = None
            if parameter is not None:
                value = parameter.decrypt(parameter.value)  # SecureString: decrypted, as ECS asks for
                if value is not None:
                    return str(value)
    raise ssm_failure(f"service call has been retried 1 time(s): invalid ssm parameters: {ref.name}")


def resolve(container: Mapping[str, Any], account_id: str, region: str,
            authorize: Callable[[SecretsManagerRef | ParameterRef], None] | None = None) -> dict[str, str]:
    """``{variable: value}`` for the container's ``secrets``; raises :class:`SecretUnavailable` on the first
    secret that cannot be read (the task must not start). ``authorize`` (the execution role's check, when IAM
    is enforced) runs before each read: AWS authorizes the call before it looks the secret up."""
    values: dict[str, str] = {}
    for entry in container.get("secrets") or []:
        name, value_from = str(entry.get("name") or ""), str(entry.get("valueFrom") or "")
        if not name or not value_from:
            continue  # RegisterTaskDefinition requires both; nothing to inject
        ref = parse(value_from, account_id, region)
        if authorize is not None:
            authorize(ref)
        values[name] = _secrets_manager_value(ref) if isinstance(ref, SecretsManagerRef) else _parameter_value(ref)
    return values
