"""Ejected folders plan what crossgate's JSON stacks plan, for every shipped env; envs/local.yaml's ejected
folders deploy, re-plan with 0 changes and destroy with plain ``terraform`` (this file's one deploy).

All against one emulator of this module's own. dev and multi target real accounts, so they are planned as
emulator copies (target: emulator, no S3 state; the same services, routes and module inputs). Provider
stacks plan standalone. The central stack needs its providers' state: for local it reads the state the
ejected provider stack really applied; for dev and multi (no deploy: cost) both forms read a stand-in
state holding only the providers' outputs, written to the backend's keys, so both plans read the same data.
For local, each form is also planned on the other's state: only CDKTF's cross-stack output changes.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml

from crossgate import emulator, names
from crossgate.config import Credentials, Environment, Service, load_environment
from crossgate.eject import Ejected, ModuleSources, eject
from crossgate.eject.rewrite import CROSS_OUTPUT
from crossgate.ops.aws_sessions import AccountSessions
from crossgate.paths import ENVS, TERRAFORM_CLI_CONFIG
from crossgate.synth import Manifest, synthesize

pytestmark = [pytest.mark.e2e, pytest.mark.terraform]

SHIPPED = sorted(p.stem for p in ENVS.glob("*.yaml"))


def run_terraform(folder: Path, url: str, *args: str,
                  codes: tuple[int, ...] = (0,)) -> subprocess.CompletedProcess[str]:
    env = {**emulator.terraform_environment(url, os.environ), "TF_CLI_CONFIG_FILE": str(TERRAFORM_CLI_CONFIG),
           "CHECKPOINT_DISABLE": "1", "TF_IN_AUTOMATION": "1"}
    env = {k: v for k, v in env.items() if not k.startswith("TF_VAR_") and k != "TF_DATA_DIR"}
    interactive = args[0] in ("init", "plan", "apply", "destroy")
    flags = ["-input=false", "-no-color"] if interactive else ["-no-color"]
    command, *rest = args  # flags before a positional argument (apply PLANFILE)
    result = subprocess.run(["terraform", f"-chdir={folder}", command, *flags, *rest], env=env,
                            capture_output=True, text=True, timeout=900, check=False)
    assert result.returncode in codes, f"terraform {' '.join(args)} in {folder}:\n{result.stderr}{result.stdout}"
    return result


def planned(folder: Path, url: str) -> dict[str, Any]:
    """``terraform show -json`` of a fresh plan in ``folder``."""
    run_terraform(folder, url, "init")
    run_terraform(folder, url, "plan", "-out=eject.plan", "-detailed-exitcode", codes=(0, 2))
    return dict(json.loads(run_terraform(folder, url, "show", "-json", "eject.plan").stdout))


def changes(plan: dict[str, Any]) -> dict[str, Any]:
    """Resource address -> (actions, planned values, unknown and sensitive markers)."""
    return {rc["address"]: (rc["change"]["actions"], rc["change"].get("after"), rc["change"].get("after_unknown"),
                            rc["change"].get("after_sensitive"))
            for rc in plan.get("resource_changes", [])}


def output_changes(plan: dict[str, Any]) -> dict[str, Any]:
    return {name: (c["actions"], c.get("after"), c.get("after_unknown"))  # no "after" while it is unknown
            for name, c in plan.get("output_changes", {}).items() if not name.startswith(CROSS_OUTPUT)}


def emulator_copy(name: str, folder: Path) -> Path:
    """An emulator-target copy of a shipped env (same name, services and inputs)."""
    data = yaml.safe_load((ENVS / f"{name}.yaml").read_text())
    data["target"] = "emulator"
    data.pop("state", None)
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def stand_in_endpoint_service(sessions: AccountSessions, service: Service, central: Credentials) -> str:
    """A real endpoint service over an NLB in the service's account (boto3, no terraform): the central
    module looks each one up by name at plan time."""
    ec2, elbv2 = sessions.client(service, "ec2"), sessions.client(service, "elbv2")
    vpc = ec2.create_vpc(CidrBlock="10.90.0.0/16")["Vpc"]["VpcId"]
    zones = [z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"]][:2]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.90.{i}.0/24", AvailabilityZone=zone)["Subnet"]["SubnetId"]
               for i, zone in enumerate(zones)]
    lb = elbv2.create_load_balancer(Name=f"stand-in-{service.account_id}-{len(subnets)}-{vpc[-6:]}",
                                    Subnets=subnets, Scheme="internal", Type="network")
    config = ec2.create_vpc_endpoint_service_configuration(
        NetworkLoadBalancerArns=[lb["LoadBalancers"][0]["LoadBalancerArn"]],
        AcceptanceRequired=False)["ServiceConfiguration"]
    principals = [f"arn:aws:iam::{central.account_id}:root", *([central.role_arn] if central.role_arn else [])]
    ec2.modify_vpc_endpoint_service_permissions(ServiceId=config["ServiceId"], AddAllowedPrincipals=principals)
    return str(config["ServiceName"])


def write_stand_in_state(url: str, env: Environment, manifest: Manifest) -> None:
    """Each provider stack's state as only its outputs (what the central stack reads), in the backend."""
    keys = emulator.terraform_environment(url)
    s3 = boto3.client("s3", endpoint_url=url, region_name=emulator.EMULATOR_REGION,
                      aws_access_key_id=keys["AWS_ACCESS_KEY_ID"], aws_secret_access_key=keys["AWS_SECRET_ACCESS_KEY"])
    sessions = AccountSessions(emulator_url=url)
    for name, service in env.config.services.items():
        stack = names.provider_stack(env.name, name)
        service_name = stand_in_endpoint_service(sessions, service, env.config.central)
        outputs = json.loads((manifest.stack(stack).directory / "cdk.tf.json").read_text())["output"]
        state = {"version": 4, "terraform_version": "1.11.4", "serial": 1, "lineage": f"stand-in-{stack}",
                 "outputs": {output: {"value": service_name, "type": "string", **(
                     {"sensitive": True} if body.get("sensitive") else {})}
                     for output, body in outputs.items() if "endpoint_service_name" in output},
                 "resources": [], "check_results": None}
        s3.put_object(Bucket=emulator.STATE_BUCKET, Key=names.state_key(env.name, stack), Body=json.dumps(state))


