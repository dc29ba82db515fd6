"""The machinery every patch uses: a :class:`Patch` record and an idempotent method wrapper."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from moto.core.responses import ActionResult

_PATCHED_MARK = "_crossgate_patched"


@dataclass(frozen=True)
class Patch:
    """One correction: a name for logs/tests, why it exists, and the function applying it."""

    name: str
    why: str
    apply: Callable[[], None]


def wrap(owner: type, method_name: str, make: Callable[[Callable[..., Any]], Callable[..., Any]],
          layer: str = "") -> None:
    """Replace ``owner.method_name`` by ``make(original)`` once (idempotent across calls).

    ``layer`` names a second wrapper of a method another patch already wraps: ``wraps`` copies the
    inner wrapper's marks onto the outer one, so each layer is applied once however often we run.
    """
    mark = f"{_PATCHED_MARK}_{layer}" if layer else _PATCHED_MARK
    original = getattr(owner, method_name, None)
    if original is not None and getattr(original, mark, False):
        return
    replacement = make(original) if original is not None else make(missing(method_name))
    if original is not None:
        replacement = wraps(original)(replacement)
    setattr(replacement, mark, True)
    setattr(owner, method_name, replacement)


def missing(method_name: str) -> Callable[..., Any]:
    def missing(*_args: Any, **_kwargs: Any) -> Any:
        raise NotImplementedError(method_name)

    return missing



def result_item(result: ActionResult, key: str) -> Any:
    payload = result.result
    if not isinstance(payload, dict) or key not in payload:
        raise RuntimeError(f"moto changed its response shape: no {key!r} in {type(payload).__name__}")
    return payload[key]

