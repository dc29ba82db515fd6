"""Plan cost: crossgate's orchestrated plan vs raw `terraform init && terraform plan` in the same stack folders.

Both sides run against the same emulator, in the same synthesized folders, with the same parallelism
(crossgate's default of 4 stacks at once). Only provider stacks can be planned before anything is
applied: the central stack reads their outputs (remote state), so crossgate checks those first and
reports the central stack as waiting; raw terraform cannot plan it at all (the remote state has no outputs).
The services bring their own NLB (a placeholder ARN; plan never reads the NLB), so a provider stack
is the endpoint service alone and each plan is dominated by fixed per-command costs: the most
unfavourable case for a fixed overhead of ours.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from bench import envgen
from bench.common import children_cpu_seconds, fresh_dir, load, median, tool_environment
from crossgate import emulator, names
from crossgate.config import load_environment
from crossgate.runner.orchestrate import Orchestrator
from crossgate.runner.terraform import plugin_cache_turn
from crossgate.synth import Manifest, Stack, synthesize

PARALLELISM = 4


def placeholder_nlbs(size: int) -> dict[str, str]:
    accounts = envgen.account_count(size)
    return {
        envgen.service_name(i): f"arn:aws:elasticloadbalancing:{envgen.REGION}:"
        f"{envgen.provider_account(i, accounts)}:loadbalancer/net/{envgen.service_name(i)}/{i:016x}"
        for i in range(1, size + 1)
    }


def raw_environment(url: str) -> dict[str, str]:
    """What a user would export by hand for the emulator: fake credentials and the mirror config."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("TF_VAR_")}
    return emulator.terraform_environment(url, {**base, **tool_environment()})


# terraform's plugin cache is not safe for concurrent `terraform init` ("after installing
# registry.terraform.io/hashicorp/aws it is still not detected in .../plugin-cache; this is a bug in
# Terraform"), so a script running raw terraform in parallel must take turns for init, as crossgate's
# runner does (crossgate.runner.terraform.plugin_cache_turn). Plans still run in parallel on both sides.


def _raw(command: list[str], stack: Stack, env: dict[str, str]) -> None:
    result = subprocess.run(command, cwd=stack.directory, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} in {stack.name} failed:\n{result.stderr[-3000:]}")


def raw_plan_stack(stack: Stack, env: dict[str, str]) -> float:
    started = time.monotonic()
    with plugin_cache_turn():
        _raw(["terraform", "init", "-input=false", "-no-color"], stack, env)
    _raw(["terraform", "plan", "-input=false", "-no-color", "-out=raw.tfplan", "-lock-timeout=60s"], stack, env)
    return time.monotonic() - started


def raw_plan(stacks: list[Stack], env: dict[str, str], parallelism: int) -> dict[str, Any]:
    started, load_before, cpu_before = time.monotonic(), load(), children_cpu_seconds()
    with ThreadPoolExecutor(max_workers=parallelism) as pool:
        per_stack = list(pool.map(lambda s: raw_plan_stack(s, env), stacks))
    return {"seconds": time.monotonic() - started, "load_before": load_before, "load_after": load(),
            "terraform_cpu_seconds": children_cpu_seconds() - cpu_before,
            "stack_seconds": dict(zip([s.name for s in stacks], per_stack, strict=True))}


def crossgate_plan(manifest: Manifest, url: str, parallelism: int) -> dict[str, Any]:
    orchestrator = Orchestrator(manifest, extra_env=emulator.terraform_environment(url), parallelism=parallelism)
    started, load_before, cpu_before = time.monotonic(), load(), children_cpu_seconds()
    outcomes = orchestrator.run("plan")
    seconds = time.monotonic() - started
    terraform_cpu_seconds = children_cpu_seconds() - cpu_before
    failed = [o for o in outcomes if not o.ok]
    if failed:
        raise RuntimeError(f"crossgate plan failed: {failed[0].stack}: {failed[0].detail[-3000:]}")
    central_name = manifest.layers()[-1][0].name  # the stack every other one feeds
    central = next(o for o in outcomes if o.stack == central_name)
    return {"seconds": seconds, "load_before": load_before, "load_after": load(),
            "terraform_cpu_seconds": terraform_cpu_seconds,
            "central_check_seconds": central.seconds, "central_status": central.status,
            "stack_seconds": {o.stack: o.seconds for o in outcomes}}


def bench_plan(sizes: list[int], work: Path, url: str, repeats: int, parallelism: int = PARALLELISM,
               save: Callable[[list[dict[str, Any]]], None] = lambda rows: None) -> list[dict[str, Any]]:
    """One row per size; `save` gets the rows so far after each size (a long run keeps what it measured)."""
    rows: list[dict[str, Any]] = []
    env_vars = raw_environment(url)
    for size in sizes:
        path = envgen.write_env(work / "envs", size, tag="plan", workload="byo", nlb_arns=placeholder_nlbs(size))
        manifest = synthesize(load_environment(path), fresh_dir(work / "plan" / path.stem), emulator_url=url)
        providers = [s for s in manifest.stacks if s.name != names.central_stack(path.stem)]
        # Warm-up, unmeasured: the first init of each stack links the provider (mirror or plugin cache), and one
        # plan pulls the provider binary into the page cache; both sides then start from the same point.
        for stack in providers:
            with plugin_cache_turn():
                _raw(["terraform", "init", "-input=false", "-no-color"], stack, env_vars)
        raw_plan_stack(providers[0], env_vars)
        raw_runs: list[dict[str, Any]] = []
        ours: list[dict[str, Any]] = []
        for rep in range(repeats):  # alternate the order so a trend in the machine's load hits both sides
            steps = [("raw", raw_runs), ("crossgate", ours)]
            for name, runs in steps if rep % 2 == 0 else reversed(steps):
                run = raw_plan(providers, env_vars, parallelism) if name == "raw" \
                    else crossgate_plan(manifest, url, parallelism)
                runs.append(run)
                print(f"plan  {size:>3} services: {name:<9} {run['seconds']:7.1f} s", flush=True)
        raw_s, ours_s = median([r["seconds"] for r in raw_runs]), median([r["seconds"] for r in ours])
        check = median([r["central_check_seconds"] for r in ours])
        rows.append({
            "services": size,
            "provider_stacks": len(providers),
            "parallelism": parallelism,
            "raw_seconds_median": raw_s,
            "crossgate_seconds_median": ours_s,
            "overhead_ratio": ours_s / raw_s,
            "central_check_seconds_median": check,
            "overhead_ratio_provider_layer": (ours_s - check) / raw_s,
            # the work terraform was made to do, whatever else ran on the machine at the time
            "terraform_cpu_ratio": median([r["terraform_cpu_seconds"] for r in ours])
            / median([r["terraform_cpu_seconds"] for r in raw_runs]),
            "raw_runs": raw_runs,
            "crossgate_runs": ours,
        })
        save(rows)
    return rows
