"""The deployer role's two documents per account: who may assume it (trust) and what it may do (permissions).

Sign-in path: CI signs in once, to the central account's deployer role, with GitHub's OIDC token
(AssumeRoleWithWebIdentity; GitHub's guide "Configuring OpenID Connect in Amazon Web Services": provider
``token.actions.githubusercontent.com``, audience ``sts.amazonaws.com``, a ``sub`` condition naming the
repository). Every stack's aws provider then calls sts:AssumeRole on its account's deployer role from that
session, so every deployer role (the central one too: a role assuming itself must be trusted explicitly)
trusts the central deployer role. ``--principal`` adds one more principal (an engineer's role) to every trust.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from crossgate import names
from crossgate.config import Credentials, Environment
from crossgate.config.schema import StateS3
from crossgate.errors import CrossgateError
from crossgate.iam.catalog import DATA_SOURCES, RESOURCES, Grant
from crossgate.iam.inventory import EMPTY, Inventory

GITHUB_OIDC_HOST = "token.actions.githubusercontent.com"
DEFAULT_ROLE_NAME = "crossgate-deployer"
_REPO_RE = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
_PRINCIPAL_RE = re.compile(r"^arn:aws[a-z-]*:(iam|sts)::\d{12}:[A-Za-z0-9+=,.@_/:-]+$")

Document = dict[str, Any]


@dataclass(frozen=True)
class AccountPolicies:
    """One account's deployer role and its two policy documents."""

    account_id: str
    role_arn: str
    stacks: tuple[str, ...]
    trust: Document
    permissions: Document


def role_arn(creds: Credentials) -> str:
    """The deployer role of a stack's account: the env's ``role_arn``, else crossgate's default name."""
    return creds.role_arn or f"arn:aws:iam::{creds.account_id}:role/{DEFAULT_ROLE_NAME}"


def stack_credentials(env: Environment) -> dict[str, Credentials]:
    """Each stack of the env and the account/region/role its provider uses."""
    config = env.config
    stacks: dict[str, Credentials] = {names.provider_stack(env.name, s): svc for s, svc in config.services.items()}
    stacks[names.central_stack(env.name)] = config.central
    return stacks


def check_options(github_repo: str | None, principals: Iterable[str]) -> None:
    if github_repo is None and not list(principals):
        raise CrossgateError("nobody could assume the deployer roles; fix: pass --github-repo ORG/REPO "
                             "and/or --principal ARN")
    if github_repo is not None and not _REPO_RE.match(github_repo):
        raise CrossgateError(f"--github-repo {github_repo!r} is not ORG/REPO; fix: e.g. --github-repo acme/gateway")
    for principal in principals:
        if not _PRINCIPAL_RE.match(principal):
            raise CrossgateError(f"--principal {principal!r} is not an IAM ARN; fix: e.g. "
                                 "--principal arn:aws:iam::111111111111:role/platform-admin")


def trust_policy(account_id: str, central_role: str, *, github_repo: str | None,
                 principals: Iterable[str] = (), central: bool) -> Document:
    """Who may assume this account's deployer role (see the module docstring for the path)."""
    statements: list[Document] = []
    if github_repo is not None and central:
        statements.append({
            "Sid": "GitHubActionsOidc",
            "Effect": "Allow",
            "Principal": {"Federated": f"arn:aws:iam::{account_id}:oidc-provider/{GITHUB_OIDC_HOST}"},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {
                "StringEquals": {f"{GITHUB_OIDC_HOST}:aud": "sts.amazonaws.com"},
                "StringLike": {f"{GITHUB_OIDC_HOST}:sub": f"repo:{github_repo}:*"},
            },
        })
    trusted = ([central_role] if github_repo is not None else []) + sorted(set(principals))
    if trusted:
        statements.append({"Sid": "CrossgateStacks", "Effect": "Allow",
                           "Principal": {"AWS": sorted(set(trusted))}, "Action": "sts:AssumeRole"})
    return {"Version": "2012-10-17", "Statement": statements}


def missing_types(inventory: Inventory) -> list[str]:
    """Types the stacks use that the catalog cannot grant (the coverage test keeps this empty)."""
    return sorted({f"resource {t}" for t in inventory.resources if t not in RESOURCES}
                  | {f"data {t}" for t in inventory.data_sources if t not in DATA_SOURCES})


def _expand(grant: Grant, account_id: str, regions: Iterable[str], prefix: str) -> list[str]:
    out: set[str] = set()
    for template in grant.resources:
        for region in sorted(regions):
            out.add(template.format(partition="aws", account=account_id, region=region, prefix=prefix))
    return sorted(out)


