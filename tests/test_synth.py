"""Synthesized stacks: names, one guarded provider each, cross-stack wiring, module calls, backends."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from crossgate.config import load_environment
from crossgate.paths import ENVS, MODULES
from crossgate.runner.terraform import Terraform
from crossgate.synth import Manifest, synthesize
from crossgate.synth.engine_setting import ENGINES
from tests.test_config import VALID

ENV_NAMES = sorted(p.stem for p in ENVS.glob("*.yaml"))


def stack_json(manifest: Manifest, name: str) -> dict[str, Any]:
    return json.loads((manifest.stack(name).directory / "cdk.tf.json").read_text())


@pytest.fixture(scope="module")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Manifest]:
    outdir = tmp_path_factory.mktemp("cdktf.out")
    return {name: synthesize(load_environment(ENVS / f"{name}.yaml"), outdir) for name in ENV_NAMES}


def test_stack_names_and_dependencies(synthesized: dict[str, Manifest]) -> None:
    multi = synthesized["multi"]
    assert [s.name for s in multi.stacks] == [
        "multi-central", "multi-provider-employee", "multi-provider-payroll", "multi-provider-reports",
    ]
    assert set(multi.stack("multi-central").dependencies) == {
        "multi-provider-employee", "multi-provider-payroll", "multi-provider-reports",
    }
    layers = [[s.name for s in layer] for layer in multi.layers()]
    assert layers[-1] == ["multi-central"] and len(layers) == 2


def test_one_guarded_provider_per_stack(synthesized: dict[str, Manifest]) -> None:
    config = load_environment(ENVS / "multi.yaml").config
    expected = {"multi-central": config.central}
    expected.update({f"multi-provider-{name}": svc for name, svc in config.services.items()})
    for stack, creds in expected.items():
        providers = stack_json(synthesized["multi"], stack)["provider"]["aws"]
        assert len(providers) == 1
        (provider,) = providers
        assert provider["region"] == creds.region
        assert provider["allowed_account_ids"] == [creds.account_id]
        assert provider["assume_role"] == [{"role_arn": creds.role_arn, "session_name": "crossgate"}]
        assert provider["default_tags"][0]["tags"]["crossgate:stack"] == stack
        assert "endpoints" not in provider, "real targets never get emulator endpoints"


def test_required_provider_is_a_range_admitting_5_100(synthesized: dict[str, Manifest]) -> None:
    for manifest in synthesized.values():
        for stack in manifest.stacks:
            required = stack_json(manifest, stack.name)["terraform"]["required_providers"]["aws"]
            assert required == {"source": "hashicorp/aws", "version": ">= 5.83, < 7.0"}


def test_endpoint_service_name_flows_through_a_cross_stack_reference(synthesized: dict[str, Manifest]) -> None:
    manifest = synthesized["multi"]
    central = stack_json(manifest, "multi-central")
    services = central["module"]["central"]["services"]
    for name in ("employee", "payroll", "reports"):
        reference = services[name]["endpoint_service_name"]
        remote_state = f"cross-stack-reference-input-multi-provider-{name}"
        assert reference.startswith(f"${{data.terraform_remote_state.{remote_state}.")
        producer = stack_json(manifest, f"multi-provider-{name}")
        output_name = reference.rsplit(".", 1)[-1].rstrip("}")
        assert producer["output"][output_name]["value"] == "${module.service.endpoint_service_name}"
    remote = central["data"]["terraform_remote_state"]["cross-stack-reference-input-multi-provider-payroll"]
    assert remote["backend"] == "s3"
    assert remote["config"]["key"] == "crossgate/multi/multi-provider-payroll.tfstate"


def test_module_wiring(synthesized: dict[str, Manifest]) -> None:
    manifest = synthesized["multi"]
    central_stack = manifest.stack("multi-central")
    central = stack_json(manifest, "multi-central")["module"]["central"]
    assert (central_stack.directory / central["source"]).resolve() == (MODULES / "central").resolve()
    assert central["services"]["reports"]["service_region"] == "us-east-1"
    assert "service_region" not in central["services"]["employee"]
    assert central["services"]["employee"]["authorization"] == {
        "type": "JWT", "authorizer": "corporate", "scopes": ["employees.read"]}
    assert central["services"]["reports"]["authorization"] == {"type": "AWS_IAM"}
    assert central["authorizers"]["corporate"]["type"] == "JWT"

    payroll = stack_json(manifest, "multi-provider-payroll")["module"]["service"]
    assert (manifest.stack("multi-provider-payroll").directory / payroll["source"]).resolve() == \
        (MODULES / "provider").resolve()
    assert payroll["nlb_arn"].startswith("arn:aws:elasticloadbalancing:us-west-1:333333333333:")
    assert "fargate" not in payroll
    assert payroll["allowed_principals"] == ["arn:aws:iam::111111111111:role/crossgate-deployer"]

    reports = stack_json(manifest, "multi-provider-reports")["module"]["service"]
    assert reports["supported_regions"] == ["us-west-1"], "cross-region service must admit the central region"
    assert reports["fargate"]["container_port"] == 8080
    assert reports["allowed_principals"] == ["arn:aws:iam::111111111111:root"]


def test_backends(synthesized: dict[str, Manifest], tmp_path: Path) -> None:
    dev = stack_json(synthesized["dev"], "dev-central")["terraform"]["backend"]["s3"]
    assert dev["bucket"] == "acme-crossgate-tfstate" and dev["use_lockfile"] is True and dev["encrypt"] is True
    assert dev["key"] == "crossgate/dev/dev-central.tfstate"

    local = stack_json(synthesized["local"], "local-central")
    backend = local["terraform"]["backend"]["s3"]
    assert backend["use_lockfile"] is True and backend["use_path_style"] is True
    assert backend["endpoints"]["s3"].startswith("http://127.0.0.1:")
    assert local["provider"]["aws"][0]["endpoints"][0]["ec2"].startswith("http://127.0.0.1:")

    # No state block: local state under .crossgate/<env>/, by a path relative to the stack folder.
    path = tmp_path / "plain.yaml"
    path.write_text(yaml.safe_dump(VALID))
    manifest = synthesize(load_environment(path), tmp_path / "out")
    stack = manifest.stack("plain-central")
    state_path = stack_json(manifest, "plain-central")["terraform"]["backend"]["local"]["path"]
    assert not os.path.isabs(state_path)
    assert (stack.directory / state_path).resolve().parts[-3:] == ("plain", "state", "plain-central.tfstate")


def test_emulator_url_reaches_every_endpoint(tmp_path: Path) -> None:
    manifest = synthesize(load_environment(ENVS / "local.yaml"), tmp_path, emulator_url="http://127.0.0.1:45678")
    for stack in manifest.stacks:
        data = stack_json(manifest, stack.name)
        endpoints = data["provider"]["aws"][0]["endpoints"][0]
        assert set(endpoints.values()) == {"http://127.0.0.1:45678"}
        assert {"ec2", "ecs", "elbv2", "servicediscovery", "apigatewayv2", "sts", "iam", "logs"} <= set(endpoints)
        assert data["provider"]["aws"][0]["skip_requesting_account_id"] is False


def test_hcl_synth_replaces_json(tmp_path: Path) -> None:
    env = load_environment(ENVS / "dev.yaml")
    synthesize(env, tmp_path)
    manifest = synthesize(env, tmp_path, hcl=True)
    stack = manifest.stack("dev-central")
    assert not (stack.directory / "cdk.tf.json").exists()
    text = (stack.directory / "cdk.tf").read_text()
    assert 'provider "aws"' in text and "assume_role {" in text and "allowed_account_ids" in text
    assert 'module "central"' in text


@pytest.mark.terraform
@pytest.mark.parametrize("env_name", ENV_NAMES)
@pytest.mark.parametrize("hcl", [False, True], ids=["json", "hcl"])
@pytest.mark.parametrize("engine", ENGINES)
def test_every_synthesized_stack_validates(tmp_path: Path, env_name: str, hcl: bool, engine: str) -> None:
    """Every shipped env, with each CDK engine (cdktf and its fork cdktn), as JSON and as HCL."""
    manifest = synthesize(load_environment(ENVS / f"{env_name}.yaml"), tmp_path, hcl=hcl, engine=engine)
    for stack in manifest.stacks:
        tf = Terraform(stack.directory)
        tf.run("init", "-backend=false", "-input=false", "-no-color")
        tf.validate()


def test_synth_of_one_env_leaves_an_env_sharing_its_prefix_untouched(tmp_path: Path) -> None:
    """Stacks are an env's by exact name: synthesizing env `a` (JSON or HCL) never touches env `a-b`'s."""
    envs = {}
    for name in ("a", "a-b"):
        (tmp_path / f"{name}.yaml").write_text((ENVS / "local.yaml").read_text())
        envs[name] = load_environment(tmp_path / f"{name}.yaml")
    outdir = tmp_path / "out"
    other = synthesize(envs["a-b"], outdir)
    files = {s.name: (s.directory / "cdk.tf.json").read_bytes() for s in other.stacks}

    own = synthesize(envs["a"], outdir, hcl=True)
    assert {s.name for s in own.stacks} == {"a-central", "a-provider-employee"}
    for stack in other.stacks:
        assert (stack.directory / "cdk.tf.json").read_bytes() == files[stack.name], stack.name
        assert not (stack.directory / "cdk.tf").exists()


def test_the_synth_child_gets_the_validated_env_as_data(tmp_path: Path) -> None:
    """synth hands the env over as JSON: a YAML edited after validation cannot reach the stacks."""
    from crossgate.config import Environment

    env = load_environment(ENVS / "multi.yaml")
    assert Environment.from_json(env.to_json()) == env
    copy = tmp_path / "late.yaml"
    copy.write_text((ENVS / "local.yaml").read_text())
    late = load_environment(copy)
    copy.write_text("not: [valid")  # the child must not read this
    manifest = synthesize(late, tmp_path / "out")
    assert {s.name for s in manifest.stacks} == {"late-central", "late-provider-employee"}


def test_shared_storage_reaches_the_provider_module(synthesized: dict[str, Manifest]) -> None:
    for env_name in ("local", "dev"):
        employee = stack_json(synthesized[env_name], f"{env_name}-provider-employee")["module"]["service"]
        assert employee["fargate"]["shared_storage"] == {"path": "/data"}
        assert employee["fargate"]["environment"] == {"EMPLOYEE_DB": "/data/employees.db"}
    reports = stack_json(synthesized["multi"], "multi-provider-reports")["module"]["service"]
    assert "shared_storage" not in reports["fargate"], "shared storage stays opt-in"
