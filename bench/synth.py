"""Synth cost: `crossgate synth` (CLI -> CDKTF app in a child Python -> Node.js jsii) per env size."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from bench import envgen, measure
from bench.common import fresh_dir, load, median, tool_environment


def synth_once(env_path: Path, outdir: Path) -> measure.Measurement:
    """One synth in a fresh process tree, as a user runs it."""
    fresh_dir(outdir)
    command = [sys.executable, "-m", "crossgate.cli", "synth", "--env", str(env_path), "--outdir", str(outdir)]
    result = measure.run(command, env={**os.environ, **tool_environment()}, timeout=600)
    if result.returncode != 0:
        raise RuntimeError(f"synth of {env_path.name} failed:\n{result.stderr[-3000:]}")
    return result


def bench_synth(sizes: list[int], work: Path, repeats: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for size in sizes:
        env_path = envgen.write_env(work / "envs", size)
        runs = []
        for _ in range(repeats):
            load_before = load()
            result = synth_once(env_path, work / "synth" / env_path.stem)
            runs.append({**result.summary(), "load_before": load_before})
            print(f"synth {size:>3} services: {result.seconds:6.2f} s, tree peak "
                  f"{result.peak_tree_rss / 2**20:6.0f} MiB, largest process {result.max_process_rss / 2**20:6.0f} MiB",
                  flush=True)
        stacks = len(list((work / "synth" / env_path.stem / "stacks").iterdir()))
        rows.append({
            "services": size,
            "accounts": envgen.account_count(size),
            "stacks": stacks,
            "seconds_median": median([r["seconds"] for r in runs]),
            "peak_tree_rss_max": max(r["peak_tree_rss"] for r in runs),
            "max_process_rss_max": max(r["max_process_rss"] for r in runs),
            "runs": runs,
        })
    return rows
