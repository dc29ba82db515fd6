"""The central stack's dependency check during plan, alone: `terraform output` of its provider stacks.

The check asks `parallelism` provider stacks at a time and stops at the first batch that finds one not
applied (a never-deployed env, as here, pays one batch); parallelism 1 asks one stack at a time.

    python -m bench.central_check --sizes 10,50    (needs the emulator; synthesizes BYO plan envs)
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from bench import envgen
from bench.common import fresh_dir, load, write_json
from bench.plan import PARALLELISM, placeholder_nlbs, raw_environment, raw_plan_stack
from crossgate import emulator, names
from crossgate.config import load_environment
from crossgate.runner.orchestrate import Orchestrator
from crossgate.runner.terraform import Terraform
from crossgate.synth import synthesize


def measure_check(sizes: list[int], work: Path, url: str) -> list[dict[str, Any]]:
    rows = []
    for size in sizes:
        path = envgen.write_env(work / "envs", size, tag="chk", workload="byo", nlb_arns=placeholder_nlbs(size))
        manifest = synthesize(load_environment(path), fresh_dir(work / "check" / path.stem), emulator_url=url)
        env_vars = raw_environment(url)
        central = manifest.stack(names.central_stack(path.stem))
        for stack in manifest.stacks:
            if stack is not central:
                raw_plan_stack(stack, env_vars)  # init (the check reads each provider stack's backend)
        row: dict[str, Any] = {"services": size, "load_before": load()}
        for parallelism in (1, PARALLELISM):
            orchestrator = Orchestrator(manifest, extra_env=emulator.terraform_environment(url),
                                        parallelism=parallelism)
            started = time.monotonic()
            missing = orchestrator._unapplied_dependencies(central)
            row[f"check_seconds_parallelism_{parallelism}"] = time.monotonic() - started
            row[f"outputs_read_parallelism_{parallelism}"] = len(missing)
            assert missing, "nothing is applied, so the check must find unapplied dependencies"
        started = time.monotonic()
        Terraform(central.directory, extra_env=emulator.terraform_environment(url)).init()
        row["central_init_seconds"] = time.monotonic() - started
        row["load_after"] = load()
        print(row, flush=True)
        rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.central_check", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,50")
    parser.add_argument("--out", type=Path, default=Path("bench/results"))
    parser.add_argument("--work", type=Path, default=Path("/tmp/crossgate-bench-check"))
    args = parser.parse_args(argv)
    with emulator.Emulator() as running:
        rows = measure_check([int(s) for s in args.sizes.split(",")], args.work.resolve(), running.endpoint_url)
    write_json(args.out / "central_check.json", rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