def permissions_policy(inventory: Inventory, account_id: str, regions: Iterable[str], prefix: str,
                       extra: Iterable[Document] = ()) -> Document:
    """Least privilege for these types: their catalog grants, merged per resource set, plus ``extra``."""
    missing = missing_types(inventory)
    if missing:
        raise CrossgateError(f"no IAM entry for {', '.join(missing)}; fix: add it to crossgate/iam/catalog.py")
    grants = [g for t in sorted(inventory.resources) for g in RESOURCES[t]]
    grants += [g for t in sorted(inventory.data_sources) for g in DATA_SOURCES[t]]
    by_resources: dict[tuple[str, ...], set[str]] = {}
    regions = list(regions)
    for grant in grants:
        by_resources.setdefault(tuple(_expand(grant, account_id, regions, prefix)), set()).update(grant.actions)
    statements: list[Document] = []
    for index, (resources, actions) in enumerate(sorted(by_resources.items())):
        statements.append({"Sid": f"Manage{index}", "Effect": "Allow", "Action": _without_covered(actions),
                           "Resource": list(resources) if len(resources) > 1 else resources[0]})
    statements.extend(extra)
    return {"Version": "2012-10-17", "Statement": statements}


def _without_covered(actions: set[str]) -> list[str]:
    """Drop actions a wildcard of the same statement already grants (ec2:DescribeVpcs under ec2:Describe*)."""
    wildcards = [a[:-1] for a in actions if a.endswith("*")]
    return sorted(a for a in actions if a.endswith("*") or not any(a.startswith(w) for w in wildcards))


def state_statements(bucket: str, keys: Iterable[str]) -> list[Document]:
    """The S3 backend's needs (Terraform's S3 backend docs, "Permissions Required"): s3:ListBucket on the bucket,
    Get/Put/Delete on each state key and on its ``.tflock`` lock object (``use_lockfile``, S3 native locking)."""
    objects = sorted({f"arn:aws:s3:::{bucket}/{key}{suffix}" for key in keys for suffix in ("", ".tflock")})
    return [
        {"Sid": "StateList", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": f"arn:aws:s3:::{bucket}"},
        {"Sid": "StateObjects", "Effect": "Allow", "Action": ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
         "Resource": objects},
    ]


def task_role_statements(env: Environment, account_id: str) -> list[Document]:
    """The task roles the env names (``fargate.task_role_arn``) are the team's, not ``<env>-*``: registering a
    task definition with one passes it to ECS, which needs iam:PassRole on it ("Amazon ECS task IAM role",
    https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html), to ECS tasks only."""
    roles = sorted({f.task_role_arn for svc in env.config.services.values()
                    if svc.account_id == account_id and (f := svc.workload.fargate) is not None and f.task_role_arn})
    if not roles:
        return []
    return [{"Sid": "PassTaskRoles", "Effect": "Allow", "Action": "iam:PassRole",
             "Resource": roles if len(roles) > 1 else roles[0],
             "Condition": {"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}}}]


def state_s3(env: Environment) -> StateS3 | None:
    """The env's S3 state settings, None for local or emulator-held state."""
    s3 = getattr(env.config.state, "s3", None)
    return s3 if isinstance(s3, StateS3) else None


def state_keys(env: Environment) -> list[str]:
    """The state keys of the env's stacks under ``state.s3`` (the central stack also reads the provider stacks').

    Provider stacks by pattern, ``<env>-provider-*``, not by today's list: a service the env file drops
    keeps its state until crossgate destroys it (``deploy --allow-destroy``), which reads and deletes that key.
    """
    s3 = state_s3(env)
    if s3 is None:
        return []
    prefix = s3.key_prefix.strip("/")
    return [f"{prefix}/{names.central_stack(env.name)}.tfstate",
            f"{prefix}/{names.provider_stack(env.name, '*')}.tfstate"]


def state_account(env: Environment) -> str:
    """The account whose credentials the S3 backend uses: its ``role_arn``'s, else the CI's (central)."""
    s3 = state_s3(env)
    if s3 is not None and s3.role_arn:
        return s3.role_arn.split(":")[4]
    return env.config.central.account_id


def account_policies(env: Environment, inventories: dict[str, Inventory], *, github_repo: str | None,
                     principals: Iterable[str] = ()) -> list[AccountPolicies]:
    """Per account of the env: its deployer role, trust and least-privilege permissions for its stacks."""
    principals = list(principals)
    check_options(github_repo, principals)
    stacks = stack_credentials(env)
    central = env.config.central
    central_role = role_arn(central)
    accounts = sorted({creds.account_id for creds in stacks.values()})
    s3 = state_s3(env)
    result: list[AccountPolicies] = []
    for account in accounts:
        own = sorted(name for name, creds in stacks.items() if creds.account_id == account)
        roles = sorted({role_arn(stacks[name]) for name in own})
        if len(roles) > 1:
            raise CrossgateError(f"account {account} has several deployer roles ({', '.join(roles)}); fix: give "
                                 "its stacks one role_arn")
        inventory = EMPTY
        for name in own:
            inventory |= inventories[name]
        extra = state_statements(s3.bucket, state_keys(env)) if s3 is not None and account == state_account(env) \
            else []
        extra += task_role_statements(env, account)
        permissions = permissions_policy(inventory, account, {stacks[n].region for n in own}, f"{env.name}-", extra)
        trust = trust_policy(account, central_role, github_repo=github_repo, principals=principals,
                             central=account == central.account_id)
        result.append(AccountPolicies(account, roles[0], tuple(own), trust, permissions))
    return result