@dataclass
class EnvPlans:
    """An env's JSON stacks and ejected folders, and their plans by stack."""

    env: Environment
    manifest: Manifest
    ejected: Ejected
    json_plans: dict[str, dict[str, Any]] = field(default_factory=dict)
    ejected_plans: dict[str, dict[str, Any]] = field(default_factory=dict)

    def plan_both(self, url: str, stack: str) -> None:
        self.json_plans[stack] = planned(self.manifest.stack(stack).directory, url)
        self.ejected_plans[stack] = planned(self.ejected.out_dir / stack, url)


@dataclass
class Lab:
    url: str
    root: Path
    envs: dict[str, EnvPlans] = field(default_factory=dict)
    deployed: list[str] = field(default_factory=list)
    replans: dict[str, int] = field(default_factory=dict)
    state_swaps: dict[str, dict[str, Any]] = field(default_factory=dict)

    def prepare(self, name: str) -> EnvPlans:
        folder = self.root / name
        folder.mkdir()
        path = ENVS / f"{name}.yaml" if name == "local" else emulator_copy(name, folder)
        env = load_environment(path)
        manifest = synthesize(env, folder / "cdktf.out", emulator_url=self.url)
        plans = EnvPlans(env, manifest, eject(env, manifest, folder / "ejected", ModuleSources()))
        self.envs[name] = plans
        return plans


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    root = tmp_path_factory.mktemp("eject")
    with emulator.Emulator(state_dir=root / "emulator-state") as running:
        lab = Lab(running.endpoint_url, root)
        try:
            for name in SHIPPED:
                if name != "local":
                    plans = lab.prepare(name)
                    providers = [s.name for s in plans.manifest.stacks if s.dependencies == ()]
                    for stack in providers:
                        plans.plan_both(lab.url, stack)
                    write_stand_in_state(lab.url, plans.env, plans.manifest)
                    plans.plan_both(lab.url, names.central_stack(name))
            local = lab.prepare("local")
            provider, central = names.provider_stack("local", "employee"), names.central_stack("local")
            json_provider = local.manifest.stack(provider).directory
            local.plan_both(lab.url, provider)
            run_terraform(local.ejected.out_dir / provider, lab.url, "apply", "-auto-approve")
            lab.deployed.append(provider)
            # crossgate's form on the ejected stack's state: only CDKTF's cross-stack output is added. Applying
            # it (outputs only) lets the JSON central stack read that output, so both central forms plan alike.
            lab.state_swaps["json on ejected state"] = planned(json_provider, lab.url)
            run_terraform(json_provider, lab.url, "apply", "eject.plan")
            local.plan_both(lab.url, central)
            run_terraform(local.ejected.out_dir / central, lab.url, "apply", "-auto-approve")
            lab.deployed.append(central)
            # and back: the ejected form on crossgate's state drops that output, nothing else
            lab.state_swaps["ejected on json state"] = planned(local.ejected.out_dir / provider, lab.url)
            run_terraform(local.ejected.out_dir / provider, lab.url, "apply", "eject.plan")
            for stack in (provider, central):
                lab.replans[stack] = run_terraform(local.ejected.out_dir / stack, lab.url, "plan",
                                                   "-detailed-exitcode", codes=(0, 1, 2)).returncode
            yield lab
        finally:
            for stack in reversed(lab.deployed):  # what the destroy test did not already remove
                run_terraform(lab.envs["local"].ejected.out_dir / stack, lab.url, "destroy", "-auto-approve")


