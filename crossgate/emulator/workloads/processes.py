"""Local processes for task containers: started in their own process group, tied to the emulator's life.

Each process gets its own session (so one ``killpg`` reaches whatever it forks) and asks Linux to
SIGKILL it when the emulator dies without stopping it (PR_SET_PDEATHSIG, as the emulator child does
for itself). Linux fires that signal when the *thread* that forked exits, so processes are always
started from the scheduler thread, which lives as long as the emulator.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]
"""crossgate/../ : the repository root, so ``python -m service`` and ``crossgate`` import in a workload."""

_PR_SET_PDEATHSIG = 1


def _death_signal_setter() -> Callable[[], None] | None:
    """A preexec_fn setting PR_SET_PDEATHSIG; libc is loaded here, before fork, not in the child."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None

    def set_death_signal() -> None:
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)

    return set_death_signal


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port free right now on ``host`` (the process binds it a moment later; a clash shows as a crash)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


def process_environment(container_env: Mapping[str, str]) -> dict[str, str]:
    """The container's environment plus what a local Python needs: PATH, and PYTHONPATH with the repo root."""
    env = dict(container_env)
    env.setdefault("PATH", os.environ.get("PATH", "/usr/bin:/bin"))
    inherited = os.environ.get("PYTHONPATH")
    paths = [p for p in (env.get("PYTHONPATH"), str(REPO_ROOT), inherited) if p]
    env["PYTHONPATH"] = os.pathsep.join(paths)
    env.setdefault("PYTHONUNBUFFERED", "1")
    for name in ("HOME", "LANG", "TMPDIR", "VIRTUAL_ENV"):
        if name in os.environ:
            env.setdefault(name, os.environ[name])
    return env


@dataclass
class LocalProcess:
    """One running (or stopping) container process."""

    popen: subprocess.Popen[bytes]
    command: list[str]
    log_path: Path
    started_at: float = field(default_factory=time.time)
    term_sent_at: float | None = None

    @property
    def pid(self) -> int:
        return self.popen.pid

    def exit_code(self) -> int | None:
        return self.popen.poll()

    def terminate(self) -> None:
        """SIGTERM the whole process group (once); :meth:`reap` escalates to SIGKILL later."""
        if self.term_sent_at is None:
            self.term_sent_at = time.monotonic()
            self._signal(signal.SIGTERM)

    def reap(self, grace_seconds: float) -> bool:
        """True once the process is gone; SIGKILLs the group when SIGTERM got no result in ``grace_seconds``."""
        if self.popen.poll() is not None:
            self._signal(signal.SIGKILL)  # leftovers of the group, if any
            return True
        if self.term_sent_at is not None and time.monotonic() - self.term_sent_at >= grace_seconds:
            self._signal(signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.popen.wait(timeout=1)
            return self.popen.poll() is not None
        return False

    def _signal(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.popen.pid, signum)


def spawn(command: list[str], env: Mapping[str, str], cwd: Path, log_path: Path) -> LocalProcess:
    """Start ``command`` with stdout/stderr appended to ``log_path``; raises OSError when it cannot start."""
    cwd.mkdir(parents=True, exist_ok=True)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        log.write(f"crossgate emulator: starting {command!r} in {cwd}\n".encode())
        log.flush()
        popen = subprocess.Popen(
            command,
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_death_signal_setter(),
        )
    return LocalProcess(popen, command, log_path)


def stop_all(processes: list[LocalProcess], grace_seconds: float) -> None:
    """SIGTERM every process, wait up to ``grace_seconds`` for all of them, SIGKILL the rest."""
    for process in processes:
        process.terminate()
    deadline = time.monotonic() + grace_seconds
    pending = list(processes)
    while pending and time.monotonic() < deadline:
        pending = [p for p in pending if not p.reap(grace_seconds)]
        if pending:
            time.sleep(0.05)
    for process in pending:
        process.term_sent_at = time.monotonic() - grace_seconds
        process.reap(grace_seconds)
