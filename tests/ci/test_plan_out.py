"""The generated Atlantis workflow's own steps, run the way Atlantis runs them (`sh -c` in the project dir with
its variables): `crossgate plan --stack S --plan-out $PLANFILE` leaves a real plan of S that terraform applies
from the stack folder; a central stack waiting for unapplied providers gets a placeholder, and its apply stage
re-plans first and stops. One terraform plan (envs/local.yaml's provider stack) in a fresh emulator."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crossgate import emulator, names
from crossgate.ci import atlantis
from crossgate.ci.layers import layers_of
from crossgate.cli.context import load_env
from crossgate.paths import REPO_ROOT
from crossgate.runner.orchestrate import Orchestrator
from crossgate.runner.terraform import Terraform
from crossgate.synth import Manifest, Stack

pytestmark = [pytest.mark.e2e, pytest.mark.terraform]


@pytest.fixture(scope="module")
def emulator_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with emulator.Emulator(state_dir=tmp_path_factory.mktemp("emulator")) as running:
        yield running.endpoint_url


def run_steps(steps: list[Any], root: Path, stack: str, url: str) -> subprocess.CompletedProcess[str]:
    """Atlantis's way: `env` steps set variables for later steps, each `run` is `sh -c` in the project dir."""
    directory = root / "cdktf.out" / "stacks" / stack
    directory.mkdir(parents=True, exist_ok=True)
    variables = {**os.environ, "DIR": str(directory), "REPO_REL_DIR": f"cdktf.out/stacks/{stack}",
                 "PROJECT_NAME": stack, "PLANFILE": str(directory / f"{stack}-default.tfplan"),
                 "CROSSGATE_EMULATOR_URL": url}
    result = subprocess.CompletedProcess[str]([], 0, "", "")
    for step in steps:
        if isinstance(step, dict) and "env" in step:
            variables[step["env"]["name"]] = subprocess.run(["sh", "-c", step["env"]["command"]], cwd=directory,
                                                            env=variables, capture_output=True, text=True,
                                                            check=True).stdout.strip()
        elif isinstance(step, dict) and "run" in step:
            result = subprocess.run(["sh", "-c", step["run"]], cwd=directory, env=variables, capture_output=True,
                                    text=True, timeout=900, check=False)
            if result.returncode != 0:
                return result
        else:
            raise AssertionError(f"{step!r}: a built-in step, run by Atlantis itself")
    return result


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    """What the generated commands need of a clone: its env file and its crossgate (the checkout's venv)."""
    (tmp_path / "envs").mkdir()
    shutil.copy(REPO_ROOT / "envs" / "local.yaml", tmp_path / "envs" / "local.yaml")
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    (tmp_path / ".venv" / "bin" / "crossgate").symlink_to(REPO_ROOT / ".venv" / "bin" / "crossgate")
    return tmp_path


def test_the_generated_atlantis_steps_plan_into_planfile_and_the_central_waits(emulator_url: str,
                                                                               clone: Path) -> None:
    workflows = atlantis.repo_config([layers_of(load_env("local"))])["workflows"]
    provider, central = names.provider_stack("local", "employee"), names.central_stack("local")

    # The provider project's plan stage: its review is what Atlantis posts, $PLANFILE what `apply` applies.
    result = run_steps(workflows["crossgate-local"]["plan"]["steps"], clone, provider, emulator_url)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[0].endswith("crossgate plan: local")
    stack_dir = clone / "cdktf.out" / "stacks" / provider
    planfile = stack_dir / f"{provider}-default.tfplan"
    assert planfile.stat().st_mode & 0o777 == 0o600
    shown = json.loads(Terraform(stack_dir, extra_env=emulator.terraform_environment(emulator_url))
                       .run("show", "-json", "-no-color", str(planfile)).stdout)
    created = {c["type"] for c in shown["resource_changes"] if c["change"]["actions"] == ["create"]}
    assert {"aws_lb", "aws_vpc_endpoint_service"} <= created

    # The central project waits for its (unapplied) provider: a placeholder keeps it in `atlantis apply`...
    steps = workflows["crossgate-local-central"]
    result = run_steps(steps["plan"]["steps"], clone, central, emulator_url)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "not yet planned: local-central" in result.stdout
    placeholder = clone / "cdktf.out" / "stacks" / central / f"{central}-default.tfplan"
    assert atlantis.PLACEHOLDER in placeholder.read_text()
    # ...and its apply stage plans again first: with the provider still unapplied it stops before `apply`.
    apply_steps = steps["apply"]["steps"]
    assert apply_steps[-1] == "apply"
    result = run_steps(apply_steps[:-1], clone, central, emulator_url)
    assert result.returncode == 1 and "still waits for its provider stacks" in result.stderr
    assert not placeholder.exists(), "--plan-out removes the file a waiting stack must not apply"


def test_a_dependency_this_checkout_never_initialized_is_read_not_taken_as_unapplied(emulator_url: str,
                                                                                     tmp_path: Path) -> None:
    """A CI job plans one stack in a fresh checkout: its dependencies' folders were never `terraform init`ed."""
    dependency = tmp_path / "stacks" / "dep"
    dependency.mkdir(parents=True)
    backend = {**emulator.backend_settings(emulator_url), "key": "ci-tests/dep.tfstate"}
    (dependency / "main.tf.json").write_text(json.dumps({"terraform": {"backend": {"s3": backend}},
                                                         "output": {"ready": {"value": "yes"}}}))
    environment = emulator.terraform_environment(emulator_url)
    applied = Terraform(dependency, extra_env=environment)
    applied.init()
    applied.run("apply", "-auto-approve", "-input=false", "-no-color")
    shutil.rmtree(dependency / ".terraform")  # as a fresh clone has it

    dependent = Stack("dependent", tmp_path / "stacks" / "dependent", ("dep",))
    manifest = Manifest(tmp_path, (dependent,), others=(Stack("dep", dependency, ()),))
    assert Orchestrator(manifest, extra_env=environment)._unapplied_dependencies(dependent) == []
