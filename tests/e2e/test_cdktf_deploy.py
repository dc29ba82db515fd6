"""``cdktf deploy`` as CDKTF users run it: an emulator running, CROSSGATE_EMULATOR_URL exported, no AWS_* at all,
``npx cdktf deploy '*' --auto-approve --skip-provider-lock`` of envs/local.yaml (cdktf.json runs main.py). The
synthesized emulator stacks carry the emulator's fake credentials themselves, so terraform needs nothing else;
then crossgate, with either engine, plans the same state with no changes. One deploy (cdktf CLI, cdktf engine).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from crossgate import emulator, names
from crossgate.config import load_environment
from crossgate.ops.aws_sessions import AccountSessions
from crossgate.paths import ENVS, REPO_ROOT, TERRAFORM_CLI_CONFIG
from crossgate.synth.engine_setting import ENGINE_VARIABLE
from tests import cdk_cli

pytestmark = [pytest.mark.e2e, pytest.mark.terraform]

ENV = "local"
DEPLOY_TIMEOUT_SECONDS = 1200
PLAN_TIMEOUT_SECONDS = 600


@dataclass(frozen=True)
class CdktfDeployment:
    url: str
    outdir: Path  # cdktf deploy's --output
    work: Path
    result: subprocess.CompletedProcess[str]


def user_environment(url: str, **extra: str) -> dict[str, str]:
    """A new user's shell after `. scripts/env.sh` and `export CROSSGATE_EMULATOR_URL=...`: no AWS_* variables,
    no terraform data dir of the test runner's."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AWS_", "TF_VAR_", "CROSSGATE_")) and k not in ("TF_DATA_DIR", ENGINE_VARIABLE)}
    env.update({"CROSSGATE_EMULATOR_URL": url, "CHECKPOINT_DISABLE": "1", "TF_IN_AUTOMATION": "1",
                "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
                # Parallel test workers share $HOME: keep cdktf's default plugin cache out of it (offline, the
                # provider comes from the mirror in TF_CLI_CONFIG_FILE anyway).
                "CDKTF_DISABLE_PLUGIN_CACHE_ENV": "true"})
    if TERRAFORM_CLI_CONFIG.exists():
        env["TF_CLI_CONFIG_FILE"] = str(TERRAFORM_CLI_CONFIG)
    env.update(extra)
    return env


def crossgate(command: str, deployment: CdktfDeployment, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    """A crossgate CLI command on the env and the emulator of the cdktf deploy (its own synth folder)."""
    outdir = deployment.work / f"crossgate-{command}-{'-'.join(f'{k}={v}' for k, v in extra.items()) or 'default'}"
    return subprocess.run(
        [sys.executable, "-m", "crossgate.cli", command, "--env", ENV, "--outdir", str(outdir), *args],
        cwd=REPO_ROOT, env=user_environment(deployment.url, **extra), capture_output=True, text=True,
        timeout=PLAN_TIMEOUT_SECONDS, check=False)


@pytest.fixture(scope="module")
def deployed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CdktfDeployment]:
    work = tmp_path_factory.mktemp("cdktf-deploy")
    # An emulator of this module's own: another module deploys envs/local.yaml into the session's.
    with emulator.Emulator(state_dir=work / "emulator") as running:
        url = running.endpoint_url
        outdir = work / "cdktf.out"
        result = subprocess.run(
            cdk_cli.command("cdktf", "deploy", "*", "--auto-approve", "--skip-provider-lock", "--output", str(outdir)),
            cwd=REPO_ROOT, env=cdk_cli.environment("cdktf", user_environment(url)), capture_output=True, text=True,
            timeout=DEPLOY_TIMEOUT_SECONDS, check=False)
        deployment = CdktfDeployment(url, outdir, work, result)
        try:
            yield deployment
        finally:
            destroyed = subprocess.run(
                cdk_cli.command("cdktf", "destroy", "*", "--auto-approve", "--skip-provider-lock", "--output",
                                str(outdir)),
                cwd=REPO_ROOT, env=cdk_cli.environment("cdktf", user_environment(url)), capture_output=True,
                text=True, timeout=DEPLOY_TIMEOUT_SECONDS, check=False)
            if destroyed.returncode != 0:
                crossgate("destroy", deployment)  # leave nothing behind, then report cdktf's failure
            assert destroyed.returncode == 0, destroyed.stdout[-3000:] + destroyed.stderr[-3000:]


def test_cdktf_deploy_applies_both_stacks_into_the_emulator(deployed: CdktfDeployment) -> None:
    result = deployed.result
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-3000:]
    assert "No valid credential sources found" not in result.stdout + result.stderr
    env = load_environment(ENVS / f"{ENV}.yaml")
    sessions = AccountSessions(emulator_url=deployed.url)
    apis = sessions.client(env.config.central, "apigatewayv2").get_apis()["Items"]
    assert [api["ProtocolType"] for api in apis] == ["HTTP"], "the central account holds the gateway"
    ec2 = sessions.client(env.config.services["employee"], "ec2")
    services = ec2.describe_vpc_endpoint_service_configurations()["ServiceConfigurations"]
    assert len(services) == 1, "the provider account holds the endpoint service"
    s3 = sessions.client(env.config.central, "s3", region=emulator.EMULATOR_REGION)
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=emulator.STATE_BUCKET)["Contents"]}
    assert {names.state_key(ENV, s) for s in names.stack_names(ENV, env.config.services)} <= keys


def test_plain_terraform_in_a_stack_folder_needs_only_the_emulator(deployed: CdktfDeployment) -> None:
    """`terraform init && terraform plan` where cdktf put the stack: no AWS_*, no crossgate runner."""
    stack_dir = deployed.outdir / "stacks" / names.central_stack(ENV)
    env = user_environment(deployed.url)
    env.pop("CROSSGATE_EMULATOR_URL")
    for args in (["init", "-input=false", "-no-color"],
                 ["plan", "-input=false", "-no-color", "-detailed-exitcode", "-lock-timeout=60s"]):
        result = subprocess.run(["terraform", *args], cwd=stack_dir, env=env, capture_output=True, text=True,
                                timeout=PLAN_TIMEOUT_SECONDS, check=False)
        assert result.returncode == 0, f"terraform {args[0]}: {result.stdout[-3000:]}{result.stderr[-3000:]}"
    assert "No changes." in result.stdout


@pytest.mark.parametrize("engine", ["cdktf", "cdktn"])
def test_crossgate_plan_reports_no_changes_on_the_state_cdktf_deployed(deployed: CdktfDeployment, engine: str) -> None:
    """Same state, crossgate's runner, either engine: nothing to change. Real-looking AWS credentials exported
    by the caller stay out of the emulator run (the stacks' own come first; the runner blanks the caller's)."""
    result = crossgate("plan", deployed, "--detailed-exitcode",
                       **{ENGINE_VARIABLE: engine, "AWS_ACCESS_KEY_ID": "AKIAREALLOOKINGKEY00",
                          "AWS_SECRET_ACCESS_KEY": "real-looking-secret", "AWS_SESSION_TOKEN": "real-looking-token"})
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    for stack in names.stack_names(ENV, load_environment(ENVS / f"{ENV}.yaml").config.services):
        assert any(line.split()[:2] == [stack, "unchanged"] for line in result.stdout.splitlines()), result.stdout
