"""Every env the schema accepts plans: hypothesis draws valid env files (tests/parity/valid_envs.py), crossgate
turns each into the module variables it would pass (crossgate/synth/stacks.py), and `terraform test` plans
every provider and central module call with a mocked aws provider: no validation or precondition may fire.

One terraform test file per module, one run per module call, one `terraform test` per module (a run that
errors makes terraform skip the runs after it: the failure names the first env that does not plan, the
skipped ones show as skipped). No credentials, no emulator, no deploy.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings

from crossgate.config import Environment, load_environment
from crossgate.runner.terraform import Terraform
from crossgate.synth.stacks import central_variables, provider_variables
from tests.hcl_copies import copy_hcl_modules, error_text, terraform_test_events
from tests.parity.valid_envs import MOCK_ZONE_IDS, MOCK_ZONE_NAMES, valid_envs

pytestmark = pytest.mark.terraform

ENVS = 20
"""Envs drawn: each costs ~1 s of terraform CPU per module call (2 cores shared with the rest of the suite)."""

_ZONES = (f"names = {json.dumps(list(MOCK_ZONE_NAMES))}\n"
          f"      zone_ids = {json.dumps(list(MOCK_ZONE_IDS))}")
# Each module's own mock defaults (modules/<module>/tests/mocks, kept by the copy below), with what plans of
# every env need on top: all six mocked zones with their AZ ids, and (central) the endpoint services' and the
# given subnets' AZs. A block here replaces the module's block of the same type whole.
PROVIDER_MOCKS = f"""
mock_provider "aws" {{
  source = "./tests/mocks"

  mock_data "aws_availability_zones" {{
    defaults = {{
      {_ZONES}
    }}
  }}
}}
"""
CENTRAL_MOCKS = f"""
mock_provider "aws" {{
  source = "./tests/mocks"

  mock_data "aws_availability_zones" {{
    defaults = {{
      {_ZONES}
    }}
  }}
  # Every endpoint service serves all six AZs (which it does is AWS's answer at plan, not the env's).
  mock_data "aws_vpc_endpoint_service" {{ defaults = {{ availability_zones = {json.dumps(list(MOCK_ZONE_NAMES))} }} }}
  mock_data "aws_subnet" {{ defaults = {{ availability_zone = "us-east-1a", availability_zone_id = "use1-az3" }} }}
}}
"""


_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
"""HCL's string escapes (no \\b or \\f as in JSON); other control characters as \\uNNNN."""


def hcl(value: Any) -> str:
    """A JSON-shaped value as an HCL expression (strings escaped, ${ and %{ kept literal)."""
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(str(k))} = {hcl(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(hcl(v) for v in value) + "]"
    if isinstance(value, str):
        return '"' + "".join(_ESCAPES.get(c, f"\\u{ord(c):04x}" if ord(c) < 0x20 or ord(c) == 0x7F else c)
                             for c in value).replace("${", "$${").replace("%{", "%%{") + '"'
    return json.dumps(value)


def run_block(name: str, variables: dict[str, Any]) -> str:
    lines = "\n".join(f"    {key} = {hcl(value)}" for key, value in variables.items())
    return f'run "{name}" {{\n  command = plan\n\n  variables {{\n{lines}\n  }}\n}}\n'


def generated_envs(tmp: Path) -> list[Environment]:
    """ENVS valid env files, derandomized (the same every run), each loaded as crossgate would."""
    drawn: list[tuple[str, dict[str, Any]]] = []

    @settings(max_examples=ENVS, database=None, derandomize=True, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(valid_envs())
    def collect(env: tuple[str, dict[str, Any]]) -> None:
        drawn.append(env)

    collect()
    loaded = []
    for number, (name, data) in enumerate(drawn):
        path = tmp / f"env{number:02d}.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        loaded.append(load_environment(path))  # the strategy draws only valid envs: the schema accepts each
        assert loaded[-1].name == name
    return loaded


def endpoint_service_name(env: Environment, service: str, index: int) -> str:
    region = env.config.services[service].region
    return f"com.amazonaws.vpce.{region}.vpce-svc-{index:017x}"


def _results(tf: Terraform) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Each run's status and its error diagnostics, from `terraform test -json`."""
    status: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    for event in terraform_test_events(tf):
        if event.get("type") == "test_run" and "status" in event.get("test_run", {}):
            status[event["test_run"]["run"]] = event["test_run"]["status"]
        if (text := error_text(event)) is not None:
            errors.setdefault(event.get("@testrun", "?"), []).append(text)
    return status, errors


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("parity")
    envs = generated_envs(tmp)
    # Without the modules' own test files (their tests/mocks stay: the mocks above use them).
    copy_root = copy_hcl_modules(tmp / "repo", without=("*.tftest.hcl", "examples"))
    # One file per module, one run per module call: the aws provider's schema loads once per file.
    runs: dict[str, dict[str, str]] = {"provider": {}, "central": {}}
    blocks: dict[str, list[str]] = {"provider": [PROVIDER_MOCKS], "central": [CENTRAL_MOCKS]}
    for number, env in enumerate(envs):
        names = {}
        for index, service in enumerate(env.config.services):
            names[service] = endpoint_service_name(env, service, number * 10 + index)
            run = f"env{number:02d}_{index}"
            blocks["provider"].append(run_block(run, provider_variables(env, service)))
            runs["provider"][run] = f"{env.path.name} service {service}"
        run = f"env{number:02d}"
        blocks["central"].append(run_block(run, central_variables(env, names)))
        runs["central"][run] = env.path.name
    for module in ("provider", "central"):
        (copy_root / "modules" / module / "tests").mkdir(exist_ok=True)
        (copy_root / "modules" / module / "tests" / "parity.tftest.hcl").write_text(
            "\n".join(blocks[module]), encoding="utf-8")
    outcome: dict[str, Any] = {"envs": envs, "runs": runs, "tmp": tmp}
    for module in ("provider", "central"):
        tf = Terraform(copy_root / "modules" / module)
        tf.run("init", "-backend=false", "-input=false", "-no-color")
        outcome[module] = _results(tf)
    return outcome


def test_the_strategy_reaches_the_edges(planned: dict[str, Any]) -> None:
    """The envs cover what the brief names: longest names, several services, pins, both network shapes."""
    envs: list[Environment] = planned["envs"]
    services = [s for env in envs for s in env.config.services.values()]
    assert len(envs) == ENVS
    assert any(len(env.name) + 1 + len(s) == 24 for env in envs for s in env.config.services)
    assert any(len(env.name) + 1 + len(env.config.central.api.name) == 32 for env in envs)
    assert any(len(env.config.services) >= 2 for env in envs)
    assert any(s.endpoint_ips for s in services) and any(s.route_overrides for s in services)
    assert any(env.config.central.authorizers for env in envs)
    assert any(s.workload.nlb_arn for s in services) and any(s.workload.fargate for s in services)


@pytest.mark.parametrize("module", ["provider", "central"])
def test_every_accepted_env_plans(planned: dict[str, Any], module: str) -> None:
    status, errors = planned[module]
    runs: dict[str, str] = planned["runs"][module]
    failed = {f"{name} ({runs[name]})": errors.get(name, [f"run status {status.get(name, 'missing')}"])
              for name in runs if status.get(name) != "pass" or errors.get(name)}
    stray = {k: v for k, v in errors.items() if k not in runs}
    assert not failed and not stray, json.dumps({"failed": failed, "other errors": stray}, indent=1)[:20000]

