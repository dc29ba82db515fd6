"""Wall time and peak memory of a command and every process it starts.

Two memory numbers, because a synth is three processes (the crossgate CLI, the CDKTF app in a child
Python, and that app's Node.js jsii runtime):
- peak_tree_rss: the largest *sum* of RSS over the whole process tree, sampled from /proc every
  `interval` seconds (what the machine must hold at once; a sample can miss a very short spike);
- max_process_rss: the largest RSS of any single process in the tree: the larger of the kernel's
  ru_maxrss from wait4 (exact, but it covers only the child and the descendants it reaped: the jsii
  runtime's Node.js process is not reaped by the CDKTF app) and the largest one sampled from /proc.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True)
class Measurement:
    seconds: float
    peak_tree_rss: int  # bytes
    max_process_rss: int  # bytes
    returncode: int
    peak_processes: int
    stdout: str = ""
    stderr: str = ""

    def summary(self) -> dict[str, Any]:
        data = asdict(self)
        del data["stdout"], data["stderr"]
        return data


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces, so split after the last ')'
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def _rss(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_SIZE
    except (OSError, IndexError, ValueError):
        return 0


def tree_rss(root: int) -> tuple[int, int, int]:
    """(sum of RSS in bytes, number of processes, largest single RSS) of `root` and its descendants now."""
    tree = _children()
    total, count, largest, stack = 0, 0, 0, [root]
    while stack:
        pid = stack.pop()
        rss = _rss(pid)
        total, count, largest = total + rss, count + 1, max(largest, rss)
        stack.extend(tree.get(pid, ()))
    return total, count, largest


def run(command: Sequence[str], *, env: Mapping[str, str] | None = None, cwd: Path | None = None,
        interval: float = 0.05, timeout: float = 1800) -> Measurement:
    """Run `command` to completion, sampling its process tree's memory; output is captured to files."""
    started = time.monotonic()
    with _capture() as (out, err):
        process = subprocess.Popen(list(command), env=dict(env) if env is not None else None, cwd=cwd,
                                   stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        peak, peak_count, largest = 0, 0, 0
        status, usage = 0, None
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            total, count, single = tree_rss(process.pid)
            peak, peak_count, largest = max(peak, total), max(peak_count, count), max(largest, single)
            if time.monotonic() - started > timeout:
                process.kill()
            time.sleep(interval)
        seconds = time.monotonic() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    return Measurement(seconds=seconds, peak_tree_rss=peak, max_process_rss=max(usage.ru_maxrss * 1024, largest),
                       returncode=process.returncode, peak_processes=peak_count, stdout=stdout, stderr=stderr)


class _capture:
    """Two anonymous temporary files for a child's stdout and stderr (no pipe to drain while polling)."""

    def __enter__(self) -> tuple[Any, Any]:
        import tempfile

        self._files = (tempfile.TemporaryFile(), tempfile.TemporaryFile())
        return self._files

    def __exit__(self, *_: object) -> None:
        for handle in self._files:
            handle.close()
