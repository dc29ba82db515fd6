"""crossgate iam: the policies follow the real stacks (every shipped env synthesized), trust and state rules."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from crossgate import names
from crossgate.cli import main
from crossgate.config import Environment, load_environment
from crossgate.errors import CrossgateError
from crossgate.iam import account_policies, env_inventories
from crossgate.iam.catalog import DATA_SOURCES, RESOURCES
from crossgate.iam.documents import missing_types
from crossgate.iam.inventory import Inventory, module_inventory
from crossgate.paths import ENVS, MODULES, REPO_ROOT

SHIPPED = sorted(p.stem for p in ENVS.glob("*.yaml"))
ACTION_RE = re.compile(r"^[a-z0-9-]+:[A-Za-z0-9*]+$")


@pytest.fixture(scope="module")
def inventories(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Environment, dict[str, Inventory]]]:
    out: dict[str, tuple[Environment, dict[str, Inventory]]] = {}
    for name in SHIPPED:
        env = load_environment(ENVS / f"{name}.yaml")
        out[name] = (env, env_inventories(env, tmp_path_factory.mktemp(f"synth-{name}")))
    return out


def test_every_type_the_shipped_envs_manage_has_a_catalog_entry(
        inventories: dict[str, tuple[Environment, dict[str, Inventory]]]) -> None:
    for name, (env, stacks) in inventories.items():
        assert set(stacks) == set(names.stack_names(env.name, env.config.services)), name
        for stack, inventory in stacks.items():
            assert "aws_vpc_endpoint" in inventory.resources or "aws_vpc_endpoint_service" in inventory.resources
            assert missing_types(inventory) == [], f"{name}/{stack}: add these to crossgate/iam/catalog.py"


def test_the_inventory_follows_nested_modules() -> None:
    central = module_inventory(MODULES / "central")
    assert "aws_apigatewayv2_api" in central.resources
    assert "aws_vpc" in central.resources  # modules/private_network, called by central
    assert "aws_network_interface" in central.data_sources  # eni_lookup, called by central
    assert "aws_ecs_service" not in central.resources


def test_catalog_actions_are_well_formed() -> None:
    for type_name, grants in {**RESOURCES, **DATA_SOURCES}.items():
        for grant in grants:
            assert grant.actions and grant.resources, type_name
            for action in grant.actions:
                assert ACTION_RE.match(action), f"{type_name}: {action}"


def _actions(document: dict[str, object]) -> set[str]:
    found: set[str] = set()
    for statement in document["Statement"]:  # type: ignore[attr-defined]
        actions = statement["Action"]
        found.update([actions] if isinstance(actions, str) else actions)
    return found


def test_permissions_cover_only_each_accounts_stacks(
        inventories: dict[str, tuple[Environment, dict[str, Inventory]]]) -> None:
    env, stacks = inventories["multi"]
    policies = {p.account_id: p for p in account_policies(env, stacks, github_repo="acme/gateway")}
    assert set(policies) == {"111111111111", "222222222222", "333333333333"}
    central, employee = policies["111111111111"], policies["222222222222"]
    assert central.stacks == ("multi-central",)
    assert employee.stacks == ("multi-provider-employee", "multi-provider-reports")
    assert "apigateway:POST" in _actions(central.permissions)
    assert not any(a.startswith("ecs:") for a in _actions(central.permissions))  # ECS lives in provider accounts
    assert "ecs:CreateService" in _actions(employee.permissions)
    assert not any(a.startswith("apigateway:") for a in _actions(employee.permissions))
    assert "iam:CreateUser" not in _actions(employee.permissions)
    text = json.dumps(employee.permissions)
    assert "arn:aws:iam::222222222222:role/multi-*" in text  # IAM roles scoped by the env's prefix
    assert "loadbalancer/net/multi-*" in text
    for region in ("us-west-1", "us-east-1"):  # reports runs in us-east-1
        assert f"arn:aws:logs:{region}:222222222222:log-group:*/multi-*" in text


def test_state_bucket_statements_cover_every_stack_key_and_its_lockfile(
        inventories: dict[str, tuple[Environment, dict[str, Inventory]]]) -> None:
    env, stacks = inventories["dev"]
    policies = {p.account_id: p for p in account_policies(env, stacks, github_repo="acme/gateway")}
    statements = policies["111111111111"].permissions["Statement"]
    listing = next(s for s in statements if s.get("Sid") == "StateList")
    assert listing == {"Sid": "StateList", "Effect": "Allow", "Action": "s3:ListBucket",
                       "Resource": "arn:aws:s3:::acme-crossgate-tfstate"}
    objects = next(s for s in statements if s.get("Sid") == "StateObjects")
    assert objects["Action"] == ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"]
    # the provider stacks by pattern: a dropped service's state must stay reachable until it is destroyed
    for stack in ("dev-central", "dev-provider-*"):
        key = f"arn:aws:s3:::acme-crossgate-tfstate/crossgate/dev/{stack}.tfstate"
        assert key in objects["Resource"] and f"{key}.tflock" in objects["Resource"]
    assert len(objects["Resource"]) == 4
    assert "s3:" not in json.dumps(policies["222222222222"].permissions)  # the backend runs as the CI's role


def test_trust_github_oidc_in_central_and_the_central_role_everywhere(
        inventories: dict[str, tuple[Environment, dict[str, Inventory]]]) -> None:
    env, stacks = inventories["dev"]
    admin = "arn:aws:iam::999999999999:role/platform-admin"
    policies = {p.account_id: p for p in account_policies(env, stacks, github_repo="acme/gateway",
                                                          principals=[admin])}
    central = policies["111111111111"].trust["Statement"]
    oidc = central[0]
    assert oidc["Principal"] == {
        "Federated": "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"}
    assert oidc["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert oidc["Condition"] == {
        "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
        "StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/gateway:*"}}
    for account in ("111111111111", "222222222222"):
        chained = policies[account].trust["Statement"][-1]
        assert chained["Action"] == "sts:AssumeRole"
        assert chained["Principal"] == {"AWS": sorted([admin, "arn:aws:iam::111111111111:role/crossgate-deployer"])}
    assert all("Federated" not in json.dumps(s) for s in policies["222222222222"].trust["Statement"])


@pytest.mark.parametrize(("repo", "principals", "field"), [
    (None, [], "--github-repo"), ("not a repo", [], "--github-repo"), (None, ["someone"], "--principal")])
def test_bad_options_name_the_field(inventories: dict[str, tuple[Environment, dict[str, Inventory]]],
                                    repo: str | None, principals: list[str], field: str) -> None:
    env, stacks = inventories["dev"]
    with pytest.raises(CrossgateError, match=field):
        account_policies(env, stacks, github_repo=repo, principals=principals)


def test_cli_writes_two_files_per_account(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "iam"
    assert main(["iam", "--env", str(REPO_ROOT / "envs" / "dev.yaml"), "--out", str(out),
                 "--github-repo", "acme/gateway"]) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "111111111111-permissions.json", "111111111111-trust.json",
        "222222222222-permissions.json", "222222222222-trust.json"]
    assert json.loads((out / "222222222222-trust.json").read_text())["Statement"][0]["Action"] == "sts:AssumeRole"
    printed = capsys.readouterr().out
    assert "arn:aws:iam::111111111111:role/crossgate-deployer" in printed and "dev-provider-employee" in printed


def test_cli_without_a_trusted_identity_fails_with_the_fix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["iam", "--env", "dev", "--out", str(tmp_path)]) != 0
    assert "--github-repo" in capsys.readouterr().err


def test_each_permissions_policy_fits_an_inline_role_policy(
        inventories: dict[str, tuple[Environment, dict[str, Inventory]]]) -> None:
    # IAM quotas: a role's inline policies may total 10,240 characters (whitespace not counted)
    for name, (env, stacks) in inventories.items():
        for item in account_policies(env, stacks, github_repo="acme/gateway"):
            size = len(json.dumps(item.permissions, separators=(",", ":")))
            assert size < 10_240, f"{name}/{item.account_id}: {size} characters"
