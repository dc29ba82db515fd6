"""Small helpers shared by the benchmark steps: the machine's load, timing, JSON output."""

from __future__ import annotations

import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from crossgate.paths import REPO_ROOT, TERRAFORM_CLI_CONFIG

T = TypeVar("T")


def load() -> float:
    """1-minute load average: other work on the machine skews every timing, so each result records it."""
    return os.getloadavg()[0]


def cpu_seconds() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, summed over cores, from /proc/stat.

    The difference over a run says how much of the machine it kept busy: near 100 % means the run is
    CPU-bound and more parallelism cannot make it faster on these cores.
    """
    fields = [int(value) for value in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    ticks = os.sysconf("SC_CLK_TCK")
    return (sum(fields[:8]) - idle) / ticks, sum(fields[:8]) / ticks


def _usage_seconds(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def children_cpu_seconds() -> float:
    """User + system CPU of every finished child process (and what they reaped: terraform's providers)."""
    return _usage_seconds(resource.RUSAGE_CHILDREN)


def process_cpu_seconds(pid: int | None) -> float:
    """User + system CPU of one running process so far (0 when it is gone), from /proc/<pid>/stat."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def own_cpu_seconds() -> float:
    """User + system CPU of this Python process (all its threads): crossgate's own orchestration."""
    return _usage_seconds(resource.RUSAGE_SELF)


@contextmanager
def stopwatch() -> Iterator[dict[str, float]]:
    box: dict[str, float] = {"load_before": load()}
    started = time.monotonic()
    try:
        yield box
    finally:
        box["seconds"] = time.monotonic() - started
        box["load_after"] = load()


def timed(function: Callable[[], T]) -> tuple[T, float]:
    started = time.monotonic()
    result = function()
    return result, time.monotonic() - started


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def machine() -> dict[str, Any]:
    def version(*command: str) -> str:
        try:
            return subprocess.run(command, capture_output=True, text=True, timeout=30).stdout.splitlines()[0]
        except (OSError, IndexError, subprocess.SubprocessError):
            return "n/a"

    return {
        "cpus": os.cpu_count(),
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "python": platform.python_version(),
        "terraform": version("terraform", "version"),
        "node": version("node", "--version"),
        "cdktf_cli": version(str(cdktf_cli()), "--version") if cdktf_cli().exists() else "not installed",
        "load_at_start": load(),
    }


def cdktf_cli() -> Path:
    return REPO_ROOT / "node_modules" / ".bin" / "cdktf"


def tool_environment() -> dict[str, str]:
    """The variables scripts/env.sh sets, for children that need them whether or not it was sourced."""
    return {
        "TF_CLI_CONFIG_FILE": str(TERRAFORM_CLI_CONFIG),
        "CHECKPOINT_DISABLE": "1",
        "TF_IN_AUTOMATION": "1",
        "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
        "JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION": "1",
        "PATH": f"{REPO_ROOT / '.venv' / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
    }


def write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")


def fresh_dir(path: Path) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path
