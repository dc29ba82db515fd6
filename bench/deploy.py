"""Deploy cost: provider stacks in parallel vs one after another, and vs `cdktf deploy` of the same app.

Every deploy gets a fresh emulator (nothing carried over). Services bring their own NLB, created with
boto3 in each provider account first (as tests/e2e/test_multi_env.py does): a Fargate service's NLB costs
~60 s of fixed provider waits each, which would make the larger sizes unaffordable on this machine.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import envgen, measure
from bench.common import (
    cdktf_cli,
    children_cpu_seconds,
    cpu_seconds,
    fresh_dir,
    load,
    own_cpu_seconds,
    process_cpu_seconds,
    tool_environment,
)
from crossgate import emulator, names
from crossgate.config import Credentials, load_environment
from crossgate.ops.aws_sessions import AccountSessions
from crossgate.paths import REPO_ROOT
from crossgate.runner.orchestrate import Orchestrator
from crossgate.synth import synthesize

CDKTF_TIMEOUT_SECONDS = 1500


def create_nlbs(url: str, size: int) -> dict[str, str]:
    """One internal NLB per service, in that service's account (one VPC with two subnets per account)."""
    sessions = AccountSessions(emulator_url=url)
    accounts = envgen.account_count(size)
    subnets: dict[str, list[str]] = {}
    arns: dict[str, str] = {}
    for i in range(1, size + 1):
        account = envgen.provider_account(i, accounts)
        creds = Credentials(account_id=account, region=envgen.REGION,
                            role_arn=f"arn:aws:iam::{account}:role/crossgate-deployer")
        if account not in subnets:
            ec2 = sessions.client(creds, "ec2")
            vpc = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
            zones = [z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"]][:2]
            subnets[account] = [
                ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.40.{n}.0/24", AvailabilityZone=zone)["Subnet"]["SubnetId"]
                for n, zone in enumerate(zones)]
        name = envgen.service_name(i)
        lb = sessions.client(creds, "elbv2").create_load_balancer(
            Name=name, Subnets=subnets[account], Scheme="internal", Type="network")["LoadBalancers"][0]
        arns[name] = lb["LoadBalancerArn"]
    return arns


def _prepare(url: str, size: int, work: Path, mode: str) -> Path:
    return envgen.write_env(work / "envs", size, tag=mode[:3], workload="byo", nlb_arns=create_nlbs(url, size))


def crossgate_deploy(size: int, work: Path, parallelism: int, mode: str) -> dict[str, Any]:
    with emulator.Emulator() as running:
        url = running.endpoint_url
        env = load_environment(_prepare(url, size, work, mode))
        load_before = load()
        started = time.monotonic()
        manifest = synthesize(env, fresh_dir(work / "deploy" / env.name), emulator_url=url)
        synth_seconds = time.monotonic() - started
        busy_before, total_before = cpu_seconds()
        parts_before = (children_cpu_seconds(), process_cpu_seconds(running.pid), own_cpu_seconds())
        outcomes = Orchestrator(manifest, extra_env=emulator.terraform_environment(url),
                                parallelism=parallelism).run("deploy")
        busy_after, total_after = cpu_seconds()
        parts_after = (children_cpu_seconds(), process_cpu_seconds(running.pid), own_cpu_seconds())
        seconds = time.monotonic() - started
    failed = [o for o in outcomes if not o.ok]
    if failed:
        raise RuntimeError(f"deploy ({mode}) failed: {failed[0].stack}: {failed[0].detail[-3000:]}")
    stacks = {o.stack: o.seconds for o in outcomes}
    central_name = names.central_stack(env.name)
    providers = [s for name, s in stacks.items() if name != central_name]
    central = stacks[central_name]
    return {
        "mode": mode, "parallelism": parallelism, "seconds": seconds, "synth_seconds": synth_seconds,
        "apply_seconds": seconds - synth_seconds, "load_before": load_before, "load_after": load(),
        "slowest_provider_seconds": max(providers), "sum_provider_seconds": sum(providers),
        "central_seconds": central, "stack_seconds": stacks,
        # the apply phase's CPU work (terraform, providers, the emulator) and how busy it kept the machine
        "apply_cpu_seconds": busy_after - busy_before,
        "apply_cpu_utilization": (busy_after - busy_before) / max(total_after - total_before, 1e-9),
        "apply_cpu_bound_seconds": (busy_after - busy_before) / (os.cpu_count() or 1),
        # whose CPU: terraform and its providers, the emulator, crossgate's own Python (orchestrator threads)
        "apply_cpu_by_part": dict(zip(("terraform", "emulator", "crossgate"),
                                      (after - before for before, after in zip(parts_before, parts_after, strict=True)),
                                      strict=True)),
    }


def cdktf_deploy(size: int, work: Path) -> dict[str, Any]:
    """`cdktf deploy` of the same app (main.py, via cdktf.json), every stack, its default parallelism."""
    with emulator.Emulator() as running:
        url = running.endpoint_url
        env_path = _prepare(url, size, work, "cdktf")
        outdir = fresh_dir(work / "deploy" / env_path.stem)
        child_env = emulator.terraform_environment(url, {**os.environ, **tool_environment()})
        child_env.update({"CROSSGATE_ENV_FILE": str(env_path.resolve()), "CROSSGATE_EMULATOR_URL": url,
                          "CI": "1", "FORCE_COLOR": "0"})
        command = [str(cdktf_cli()), "deploy", "*", "--auto-approve", "--skip-provider-lock",
                   "--disable-plugin-cache-env", "--no-color", "--output", str(outdir)]
        load_before = load()
        result = measure.run(command, env=child_env, cwd=REPO_ROOT, timeout=CDKTF_TIMEOUT_SECONDS)
    (work / f"cdktf-deploy-{size}.log").write_text(result.stdout + "\n--- stderr\n" + result.stderr)
    return {"mode": "cdktf", "seconds": result.seconds, "returncode": result.returncode,
            "load_before": load_before, "load_after": load(), "peak_tree_rss": result.peak_tree_rss,
            "error": "" if result.returncode == 0 else (result.stderr or result.stdout)[-2000:]}


def bench_deploy(sizes: list[int], work: Path, with_cdktf: bool,
                 save: Callable[[list[dict[str, Any]]], None] = lambda rows: None) -> list[dict[str, Any]]:
    """One row per size; `save` gets the rows so far after each size."""
    rows: list[dict[str, Any]] = []
    for size in sizes:
        parallel = crossgate_deploy(size, work, parallelism=max(1, size), mode="parallel")
        print(f"deploy {size:>2} services: parallel   {parallel['seconds']:7.1f} s", flush=True)
        sequential = crossgate_deploy(size, work, parallelism=1, mode="sequential")
        print(f"deploy {size:>2} services: sequential {sequential['seconds']:7.1f} s", flush=True)
        row: dict[str, Any] = {"services": size, "parallel": parallel, "sequential": sequential}
        # the target: parallel <= 1.2 x (slowest provider stack + central), both measured undisturbed
        # (one after another, in the sequential run)
        critical = sequential["slowest_provider_seconds"] + sequential["central_seconds"]
        row["critical_path_seconds"] = critical
        row["parallel_vs_critical_path"] = parallel["apply_seconds"] / critical
        row["parallel_vs_sequential"] = parallel["seconds"] / sequential["seconds"]
        if with_cdktf:
            if not cdktf_cli().exists():
                row["cdktf"] = {"mode": "cdktf", "error": "cdktf CLI not installed (bash scripts/setup --cdktf-cli)"}
            else:
                row["cdktf"] = cdktf_deploy(size, work)
                print(f"deploy {size:>2} services: cdktf      {row['cdktf']['seconds']:7.1f} s "
                      f"(exit {row['cdktf']['returncode']})", flush=True)
                if row["cdktf"]["returncode"] == 0:
                    row["cdktf_vs_parallel"] = row["cdktf"]["seconds"] / parallel["seconds"]
        rows.append(row)
        save(rows)
    return rows
