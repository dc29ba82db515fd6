"""Which processes work in a folder, read from Linux /proc (what ``ps`` and ``pwdx`` would show).

Recovery asks it before it touches a stack another run may still apply; the tests ask it to find the terraform
they interrupt and to prove nothing is left running.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")


@dataclass(frozen=True)
class Process:
    pid: int
    argv: tuple[bytes, ...]
    cwd: Path

    @property
    def command(self) -> str:
        """The command line as one string (arguments joined by spaces)."""
        return b" ".join(self.argv).decode(errors="replace")

    def is_terraform(self, subcommand: str | None = None) -> bool:
        if not self.argv or not self.argv[0].endswith(b"terraform"):
            return False
        return subcommand is None or subcommand.encode() in self.argv[1:]


def can_list() -> bool:
    return PROC.is_dir()


def working_in(folder: Path, *, below: bool = False) -> list[Process]:
    """Live processes whose working folder is ``folder`` (or, with ``below``, lies anywhere inside it)."""
    wanted = folder.resolve()
    found = []
    for entry in PROC.iterdir() if can_list() else ():
        if not entry.name.isdigit():
            continue
        try:
            argv = tuple((entry / "cmdline").read_bytes().rstrip(b"\0").split(b"\0"))
            cwd = Path(os.readlink(entry / "cwd"))
        except OSError:  # gone meanwhile, or not ours to read
            continue
        if cwd == wanted or (below and wanted in cwd.parents):
            found.append(Process(int(entry.name), argv, cwd))
    return found


def terraform_in(folder: Path, subcommand: str | None = None) -> list[int]:
    """PIDs of terraform processes (optionally only ``terraform <subcommand>``) working in ``folder``."""
    return [process.pid for process in working_in(folder) if process.is_terraform(subcommand)]
