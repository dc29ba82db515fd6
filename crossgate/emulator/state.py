"""Keep the emulator's AWS state across restarts: moto's in-memory backends, pickled to one file.

moto holds every account's resources (and, in its S3, every stack's Terraform state) in Python
objects that vanish with the process. AWS does not forget when a client goes away, so an emulator
stopped mid-deploy and started again must come back with what it had: the emulator child saves
all backends when it stops (Ctrl-C, SIGTERM, its parent closing it) and restores them when it
starts with the same file. A SIGKILLed emulator cannot save; it restarts from its last save.

Everything is pickled in one call, so objects shared between services (an NLB's subnets are EC2
subnet objects) stay shared after a restore. The file is a pickle: load only one you wrote
(it is created mode 0600 in the emulator's own state directory).
"""

from __future__ import annotations

import os
import pickle
import sys
from pathlib import Path
from typing import Any

from crossgate.emulator.backends import moto_lock

STATE_FILE_NAME = "state.pickle"

_Key = tuple[str, str]  # (module, attribute) holding a moto BackendDict


def _backend_dicts_in_use() -> dict[_Key, Any]:
    """Every moto BackendDict holding at least one account, keyed by where the module keeps it."""
    from moto.core.base_backend import BackendDict

    in_use = [d for d in BackendDict._instances if len(d)]  # type: ignore[misc]
    found: dict[_Key, Any] = {}
    for module_name, module in list(sys.modules.items()):
        if not module_name.startswith("moto.") or module is None:
            continue
        for attribute, value in list(vars(module).items()):
            if any(value is d for d in in_use):
                found[(module_name, attribute)] = value
    return found


def _extra_attributes(backends: Any) -> dict[str, Any]:
    """State a BackendDict keeps beside its accounts (S3's bucket-name -> account index, for one)."""
    return {name: value for name, value in vars(backends).items() if name not in ("_id", "backend")}


def save(path: Path) -> int:
    """Write every in-use backend to ``path`` atomically (0600); return the number of bytes."""
    with moto_lock():
        payload = pickle.dumps({key: (dict(backends), _extra_attributes(backends))
                                for key, backends in _backend_dicts_in_use().items()},
                               protocol=pickle.HIGHEST_PROTOCOL)
    partial = path.with_name(path.name + ".partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(payload)
        handle.flush()
        os.fsync(handle.fileno())
    partial.replace(path)
    return len(payload)


def restore(path: Path) -> int:
    """Load the backends saved in ``path`` into this process's moto; return how many services came back."""
    import importlib

    from moto.core.base_backend import BackendDict

    saved: dict[_Key, tuple[dict[str, Any], dict[str, Any]]] = pickle.loads(path.read_bytes())  # our own 0600 file
    for (module_name, attribute), (accounts, extra) in saved.items():
        backends = getattr(importlib.import_module(module_name), attribute)
        backends.clear()
        backends.update(accounts)
        vars(backends).update(extra)
        if backends not in BackendDict._instances:  # type: ignore[misc]
            BackendDict._instances.append(backends)  # type: ignore[misc]
    return len(saved)
