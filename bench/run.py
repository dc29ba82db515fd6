"""Run the benchmarks: synth, plan and deploy cost against the number of services, and the gateway data plane.

    python -m bench.run                                  # everything, default sizes
    python -m bench.run --sizes 1,5 --deploy-sizes 1 --skip-cdktf
    python -m bench.run --steps gateway                  # gateway vs direct at 1, 8, 32 clients (about a minute)
Results: <out>/synth.json, plan.json, deploy.json, gateway.json, machine.json; then bench.report draws the plots.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from bench import report
from bench.common import machine, write_json
from bench.deploy import bench_deploy
from bench.engines import bench_engines
from bench.gateway import LEVELS, TIME_LIMIT, bench_gateway
from bench.plan import PARALLELISM, bench_plan
from bench.synth import bench_synth
from crossgate import emulator


def _sizes(text: str) -> list[int]:
    values = [int(part) for part in text.split(",") if part.strip()] if text.strip() else []
    if any(v < 1 for v in values):
        raise argparse.ArgumentTypeError("sizes are positive integers, comma-separated")
    return values


def _levels(text: str) -> dict[int, int]:
    """``1:400,8:1200,32:2000`` -> {clients: requests}."""
    try:
        levels = {int(c): int(r) for c, r in (part.split(":") for part in text.split(",") if part.strip())}
    except ValueError:
        raise argparse.ArgumentTypeError("levels are clients:requests pairs, comma-separated") from None
    if not levels or any(c < 1 or r < 1 for c, r in levels.items()):
        raise argparse.ArgumentTypeError("clients and requests are positive integers")
    return levels


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=_sizes, default=[1, 5, 10, 25, 50], help="services for synth and plan")
    parser.add_argument("--deploy-sizes", type=_sizes, default=[1, 5, 10], help="services for deploy ('' = none)")
    parser.add_argument("--steps", default="synth,engines,plan,deploy,gateway",
                        help="comma-separated subset of synth,engines,plan,deploy,gateway")
    parser.add_argument("--engine-sizes", type=_sizes, default=[1, 10, 50],
                        help="services for the engines step (synth with cdktf vs cdktn)")
    parser.add_argument("--skip-cdktf", action="store_true", help="do not run `cdktf deploy` for comparison")
    parser.add_argument("--synth-repeats", type=int, default=3)
    parser.add_argument("--plan-repeats", type=int, default=1, help="raw/crossgate plan pairs per size")
    parser.add_argument("--parallelism", type=int, default=PARALLELISM, help="stacks planned at once")
    parser.add_argument("--gateway-levels", type=_levels, default=LEVELS,
                        help="gateway step: clients:requests per level (default 1:400,8:1200,32:2000)")
    parser.add_argument("--gateway-time-limit", type=float, default=TIME_LIMIT, help="seconds per measurement")
    parser.add_argument("--gateway-profile", action="store_true",
                        help="gateway step: py-spy profile of the emulator at 1 client (raw samples in --work)")
    parser.add_argument("--out", type=Path, default=Path("bench/results"))
    parser.add_argument("--work", type=Path, default=None, help="scratch folder (default: a temporary one)")
    parser.add_argument("--plot", type=Path, default=Path("docs/benchmarks.png"))
    parser.add_argument("--gateway-plot", type=Path, default=Path("docs/benchmarks-gateway.png"))
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    steps = {s.strip() for s in args.steps.split(",") if s.strip()}
    write_json(args.out / "machine.json", machine())
    with tempfile.TemporaryDirectory(prefix="crossgate-bench-") as tmp:
        work = (args.work or Path(tmp)).resolve()
        if "synth" in steps:
            write_json(args.out / "synth.json", bench_synth(args.sizes, work, args.synth_repeats))
        if "engines" in steps:
            write_json(args.out / "engines.json", bench_engines(args.engine_sizes, work, args.synth_repeats))
        if "plan" in steps:
            with emulator.Emulator(state_dir=work / "emulator") as running:
                bench_plan(args.sizes, work, running.endpoint_url, args.plan_repeats, args.parallelism,
                           save=lambda rows: write_json(args.out / "plan.json", rows))
        if "deploy" in steps and args.deploy_sizes:
            bench_deploy(args.deploy_sizes, work, not args.skip_cdktf,
                         save=lambda rows: write_json(args.out / "deploy.json", rows))
        if "gateway" in steps:
            with emulator.Emulator(state_dir=work / "emulator-gateway") as running:
                bench_gateway(running.endpoint_url, running.pid, work / "gateway", args.gateway_levels,
                              args.gateway_time_limit,
                              profile=work / "gateway-profile.txt" if args.gateway_profile else None,
                              save=lambda result: write_json(args.out / "gateway.json", result))
    print(report.render(args.out, args.plot, args.gateway_plot))
    return 0


if __name__ == "__main__":
    sys.exit(main())
