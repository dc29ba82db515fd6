"""Synth cost per CDK engine, side by side: `crossgate synth` with CROSSGATE_CDK_ENGINE=cdktf (CDKTF 0.21) and
=cdktn (CDK Terrain 0.24), same env files, runs interleaved so machine load hits both alike."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from bench import envgen, measure
from bench.common import fresh_dir, load, median, tool_environment
from crossgate.synth.engine_setting import ENGINE_VARIABLE, ENGINES


def synth_once(env_path: Path, outdir: Path, engine: str) -> measure.Measurement:
    """One synth with ``engine`` in a fresh process tree, as a user runs it."""
    fresh_dir(outdir)
    command = [sys.executable, "-m", "crossgate.cli", "synth", "--env", str(env_path), "--outdir", str(outdir)]
    env = {**os.environ, **tool_environment(), ENGINE_VARIABLE: engine}
    result = measure.run(command, env=env, timeout=600)
    if result.returncode != 0:
        raise RuntimeError(f"{engine} synth of {env_path.name} failed:\n{result.stderr[-3000:]}")
    return result


def bench_engines(sizes: list[int], work: Path, repeats: int) -> list[dict[str, Any]]:
    """One row per size: each engine's median seconds and worst peak RSS (process tree, largest process)."""
    rows: list[dict[str, Any]] = []
    for size in sizes:
        env_path = envgen.write_env(work / "envs", size)
        runs: dict[str, list[dict[str, Any]]] = {engine: [] for engine in ENGINES}
        for _ in range(repeats):
            for engine in ENGINES:
                load_before = load()
                result = synth_once(env_path, work / "engines" / engine / env_path.stem, engine)
                runs[engine].append({**result.summary(), "load_before": load_before})
                print(f"synth {size:>3} services, {engine}: {result.seconds:6.2f} s, tree peak "
                      f"{result.peak_tree_rss / 2**20:6.0f} MiB, largest process "
                      f"{result.max_process_rss / 2**20:6.0f} MiB", flush=True)
        rows.append({
            "services": size,
            "engines": {engine: {
                "seconds_median": median([r["seconds"] for r in engine_runs]),
                "peak_tree_rss_max": max(r["peak_tree_rss"] for r in engine_runs),
                "max_process_rss_max": max(r["max_process_rss"] for r in engine_runs),
                "runs": engine_runs,
            } for engine, engine_runs in runs.items()},
        })
    return rows
