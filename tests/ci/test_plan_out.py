"""`crossgate plan --stack S --plan-out FILE` (what Atlantis's plan step runs): FILE is a real terraform plan of S
that terraform applies from the stack folder; a stack waiting for unapplied providers leaves no FILE.

One terraform plan of envs/local.yaml's provider stack against a fresh emulator (nothing is deployed)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from crossgate import emulator, names
from crossgate.paths import REPO_ROOT
from crossgate.runner.orchestrate import Orchestrator
from crossgate.runner.terraform import Terraform
from crossgate.synth import Manifest, Stack

pytestmark = [pytest.mark.e2e, pytest.mark.terraform]


@pytest.fixture(scope="module")
def emulator_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with emulator.Emulator(state_dir=tmp_path_factory.mktemp("emulator")) as running:
        yield running.endpoint_url


def plan(url: str, outdir: Path, stack: str, plan_out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "crossgate.cli", "plan", "--env", "local", "--stack", stack, "--outdir", str(outdir),
         "--emulator-url", url, "--plan-out", str(plan_out), "--review", str(plan_out.with_suffix(".md"))],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=600, check=False)


def test_plan_out_saves_the_stack_plan_and_a_waiting_stack_saves_none(emulator_url: str, tmp_path: Path) -> None:
    outdir = tmp_path / "cdktf.out"
    provider, central = names.provider_stack("local", "employee"), names.central_stack("local")

    saved = tmp_path / "atlantis" / "provider.tfplan"
    result = plan(emulator_url, outdir, provider, saved)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"plan of {provider} saved to {saved}" in result.stdout
    assert saved.stat().st_mode & 0o777 == 0o600
    shown = json.loads(Terraform(outdir / "stacks" / provider, extra_env=emulator.terraform_environment(emulator_url))
                       .run("show", "-json", "-no-color", str(saved)).stdout)
    created = {c["type"] for c in shown["resource_changes"] if c["change"]["actions"] == ["create"]}
    assert {"aws_lb", "aws_vpc_endpoint_service"} <= created
    assert "# crossgate plan: local" in saved.with_suffix(".md").read_text()

    stale = tmp_path / "atlantis" / "central.tfplan"
    stale.write_text("an older plan that must not be applied")
    result = plan(emulator_url, outdir, central, stale)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no plan saved" in result.stdout and "waits for" in result.stdout
    assert not stale.exists()
    assert "not yet planned: local-central" in stale.with_suffix(".md").read_text()


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
