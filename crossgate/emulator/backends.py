"""Reading moto's per-account, per-region backends without creating any.

moto's ``BackendDict`` creates a backend on ``backends[account][region]``; the emulator's own code (patches,
data plane, workloads, authorizers) must only ever see the accounts and regions that exist, so it reads them
through these helpers (``dict.get`` / ``dict.items`` bypass the creating ``__getitem__``).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any


def moto_lock() -> threading.RLock:
    """moto's ``backend_lock``: held by every request to moto (:mod:`crossgate.emulator.serial`), by the
    workloads when they change moto's objects and by the state save while it pickles them."""
    from moto.core.base_backend import backend_lock

    return backend_lock


def existing(backend_dict: Any) -> Iterator[tuple[str, str, Any]]:
    """(account, region or partition, backend) for every backend already created."""
    for account_id, regional in list(dict.items(backend_dict)):
        for region, backend in list(dict.items(regional)):
            yield account_id, region, backend


def each(backend_dict: Any) -> Iterator[Any]:
    """Every backend already created, across accounts and regions."""
    for _, _, backend in existing(backend_dict):
        yield backend


def lookup(backend_dict: Any, account_id: str, region: str) -> Any | None:
    """The backend of that account and region, or None when it was never created."""
    regional = dict.get(backend_dict, account_id)
    return None if regional is None else dict.get(regional, region)