@pytest.mark.parametrize("name", SHIPPED)
def test_ejected_folders_plan_what_the_json_stacks_plan(lab: Lab, name: str) -> None:
    plans = lab.envs[name]
    assert set(plans.ejected_plans) == {s.name for s in plans.manifest.stacks}
    for stack in plans.manifest.stacks:
        json_plan, ejected_plan = plans.json_plans[stack.name], plans.ejected_plans[stack.name]
        expected = changes(json_plan)
        assert expected, f"{stack.name}: the JSON stack plans nothing"
        assert changes(ejected_plan) == expected, stack.name
        assert output_changes(ejected_plan) == output_changes(json_plan), stack.name


def test_the_central_stack_reads_each_provider_by_service_name(lab: Lab) -> None:
    for name, plans in lab.envs.items():
        main = (plans.ejected.out_dir / names.central_stack(name) / "main.tf").read_text()
        for service in plans.env.config.services:
            assert f'data "terraform_remote_state" "{service}"' in main
            assert f"data.terraform_remote_state.{service}.outputs.endpoint_service_name" in main
        assert "cross-stack" not in main


def test_ejected_local_env_deploys_and_replans_with_no_changes(lab: Lab) -> None:
    assert lab.replans == {"local-provider-employee": 0, "local-central": 0}


def test_crossgate_and_ejected_forms_share_state_with_no_resource_change(lab: Lab) -> None:
    """A team ejecting a deployed env keeps its state: switching forms changes only CDKTF's own output."""
    cross_output = f"{CROSS_OUTPUT}moduleserviceendpoint_service_name"
    for swap, plan in lab.state_swaps.items():
        actions = {tuple(rc["change"]["actions"]) for rc in plan.get("resource_changes", [])}
        assert actions <= {("no-op",), ("read",)}, (swap, actions)
        changed = {name: c["actions"] for name, c in plan.get("output_changes", {}).items()
                   if c["actions"] != ["no-op"]}
        assert changed == {cross_output: ["create"] if swap == "json on ejected state" else ["delete"]}, swap


def test_ejected_local_env_destroys_central_first_then_providers(lab: Lab) -> None:
    ejected = lab.envs["local"].ejected.out_dir
    for stack in list(reversed(lab.deployed)):
        run_terraform(ejected / stack, lab.url, "destroy", "-auto-approve")
        lab.deployed.remove(stack)
        state = json.loads(run_terraform(ejected / stack, lab.url, "show", "-json").stdout)
        assert not state.get("values", {}).get("root_module", {}).get("child_modules"), stack
