"""Every ```hcl usage block of modules/*/README.md plans, the way cloud-foundation-fabric tests its README examples.

Fabric (tests/examples/conftest.py) parses each README, makes every fenced ``hcl`` block one test named by its
module and position, writes it into a fixture root module and plans it. Here each block becomes the ``main.tf``
of a temp root module beside a copy of the modules (its ``source`` pointed at that copy: the blocks are written
for different callers, ``./modules/central``, ``../modules/provider``, ``../private_network``), every ``var.x`` it
uses declared with a null default, and is planned by ``terraform test`` with a mocked aws provider (no
credentials, no emulator: the blocks name placeholder ids, endpoint services and NLBs that exist nowhere).
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from crossgate.paths import TERRAFORM_CLI_CONFIG
from tests.hcl_copies import copy_hcl_modules

pytestmark = [pytest.mark.terraform]

ROOT = Path(__file__).resolve().parents[1]
MODULES = ("central", "provider", "private_network")
_BLOCK = re.compile(r"^```hcl\n(.*?)^```$", re.S | re.M)
_SOURCE = re.compile(r'source\s*=\s*"[^"]*?(?:modules/|\.\./)(' + "|".join(MODULES) + r')"')

# Plan-time values the modules check (ARNs, AZs, ENIs); anything else the mock provider invents.
_MOCKS = """
mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { name = "us-east-1" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "222222222222" }
  }
  mock_data "aws_availability_zones" {
    defaults = { names = ["us-east-1a", "us-east-1b"], zone_ids = ["use1-az1", "use1-az2"] }
  }
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{}" }
  }
  mock_resource "aws_lb" {
    defaults = { arn = "arn:aws:elasticloadbalancing:us-east-1:222222222222:loadbalancer/net/employee/abc" }
  }
  mock_resource "aws_lb_target_group" {
    defaults = { arn = "arn:aws:elasticloadbalancing:us-east-1:222222222222:targetgroup/employee/abc" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::222222222222:role/employee-ecs-execution" }
  }
  mock_resource "aws_ecs_cluster" {
    defaults = { arn = "arn:aws:ecs:us-east-1:222222222222:cluster/employee" }
  }
  mock_resource "aws_ecs_task_definition" {
    defaults = { arn = "arn:aws:ecs:us-east-1:222222222222:task-definition/employee:1" }
  }
  mock_resource "aws_vpc" {
    defaults = { id = "vpc-0123456789abcdef0", cidr_block = "10.20.0.0/16" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:us-east-1:111111111111:log-group:/crossgate/logs" }
  }
  mock_resource "aws_service_discovery_service" {
    defaults = { arn = "arn:aws:servicediscovery:us-east-1:111111111111:service/srv-abc" }
  }
  mock_resource "aws_apigatewayv2_api" {
    defaults = {
      arn           = "arn:aws:apigateway:us-east-1::/apis/abc123"
      execution_arn = "arn:aws:execute-api:us-east-1:111111111111:abc123"
      api_endpoint  = "https://abc123.execute-api.us-east-1.amazonaws.com"
    }
  }
  mock_resource "aws_vpc_endpoint" {
    defaults = { network_interface_ids = ["eni-0000000000000000a", "eni-0000000000000000b"] }
  }
  mock_data "aws_network_interface" {
    defaults = { private_ip = "10.0.0.10", subnet_id = "subnet-0000000000000000a", availability_zone = "us-east-1a" }
  }
}

run "plan" {
  command = plan
}
"""


def _blocks() -> list[tuple[str, str]]:
    found = []
    for module in MODULES:
        text = (ROOT / "modules" / module / "README.md").read_text()
        found += [(f"{module}:{index}", block) for index, block in enumerate(_BLOCK.findall(text), start=1)]
    return found


BLOCKS = _blocks()


def test_every_module_readme_has_a_usage_block() -> None:
    assert {name.split(":")[0] for name, _ in BLOCKS} == set(MODULES)


def _root_module(block: str) -> str:
    """The block with each module source pointed at the modules copy (../modules/<name>)."""
    rewritten, count = _SOURCE.subn(lambda m: f'source = "../modules/{m.group(1)}"', block)
    assert count == block.count("source"), f"a source in this block is not one of {MODULES}:\n{block}"
    return rewritten


@pytest.mark.parametrize(("name", "block"), BLOCKS, ids=[name for name, _ in BLOCKS])
def test_readme_block_plans(name: str, block: str, tmp_path: Path) -> None:
    copy_hcl_modules(tmp_path, without=(".terraform*", "terraform.tfstate*", "examples", "tests"))
    root = tmp_path / "readme"
    (root / "tests").mkdir(parents=True)
    (root / "main.tf").write_text(_root_module(block))
    # The caller's provider configuration (a README block configures none); terraform test mocks it.
    (root / "providers.tf").write_text('provider "aws" {\n  region = "us-east-1"\n}\n')
    variables = sorted(set(re.findall(r"\bvar\.([A-Za-z_][A-Za-z0-9_-]*)", block)))
    (root / "variables.tf").write_text("".join(f'variable "{v}" {{\n  default = null\n}}\n' for v in variables))
    (root / "tests" / "readme.tftest.hcl").write_text(_MOCKS)
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "CHECKPOINT_DISABLE": "1",
           "TF_IN_AUTOMATION": "1", "TF_INPUT": "0"}
    if TERRAFORM_CLI_CONFIG.exists():
        env["TF_CLI_CONFIG_FILE"] = str(TERRAFORM_CLI_CONFIG)
    for args in (["init", "-backend=false", "-input=false", "-no-color"], ["test", "-no-color"]):
        done = subprocess.run(["terraform", *args], cwd=root, env=env, text=True, capture_output=True, timeout=600)
        assert done.returncode == 0, f"{name}: terraform {args[0]} failed:\n{done.stdout}\n{done.stderr}"
