"""Turn CDKTF's synthesized stacks into what a person would write: readable cross-stack names, own sources.

CDKTF wires a cross-stack reference as an output ``cross-stack-output-<path>`` (always sensitive) in the
producer and a ``data.terraform_remote_state.cross-stack-reference-input-<producer stack>`` in the consumer.
Ejected, the consumer reads the producer's state as ``data.terraform_remote_state.<service>`` and uses the
producer's ordinary output of the same value (``endpoint_service_name``), which crossgate's own stacks
write too: the ejected central stack reads the state crossgate's provider stacks left, unchanged.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crossgate.eject.hcl import IDENTIFIER, interpolation_only
from crossgate.eject.sources import ModuleSources, checkout_module

CROSS_OUTPUT = "cross-stack-output-"
CROSS_INPUT = "cross-stack-reference-input-"
REFERENCE = re.compile(
    r"data\.terraform_remote_state\." + re.escape(CROSS_INPUT) + r"([A-Za-z0-9_-]+?)\.outputs\.([A-Za-z0-9_-]+)")
STATE_FOLDER = "state"
"""Local state files of ejected stacks live in DIR/state/ (a local backend's path is relative to DIR/<stack>)."""


@dataclass(frozen=True)
class Renames:
    """Producer stack -> (CDKTF output name -> readable output name), and producer stack -> data source name."""

    outputs: dict[str, dict[str, str]]
    states: dict[str, str]


def readable_outputs(stack: str, config: dict[str, Any]) -> dict[str, str]:
    """Rename each CDKTF cross-stack output to an ordinary output of the same value (or a readable name)."""
    outputs: dict[str, Any] = config.get("output", {})
    plain = {name: body.get("value") for name, body in outputs.items() if not name.startswith(CROSS_OUTPUT)}
    renames: dict[str, str] = {}
    for name, body in outputs.items():
        if not name.startswith(CROSS_OUTPUT):
            continue
        same = [other for other, value in plain.items() if value == body.get("value")]
        if same:
            renames[name] = same[0]
            continue
        expression = interpolation_only(body.get("value", "")) if isinstance(body.get("value"), str) else None
        readable = (expression or name.removeprefix(CROSS_OUTPUT)).rsplit(".", 1)[-1]
        readable = re.sub(r"[^A-Za-z0-9_]", "_", readable)
        while readable in plain or readable in renames.values() or not IDENTIFIER.match(readable):
            readable = f"{stack.replace('-', '_')}_{readable}" if IDENTIFIER.match(readable) else f"o_{readable}"
        renames[name] = readable
    return renames


def rewrite_producer(config: dict[str, Any], renames: Mapping[str, str]) -> dict[str, Any]:
    """Drop the cross-stack outputs that duplicate an ordinary one; the others get their readable names.

    A renamed output is not marked sensitive: CDKTF marks every cross-stack output sensitive whatever it
    holds. (A module output declared sensitive would make terraform refuse it: "Output refers to sensitive
    values"; crossgate's modules declare none.)
    """
    out = copy.deepcopy(config)
    outputs: dict[str, Any] = out.get("output", {})
    for old, new in renames.items():
        body = outputs.pop(old)
        if new not in outputs:
            body.pop("sensitive", None)
            outputs[new] = body
    return out


def rewrite_consumer(config: dict[str, Any], renames: Renames) -> dict[str, Any]:
    """Rename the remote-state data sources and every reference to them."""
    out = copy.deepcopy(config)
    states: dict[str, Any] = out.get("data", {}).get("terraform_remote_state", {})
    for stack, name in renames.states.items():
        old = CROSS_INPUT + stack
        if old in states:
            states[name] = states.pop(old)

    def replace(match: re.Match[str]) -> str:
        stack, output = match.group(1), match.group(2)
        name = renames.states.get(stack, CROSS_INPUT + stack)
        return f"data.terraform_remote_state.{name}.outputs.{renames.outputs.get(stack, {}).get(output, output)}"

    renamed: dict[str, Any] = _map_strings(out, lambda text: REFERENCE.sub(replace, text))
    return renamed


def rewrite_module_sources(config: dict[str, Any], stack_dir: Path, sources: ModuleSources) -> dict[str, Any]:
    """Point every call of a checkout module at the chosen source (never back into the checkout)."""
    out = copy.deepcopy(config)
    for body in out.get("module", {}).values():
        module = checkout_module(body.get("source", ""), stack_dir)
        if module is None:
            continue
        body["source"] = sources.source(module)
        if sources.kind == "registry" and sources.version:
            body["version"] = sources.version
    return out


def rewrite_local_state(config: dict[str, Any], stack_dir: Path) -> tuple[dict[str, Any], dict[Path, str]]:
    """Local backends (and local remote states) move to DIR/state/<file>; returns old file -> new name."""
    out = copy.deepcopy(config)
    moved: dict[Path, str] = {}

    def move(settings: dict[str, Any]) -> None:
        path = settings.get("path")
        if not isinstance(path, str):
            return
        old = (stack_dir / path).resolve()
        moved[old] = old.name
        settings["path"] = f"../{STATE_FOLDER}/{old.name}"

    local = out.get("terraform", {}).get("backend", {}).get("local")
    if isinstance(local, dict):
        move(local)
    for body in out.get("data", {}).get("terraform_remote_state", {}).values():
        if body.get("backend") == "local" and isinstance(body.get("config"), dict):
            move(body["config"])
    return out, moved


def _map_strings(value: Any, change: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return change(value)
    if isinstance(value, list):
        return [_map_strings(v, change) for v in value]
    if isinstance(value, dict):
        return {change(k): _map_strings(v, change) for k, v in value.items()}
    return value
