"""Faults during a real deploy into the emulator: terraform killed mid-apply, the emulator stopped mid-apply.

Each scenario deploys a copy of envs/local.yaml under its own env name through the real CLI in a child
process, injects the fault while the provider stack's NLB is being created, then checks that crossgate
explains what happened and that a re-run converges with a clean re-plan.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from crossgate import emulator
from crossgate.config import load_environment
from crossgate.ops.aws_sessions import AccountSessions
from crossgate.paths import ENVS, REPO_ROOT
from crossgate.runner import processes
from crossgate.synth.tags import ENV_TAG

pytestmark = [pytest.mark.e2e, pytest.mark.terraform]


def env_copy(folder: Path, name: str) -> Path:
    path = folder / f"{name}.yaml"
    path.write_text((ENVS / "local.yaml").read_text())
    return path


def cli(*args: str, url: str, outdir: Path, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "crossgate.cli", *args, "--emulator-url", url, "--outdir",
                           str(outdir)], cwd=REPO_ROOT, capture_output=True, text=True, timeout=timeout, check=False)


def start_deploy(env_path: Path, url: str, outdir: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "crossgate.cli", "deploy", "--env", str(env_path),
                             "--emulator-url", url, "--outdir", str(outdir)], cwd=REPO_ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def wait_for_nlb(env_path: Path, url: str, timeout: float = 300) -> None:
    """Block until the provider stack's apply has reached its NLB (the longest wait of the deploy)."""
    service = load_environment(env_path).config.services["employee"]
    elbv2 = AccountSessions(emulator_url=url).client(service, "elbv2")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        names = [lb["LoadBalancerName"] for lb in elbv2.describe_load_balancers()["LoadBalancers"]]
        if any(name.startswith(env_path.stem) for name in names):
            return
        time.sleep(0.5)
    raise AssertionError("the deploy never reached its NLB")


def kill_terraform_mid_apply(env_path: Path, url: str, outdir: Path, sig: signal.Signals) -> str:
    deploy = start_deploy(env_path, url, outdir)
    wait_for_nlb(env_path, url)
    time.sleep(25)  # past terraform's 20 s state-persist interval: what was created before is in the state
    stack_dir = outdir / "stacks" / f"{env_path.stem}-provider-employee"
    pids = processes.terraform_in(stack_dir, "apply")
    assert pids, "no terraform apply to interrupt"
    for pid in pids:
        os.kill(pid, sig)
    output, _ = deploy.communicate(timeout=600)
    assert deploy.returncode == 1, output
    return output


def converges(env_path: Path, url: str, outdir: Path) -> str:
    """Re-run deploy, re-plan clean, destroy, and nothing of this env left behind; return the re-run's output."""
    redeploy = cli("deploy", "--env", str(env_path), url=url, outdir=outdir)
    assert redeploy.returncode == 0, redeploy.stdout + redeploy.stderr
    replan = cli("plan", "--env", str(env_path), "--detailed-exitcode", url=url, outdir=outdir)
    assert replan.returncode == 0, replan.stdout + replan.stderr
    destroy = cli("destroy", "--env", str(env_path), url=url, outdir=outdir)
    assert destroy.returncode == 0, destroy.stdout + destroy.stderr
    assert leftovers(env_path, url) == [], "the interrupted run leaked resources"
    return redeploy.stdout + redeploy.stderr


def leftovers(env_path: Path, url: str) -> list[str]:
    """VPCs, load balancers, target groups and log groups of this env still in the provider account."""
    service = load_environment(env_path).config.services["employee"]
    sessions = AccountSessions(emulator_url=url)
    ec2, elbv2, logs = (sessions.client(service, name) for name in ("ec2", "elbv2", "logs"))
    tagged = [{"Name": f"tag:{ENV_TAG}", "Values": [env_path.stem]}]
    found = [v["VpcId"] for v in ec2.describe_vpcs(Filters=tagged)["Vpcs"]]
    found += [b["LoadBalancerName"] for b in elbv2.describe_load_balancers()["LoadBalancers"]
              if b["LoadBalancerName"].startswith(env_path.stem)]
    found += [g["TargetGroupName"] for g in elbv2.describe_target_groups()["TargetGroups"]
              if g["TargetGroupName"].startswith(env_path.stem)]
    found += [g["logGroupName"] for g in logs.describe_log_groups()["logGroups"] if env_path.stem in g["logGroupName"]]
    return found


@pytest.fixture(scope="module")
def fault_emulator_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Fault scenarios leave orphans behind on purpose: they get an emulator of their own."""
    with emulator.Emulator(state_dir=tmp_path_factory.mktemp("fault-emulator")) as running:
        yield running.endpoint_url


def test_sigterm_mid_apply_then_rerun_converges(fault_emulator_url: str, tmp_path: Path) -> None:
    emulator_url = fault_emulator_url
    env_path = env_copy(tmp_path, "fault-term")
    output = kill_terraform_mid_apply(env_path, emulator_url, tmp_path / "out", signal.SIGTERM)
    assert "fault-term-provider-employee" in output and "failed" in output
    converges(env_path, emulator_url, tmp_path / "out")


def test_sigkill_mid_apply_then_rerun_converges(fault_emulator_url: str, tmp_path: Path) -> None:
    """SIGKILL gives terraform no chance to release its lock or record what it was creating.

    The re-run releases the lock (provably the killed run's: crossgate recorded the kill), adopts what
    the killed run reported created but never saved (VPC, subnets, roles...) and what it was creating at
    that moment (the NLB: "already exists"), and converges without leaving a duplicate behind.
    """
    env_path = env_copy(tmp_path, "fault-kill")
    outdir = tmp_path / "out"
    output = kill_terraform_mid_apply(env_path, fault_emulator_url, outdir, signal.SIGKILL)
    assert "killed (signal 9)" in output
    rerun = converges(env_path, fault_emulator_url, outdir)
    assert "releasing state lock" in rerun and "adopting" in rerun


@pytest.fixture
def own_emulator(tmp_path: Path) -> Iterator[emulator.Emulator]:
    """An emulator that keeps its state across a restart on the same port (as AWS outlives a network cut)."""
    with socket.socket() as probe:
        probe.bind((emulator.HOST, 0))
        port = probe.getsockname()[1]
    running = emulator.Emulator(port=port, state_dir=tmp_path / "emulator", persist=True)
    running.start()
    yield running
    running.stop()


def test_emulator_stopped_mid_apply_is_explained_and_a_rerun_converges(
        own_emulator: emulator.Emulator, tmp_path: Path) -> None:
    env_path = env_copy(tmp_path, "fault-stop")
    outdir = tmp_path / "out"
    url = own_emulator.endpoint_url
    deploy = start_deploy(env_path, url, outdir)
    wait_for_nlb(env_path, url)
    own_emulator.stop()
    output, _ = deploy.communicate(timeout=600)
    assert deploy.returncode == 1
    assert "could not be reached" in output and "Traceback" not in output

    own_emulator.start()  # same port and state folder: everything created so far, and the stale lock, are back
    assert own_emulator.endpoint_url == url and own_emulator.restored_services > 0
    converges(env_path, url, outdir)


def test_unreachable_emulator_is_a_clear_error(tmp_path: Path) -> None:
    env_path = env_copy(tmp_path, "fault-none")
    result = cli("plan", "--env", str(env_path), url="http://127.0.0.1:9", outdir=tmp_path / "out", timeout=600)
    assert result.returncode == 1
    assert "could not be reached" in result.stderr and "Traceback" not in result.stderr
    data = yaml.safe_load(env_path.read_text())
    assert data["target"] == "emulator"
