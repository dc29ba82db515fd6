"""Real terraform + aws provider 5.100.0 against the patched emulator, across two accounts.

Applies tests/emulator/fixtures/patched_differences (one resource per patched moto difference),
checks the results with boto3, asserts that a second plan is empty, then destroys.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import CENTRAL_ACCOUNT, PROVIDER_ACCOUNT, AccountClient
from emulator_network import make_internal_nlb, make_network

from crossgate.emulator import (
    EMULATOR_REGION,
    STATE_BUCKET,
    Emulator,
    assume_role_arn,
    backend_settings,
    provider_settings,
    terraform_environment,
)
from crossgate.runner.terraform import plugin_cache_turn

FIXTURE = Path(__file__).parent / "fixtures" / "patched_differences"
STATE_KEY = "tests/patched_differences.tfstate"

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.terraform,
    pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform is not on PATH"),
]


def _write_target(workdir: Path, endpoint_url: str) -> None:
    """The emulator-specific part of the config, exactly as crossgate generates it: JSON files."""
    providers = [
        {"aws": {"alias": alias, "region": EMULATOR_REGION, "allowed_account_ids": [account],
                 "assume_role": [{"role_arn": assume_role_arn(account)}], **provider_settings(endpoint_url)}}
        for alias, account in (("provider_account", PROVIDER_ACCOUNT), ("central_account", CENTRAL_ACCOUNT))
    ]
    (workdir / "providers.tf.json").write_text(json.dumps({"provider": providers}, indent=2))
    backend = {"terraform": {"backend": {"s3": {**backend_settings(endpoint_url), "key": STATE_KEY}}}}
    (workdir / "backend.tf.json").write_text(json.dumps(backend, indent=2))


def _terraform(workdir: Path, env: dict[str, str], *args: str, ok: tuple[int, ...] = (0,)) -> int:
    result = subprocess.run(
        ["terraform", *args, "-input=false", "-no-color"],
        cwd=workdir, env=env, capture_output=True, text=True, timeout=600, check=False,
    )
    assert result.returncode in ok, (
        f"terraform {' '.join(args)} exited {result.returncode}\n{result.stdout[-6000:]}\n{result.stderr[-6000:]}"
    )
    return result.returncode


def _outputs(workdir: Path, env: dict[str, str]) -> dict[str, Any]:
    result = subprocess.run(["terraform", "output", "-json"], cwd=workdir, env=env,
                            capture_output=True, text=True, check=True)
    return {name: value["value"] for name, value in json.loads(result.stdout).items()}


def test_fixture_applies_replans_clean_and_destroys(
    emulator: Emulator, account_client: AccountClient, base_session: Any, tmp_path: Path
) -> None:
    provider_ec2 = account_client(PROVIDER_ACCOUNT, "ec2")
    network = make_network(provider_ec2, "10.10.0.0/16", ["10.10.1.0/24", "10.10.2.0/24"])
    nlb_arn = make_internal_nlb(account_client(PROVIDER_ACCOUNT, "elbv2"), "fixture-nlb", network.subnet_ids)

    workdir = tmp_path / "config"
    shutil.copytree(FIXTURE, workdir, ignore=shutil.ignore_patterns(".terraform*", "*.tfstate*"))
    _write_target(workdir, emulator.endpoint_url)
    (workdir / "terraform.tfvars.json").write_text(json.dumps({
        "region": EMULATOR_REGION,
        "nlb_arn": nlb_arn,
        "provider_subnet_ids": network.subnet_ids,
        "consumer_account_id": CENTRAL_ACCOUNT,
    }))
    env = {**terraform_environment(emulator.endpoint_url, os.environ), "TF_DATA_DIR": str(tmp_path / "tfdata")}

    with plugin_cache_turn():
        _terraform(workdir, env, "init")
    _terraform(workdir, env, "apply", "-auto-approve")
    # The point of every patch: a second plan finds nothing to change.
    _terraform(workdir, env, "plan", "-detailed-exitcode")
    out = _outputs(workdir, env)

    # State lives in the emulator's S3 and the native lockfile is released after the run.
    s3 = base_session.client("s3", endpoint_url=emulator.endpoint_url)
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=STATE_BUCKET).get("Contents", [])]
    assert STATE_KEY in keys
    assert f"{STATE_KEY}.tflock" not in keys

    # Accounts: the endpoint service is the provider account's, the endpoint the central account's.
    assert out["endpoint_ips"] == out["pinned_ips"]
    connections = account_client(PROVIDER_ACCOUNT, "ec2").describe_vpc_endpoint_connections(
        Filters=[{"Name": "service-id", "Values": [out["endpoint_service_id"]]}]
    )["VpcEndpointConnections"]
    assert [(c["VpcEndpointId"], c["VpcEndpointOwner"]) for c in connections] == [
        (out["endpoint_id"], CENTRAL_ACCOUNT)
    ]
    permissions = account_client(PROVIDER_ACCOUNT, "ec2").describe_vpc_endpoint_service_permissions(
        ServiceId=out["endpoint_service_id"]
    )["AllowedPrincipals"]
    assert [p["ServicePermissionId"] for p in permissions] == [out["allowed_principal_id"]]
    service = account_client(PROVIDER_ACCOUNT, "ecs").describe_services(
        cluster=out["ecs_cluster_name"], services=[out["ecs_service_name"]]
    )["services"][0]
    assert service["availabilityZoneRebalancing"] == "ENABLED"
    # awsvpc: the fixture leaves hostPort out, AWS answers it equal to the containerPort, and the provider's
    # container_definitions diff suppression takes that as no change (the clean plan above).
    definition = account_client(PROVIDER_ACCOUNT, "ecs").describe_task_definition(
        taskDefinition=service["taskDefinition"])["taskDefinition"]
    assert definition["containerDefinitions"][0]["portMappings"] == [
        {"containerPort": 80, "hostPort": 80, "protocol": "tcp"}]
    assert ":loadbalancer/net/" in nlb_arn
    [balancer] = account_client(PROVIDER_ACCOUNT, "elbv2").describe_load_balancers(
        LoadBalancerArns=[out["nlb_with_security_groups_arn"]]
    )["LoadBalancers"]
    assert ":loadbalancer/net/crossgate-fixture-sg-nlb/" in balancer["LoadBalancerArn"]
    assert balancer["EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic"] == "off"
    rules = account_client(CENTRAL_ACCOUNT, "ec2").describe_security_group_rules(
        SecurityGroupRuleIds=out["rule_ids"]
    )["SecurityGroupRules"]
    assert sorted(r["Description"] for r in rules) == ["HTTPS from the clients", "HTTPS to the endpoint"]

    _terraform(workdir, env, "destroy", "-auto-approve")
    central_ec2 = account_client(CENTRAL_ACCOUNT, "ec2")
    endpoints = central_ec2.describe_vpc_endpoints(VpcEndpointIds=[out["endpoint_id"]])["VpcEndpoints"]
    assert all(e["State"] == "deleted" for e in endpoints)
    remaining = provider_ec2.describe_vpc_endpoint_service_configurations()["ServiceConfigurations"]
    assert out["endpoint_service_id"] not in [c["ServiceId"] for c in remaining]
