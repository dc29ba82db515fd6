"""Every rule the modules apply: each variable validation and each pre/postcondition, parsed with python-hcl2."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import hcl2

from crossgate.paths import HCL_MODULES, REPO_ROOT


@dataclass(frozen=True)
class Rule:
    """One module rule, named by where it lives and the start of its message (stable, readable, unique)."""

    module: str  # modules/central, eni_lookup, ...
    where: str  # var.<name>, or the block address holding the condition (resource.aws_vpc.this)
    kind: str  # validation, precondition, postcondition
    message: str  # the error message's first words
    condition: str

    @property
    def key(self) -> str:
        return f"{self.module} {self.where} {self.kind}: {self.message}"


def _unquote(text: str) -> str:
    text = text.strip()
    if text.startswith("${") and text.endswith("}"):
        text = text[2:-1]
    return text.strip('"')


def _without_interpolations(text: str) -> str:
    """``${...}`` (braces nested inside counted) replaced by ``…``."""
    out, i = [], 0
    while i < len(text):
        if text.startswith("${", i):
            depth, i = 1, i + 2
            while i < len(text) and depth:
                depth += {"{": 1, "}": -1}.get(text[i], 0)
                i += 1
            out.append("…")
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def _short(message: str) -> str:
    """The message's first 70 characters, interpolations as ``…``: readable, and unique per rule."""
    text = message.strip()
    if text.startswith("${") and text.endswith("}") and not text.startswith('"'):
        return text[2:-1][:70]  # the whole message is an expression (local.network_problem)
    return _without_interpolations(text.strip('"').replace('\\"', '"'))[:70].rstrip()


def _conditions(node: Any, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], str, dict[str, Any]]]:
    if isinstance(node, dict):
        for key, value in node.items():
            name = _unquote(str(key))
            if name in ("precondition", "postcondition"):
                for block in value if isinstance(value, list) else [value]:
                    yield path, name, block
            else:
                yield from _conditions(value, (*path, name) if name not in ("lifecycle",) else path)
    elif isinstance(node, list):
        for item in node:
            yield from _conditions(item, path)


def module_rules(module: Path) -> list[Rule]:
    name = str(module.relative_to(REPO_ROOT))
    found: list[Rule] = []
    for tf in sorted(module.glob("*.tf")):
        parsed = hcl2.loads(tf.read_text(encoding="utf-8"))
        for variable in parsed.get("variable", []):
            for var_name, body in variable.items():
                for validation in body.get("validation", []):
                    found.append(Rule(name, f"var.{_unquote(var_name)}", "validation",
                                      _short(validation["error_message"]), validation["condition"]))
        for top in ("resource", "data", "module", "check", "output"):
            for path, kind, block in _conditions(parsed.get(top, []), (top,)):
                found.append(Rule(name, ".".join(path), kind, _short(block["error_message"]), block["condition"]))
    return found


def all_rules() -> list[Rule]:
    return [rule for module in HCL_MODULES for rule in module_rules(module)]
