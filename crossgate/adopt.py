"""Adopt resources a killed run created but never recorded: import blocks for "already exists" failures.

terraform saves state while it applies only every 20 s or so; a SIGKILL (or power loss) in between
leaves resources in AWS that the state does not know, and the next apply fails on each one with
"already exists". For the resource types whose names are unique (log groups, IAM roles, load
balancers, target groups, security groups, Cloud Map namespaces and services), crossgate writes
``crossgate_adopt.tf.json`` beside the stack: one ``import`` block per failed address, its id taken
from the planned values (or found by a data source, for ids AWS assigns), and re-plans.

Adoption is refused unless every imported resource carries this stack's ``crossgate:stack`` tag:
a resource of the same name made by someone else is never taken over.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crossgate.tags import STACK_TAG

ADOPT_FILE = "crossgate_adopt.tf.json"
ORPHAN_MARKERS = ("already exists", "AlreadyExists")

Values = dict[str, Any]


@dataclass(frozen=True)
class Lookup:
    """A data source that finds the id AWS assigned, from the planned values of the resource."""

    data_type: str
    arguments: Callable[[Values], Values]
    attribute: str


# How to import each adoptable type: a function of the planned values giving the import id, or a Lookup.
ADOPTABLE: dict[str, Callable[[Values], str] | Lookup] = {
    "aws_cloudwatch_log_group": lambda v: str(v["name"]),
    "aws_iam_role": lambda v: str(v["name"]),
    "aws_iam_role_policy": lambda v: f"{v['role']}:{v['name']}",
    "aws_lb": Lookup("aws_lb", lambda v: {"name": v["name"]}, "arn"),
    "aws_lb_target_group": Lookup("aws_lb_target_group", lambda v: {"name": v["name"]}, "arn"),
    "aws_security_group": Lookup("aws_security_group", lambda v: {"name": v["name"], "vpc_id": v["vpc_id"]}, "id"),
    "aws_service_discovery_http_namespace": Lookup(
        "aws_service_discovery_http_namespace", lambda v: {"name": v["name"]}, "id"),
    "aws_service_discovery_service": Lookup(
        "aws_service_discovery_service", lambda v: {"name": v["name"], "namespace_id": v["namespace_id"]}, "id"),
}


class AdoptionError(Exception):
    """Some resources that already exist cannot be adopted safely; the message says which and why."""


def failed_addresses(output: str) -> list[str]:
    """Addresses of the resources whose create failed because they already exist, in terraform's order."""
    addresses = []
    for block in re.split(r"^Error: ", output, flags=re.MULTILINE)[1:]:
        head, _, _ = block.partition("\n  on ")
        found = re.search(r"^\s+with ([^\s,]+),", head, flags=re.MULTILINE)
        if found and any(marker in head for marker in ORPHAN_MARKERS):
            addresses.append(found.group(1))
    return addresses


def import_document(addresses: Iterable[str], plan_json: dict[str, Any]) -> dict[str, Any]:
    """The `import` blocks (and lookups) adopting `addresses`; AdoptionError names any that cannot be."""
    changes = {rc["address"]: rc for rc in plan_json.get("resource_changes", [])}
    providers = _provider_keys(plan_json.get("configuration", {}).get("root_module", {}))
    imports: list[Values] = []
    data: dict[str, dict[str, Values]] = {}
    problems: list[str] = []
    for index, address in enumerate(addresses):
        change = changes.get(address)
        how = ADOPTABLE.get(change["type"]) if change else None
        if change is None or how is None:
            problems.append(f"{address}: crossgate cannot adopt this type; import or delete it by hand")
            continue
        planned: Values = change["change"].get("after") or {}
        try:
            if isinstance(how, Lookup):
                name = f"crossgate_adopt_{index}"
                provider = providers.get(_config_address(change), "aws")
                provider = provider if re.fullmatch(r"aws(\.\w+)?", provider) else "aws"  # a root configuration
                data.setdefault(how.data_type, {})[name] = {
                    **how.arguments(planned), **({"provider": provider} if provider != "aws" else {})}
                import_id = f"${{data.{how.data_type}.{name}.{how.attribute}}}"
            else:
                import_id = how(planned)
        except KeyError as missing:
            problems.append(f"{address}: its {missing} is not known before apply; import or delete it by hand")
            continue
        imports.append({"to": address, "id": import_id})
    if problems:
        raise AdoptionError("\n".join(problems))
    return {"import": imports, **({"data": data} if data else {})}


def foreign(plan_json: dict[str, Any], stack: str) -> list[str]:
    """Imported resources that do not carry `crossgate:stack = stack`: not ours to take over."""
    refused = []
    for rc in plan_json.get("resource_changes", []):
        change = rc.get("change", {})
        if not change.get("importing"):
            continue
        before: Values = change.get("before") or {}
        if "tags_all" not in before and "tags" not in before:
            continue  # untaggable (an inline role policy): its name ties it to an adopted, tagged role
        tags = before.get("tags_all") or before.get("tags") or {}
        if tags.get(STACK_TAG) != stack:
            refused.append(f"{rc['address']} (id {change['importing'].get('id')}) has {STACK_TAG}="
                           f"{tags.get(STACK_TAG)!r}, not {stack!r}")
    return refused


def write(stack_dir: Path, document: dict[str, Any]) -> Path:
    path = stack_dir / ADOPT_FILE
    path.write_text(json.dumps(document, indent=2) + "\n")
    return path


def remove(stack_dir: Path) -> None:
    (stack_dir / ADOPT_FILE).unlink(missing_ok=True)


def _config_address(change: dict[str, Any]) -> str:
    """``module.a[0].module.b.aws_x.y[1]`` -> ``module.a.module.b.aws_x.y`` (how configuration names it)."""
    module = re.sub(r"\[[^\]]*\]", "", change.get("module_address", ""))
    return f"{module + '.' if module else ''}{change['type']}.{change['name']}"


def _provider_keys(module: dict[str, Any], prefix: str = "") -> dict[str, str]:
    keys = {f"{prefix}{r['address']}": r.get("provider_config_key", "aws") for r in module.get("resources", [])}
    for name, call in module.get("module_calls", {}).items():
        keys.update(_provider_keys(call.get("module", {}), f"{prefix}module.{name}."))
    return keys
