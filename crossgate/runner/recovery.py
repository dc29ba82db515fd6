"""Pick up after a terraform run that was interrupted: its stale lock and the state it could not save.

A terraform killed with SIGKILL, or cut off from its backend (the emulator or S3 gone mid-apply),
leaves its state lock behind, and in the second case writes what it could not upload to
``errored.tfstate``. Terraform's own answer is manual (``force-unlock``, ``state push``). crossgate
runs terraform itself, so it knows when that happened and can finish the job safely:

* it records the interruption beside the stack (``.crossgate-interrupted.json``: when, who, and the
  resources terraform reported created, which its state may lack: see crossgate.runner.adopt);
* on the next run, a lock is released automatically only when it is provably that run's lock:
  taken by the same user@host before the interruption was recorded, with no terraform process
  working in the stack folder any more. Any other lock is left alone, with the unlock command;
* ``errored.tfstate`` is pushed back (terraform refuses a push of another lineage or an older serial)
  and kept as ``errored.tfstate.pushed`` for the record.
"""

from __future__ import annotations

import getpass
import json
import socket
import time
from pathlib import Path

from crossgate.runner import output_text, processes
from crossgate.runner.output_text import LockInfo

MARKER_FILE = ".crossgate-interrupted.json"
ERRORED_STATE = "errored.tfstate"





def holder() -> str:
    """user@host as terraform writes it into a lock's "Who"."""
    return f"{getpass.getuser()}@{socket.gethostname()}"


def was_interrupted(returncode: int, output: str) -> bool:
    """A state-writing terraform command that may have left its lock: killed by a signal, or unable to unlock."""
    return returncode < 0 or output_text.lock_release_failed(output)


def record_interruption(stack_dir: Path, command: str, created: dict[str, str] | None = None) -> None:
    """Remember the interruption, and what the run created (its state may not say: it saves every ~20 s)."""
    earlier = created_by_interrupted_run(stack_dir)  # a second interruption before any success adds to the first
    marker = {"at": time.time(), "who": holder(), "command": command, "created": {**earlier, **(created or {})}}
    (stack_dir / MARKER_FILE).write_text(json.dumps(marker, indent=1) + "\n")


def created_by_interrupted_run(stack_dir: Path) -> dict[str, str]:
    try:
        created = json.loads((stack_dir / MARKER_FILE).read_text()).get("created", {})
    except (OSError, ValueError, AttributeError):
        return {}
    return {str(k): str(v) for k, v in created.items()} if isinstance(created, dict) else {}


def interrupted(stack_dir: Path) -> bool:
    return (stack_dir / MARKER_FILE).exists()


def clear_interruption(stack_dir: Path) -> None:
    (stack_dir / MARKER_FILE).unlink(missing_ok=True)


def releasable_lock(stack_dir: Path, output: str) -> LockInfo | None:
    """The lock named in `output` when it is provably left by the run recorded as interrupted; else None."""
    lock = output_text.parse_lock_info(output) if output_text.lock_held(output) else None
    marker_path = stack_dir / MARKER_FILE
    if lock is None or not marker_path.exists():
        return None
    try:
        marker = json.loads(marker_path.read_text())
        interrupted_at, who = float(marker["at"]), str(marker["who"])
    except (ValueError, KeyError, TypeError):
        return None
    if lock.who != who or lock.created is None or lock.created > interrupted_at or terraform_running_in(stack_dir):
        return None
    return lock


def terraform_running_in(stack_dir: Path) -> bool:
    """Is a terraform process working in this folder? (Linux /proc; elsewhere assume yes, to stay safe.)"""
    return not processes.can_list() or bool(processes.terraform_in(stack_dir))


def errored_state(stack_dir: Path) -> Path | None:
    path = stack_dir / ERRORED_STATE
    return path if path.exists() else None


def mark_pushed(path: Path) -> Path:
    done = path.with_name(path.name + ".pushed")
    path.replace(done)
    return done
