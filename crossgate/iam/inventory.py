"""What a synthesized stack manages: the AWS resource and data-source types of the modules it calls.

Derived from the real stacks (their ``cdk.tf.json`` names the modules they call, the modules' ``.tf`` files
declare the types, nested ``module`` calls are followed), so the permissions can never drift from the code.
Types a module declares under ``count``/``for_each`` are counted whether or not this env enables them: the
role may then create what a later env-file change turns on, and nothing outside the modules.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from crossgate.errors import CrossgateError

_BLOCK_RE = re.compile(r'^(resource|data)\s+"([a-z0-9_]+)"\s+"[^"]+"\s*\{', re.MULTILINE)
_MODULE_RE = re.compile(r'^module\s+"[^"]+"\s*\{(?P<body>.*?)^\}', re.MULTILINE | re.DOTALL)
_SOURCE_RE = re.compile(r'^\s*source\s*=\s*"(?P<source>[^"]+)"', re.MULTILINE)


@dataclass(frozen=True)
class Inventory:
    """The AWS resource types and data-source types one stack (or one account's stacks) uses."""

    resources: frozenset[str]
    data_sources: frozenset[str]

    def __or__(self, other: Inventory) -> Inventory:
        return Inventory(self.resources | other.resources, self.data_sources | other.data_sources)


EMPTY = Inventory(frozenset(), frozenset())


def module_inventory(directory: Path, _seen: frozenset[Path] = frozenset()) -> Inventory:
    """Types declared by the module in ``directory`` (its top-level ``.tf`` files) and the local modules it calls."""
    directory = directory.resolve()
    if directory in _seen:
        return EMPTY
    files = sorted(directory.glob("*.tf"))
    if not files:
        raise CrossgateError(f"module folder {directory} has no .tf files; fix: check the module source path")
    resources: set[str] = set()
    data: set[str] = set()
    inventory = EMPTY
    for path in files:
        text = path.read_text()
        for kind, type_name in _BLOCK_RE.findall(text):
            (resources if kind == "resource" else data).add(type_name)
        for module in _MODULE_RE.finditer(text):
            source = _SOURCE_RE.search(module.group("body"))
            if source and source.group("source").startswith("."):  # registry/git modules are not ours
                inventory |= module_inventory(directory / source.group("source"), _seen | {directory})
    return inventory | Inventory(frozenset(resources), frozenset(data))


def stack_inventory(stack_dir: Path) -> Inventory:
    """Types a synthesized stack manages: those of every module its ``cdk.tf.json`` calls, plus its own."""
    path = stack_dir / "cdk.tf.json"
    if not path.exists():
        raise CrossgateError(f"{path} is missing; fix: synthesize the env as JSON (not --hcl) first")
    document = json.loads(path.read_text())
    inventory = Inventory(
        frozenset(document.get("resource", {})),
        frozenset(name for name in document.get("data", {}) if name != "terraform_remote_state"),
    )
    for call in document.get("module", {}).values():
        source = str(call.get("source", ""))
        if source.startswith("."):
            inventory |= module_inventory(stack_dir / source)
    return inventory
