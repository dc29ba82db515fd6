"""Who signed a request: the emulator's credentials, found in moto's IAM and STS state in any account.

IAM users' access keys live in each account's IAM backend (``access_keys``, keyed by id); STS assume-role
sessions add a temporary key to the role's account and an ``AssumedRole`` (secret, session token, expiry)
to that account's STS backend. The caller's identity policies are the user's inline and attached policies
plus its groups' (AWS IAM User Guide, "Policy evaluation logic"), or the role's for a role session, and a
session policy passed to AssumeRole further limits a role session.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from moto.core.utils import utcnow
from moto.iam.models import iam_backends
from moto.sts.models import sts_backends

from crossgate.emulator.backends import existing, lookup


@dataclass(frozen=True)
class Caller:
    """One set of credentials and the identity behind it."""

    access_key_id: str
    secret_access_key: str
    account_id: str
    arn: str
    user_id: str
    session_token: str | None = None
    active: bool = True
    expired: bool = False
    policies: list[str] = field(default_factory=list)
    """JSON documents of the identity's policies."""
    session_policy: str | None = None


def find_caller(access_key_id: str) -> Caller | None:
    """The credentials with this access key id in any account the emulator holds, or None."""
    for account_id, partition, backend in existing(iam_backends):
        key = backend.access_keys.get(access_key_id)
        if key is None:
            continue
        if key.user_name:
            return _user_caller(backend, key, account_id)
        return _session_caller(backend, key, account_id, partition)
    return None


def _user_caller(backend: Any, key: Any, account_id: str) -> Caller | None:
    try:
        user = backend.get_user(key.user_name)
    except Exception:  # the user was deleted but the key lingers in the index
        return None
    if not any(candidate.access_key_id == key.access_key_id for candidate in user.access_keys):
        return None
    policies = [*user.policies.values(), *(_document(policy) for policy in user.managed_policies.values())]
    for group in backend.get_groups_for_user(user.name):
        policies += [*group.policies.values(), *(_document(policy) for policy in group.managed_policies.values())]
    return Caller(
        access_key_id=key.access_key_id,
        secret_access_key=key.secret_access_key,
        account_id=account_id,
        arn=user.arn,
        user_id=user.id,
        active=key.status == "Active",
        policies=policies,
    )


def _session_caller(backend: Any, key: Any, account_id: str, partition: str) -> Caller | None:
    sts = lookup(sts_backends, account_id, partition)
    session = next(
        (role for role in (sts.assumed_roles if sts else []) if role.access_key_id == key.access_key_id), None
    )
    if session is None:
        return None
    role_name = session.role_arn.split("/")[-1]
    try:
        role = backend.get_role(role_name)
        policies = [*role.policies.values(), *(_document(policy) for policy in role.managed_policies.values())]
    except Exception:  # moto lets a session exist for a role it does not hold: it then has no policies
        policies = []
    return Caller(
        access_key_id=key.access_key_id,
        secret_access_key=session.secret_access_key,
        account_id=account_id,
        arn=session.arn,
        user_id=session.user_id,
        session_token=session.session_token,
        expired=session.expiration <= utcnow(),
        policies=policies,
        session_policy=session.policy or None,
    )


def _document(policy: Any) -> str:
    """The default version's document of a managed policy."""
    for version in policy.versions:
        if version.is_default:
            return str(version.document)
    return str(policy.versions[-1].document)
