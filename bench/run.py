"""Run the benchmarks: synth, plan and deploy cost against the number of services, in one run.

    python -m bench.run                                  # everything, default sizes
    python -m bench.run --sizes 1,5 --deploy-sizes 1 --skip-cdktf
Results: <out>/synth.json, plan.json, deploy.json, machine.json; then bench.report draws the plot.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from bench import report
from bench.common import machine, write_json
from bench.deploy import bench_deploy
from bench.plan import PARALLELISM, bench_plan
from bench.synth import bench_synth
from crossgate import emulator


def _sizes(text: str) -> list[int]:
    values = [int(part) for part in text.split(",") if part.strip()] if text.strip() else []
    if any(v < 1 for v in values):
        raise argparse.ArgumentTypeError("sizes are positive integers, comma-separated")
    return values


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=_sizes, default=[1, 5, 10, 25, 50], help="services for synth and plan")
    parser.add_argument("--deploy-sizes", type=_sizes, default=[1, 5, 10], help="services for deploy ('' = none)")
    parser.add_argument("--steps", default="synth,plan,deploy", help="comma-separated subset of synth,plan,deploy")
    parser.add_argument("--skip-cdktf", action="store_true", help="do not run `cdktf deploy` for comparison")
    parser.add_argument("--synth-repeats", type=int, default=3)
    parser.add_argument("--plan-repeats", type=int, default=1, help="raw/crossgate plan pairs per size")
    parser.add_argument("--parallelism", type=int, default=PARALLELISM, help="stacks planned at once")
    parser.add_argument("--out", type=Path, default=Path("bench/results"))
    parser.add_argument("--work", type=Path, default=None, help="scratch folder (default: a temporary one)")
    parser.add_argument("--plot", type=Path, default=Path("docs/benchmarks.png"))
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    steps = {s.strip() for s in args.steps.split(",") if s.strip()}
    write_json(args.out / "machine.json", machine())
    with tempfile.TemporaryDirectory(prefix="crossgate-bench-") as tmp:
        work = (args.work or Path(tmp)).resolve()
        if "synth" in steps:
            write_json(args.out / "synth.json", bench_synth(args.sizes, work, args.synth_repeats))
        if "plan" in steps:
            with emulator.Emulator(state_dir=work / "emulator") as running:
                bench_plan(args.sizes, work, running.endpoint_url, args.plan_repeats, args.parallelism,
                           save=lambda rows: write_json(args.out / "plan.json", rows))
        if "deploy" in steps and args.deploy_sizes:
            bench_deploy(args.deploy_sizes, work, not args.skip_cdktf,
                         save=lambda rows: write_json(args.out / "deploy.json", rows))
    print(report.render(args.out, args.plot))
    return 0


if __name__ == "__main__":
    sys.exit(main())
