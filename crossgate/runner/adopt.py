"""Adopt resources a killed run created but never recorded, with ``import`` blocks.

terraform saves state while it applies only every 20 s or so; a SIGKILL (or power loss) in between
leaves resources in AWS that the state does not know. crossgate finds them two ways and writes
``crossgate_adopt.tf.json`` beside the stack (one ``import`` block each), then re-plans:

* **recorded**: terraform printed "<address>: Creation complete ... [id=...]" for each resource
  before it was killed; crossgate kept those lines (crossgate.runner.recovery) and imports each address the
  new plan wants to create again: this catches VPCs, subnets and the like, whose names AWS does not
  keep unique and which would otherwise be created twice;
* **already exists**: an apply that fails on a unique name (log group, IAM role, NLB, target group,
  security group, Cloud Map namespace or service) gets an import of that name (or of the id a data
  source finds for it), for runs crossgate did not see being killed. An EFS mount target has no name and no
  data source that singles it out (``aws_efs_mount_target`` by file system fails once it has two), so it
  is asked of AWS (DescribeMountTargets of its file system, matched by subnet: EFS allows one per AZ).

Adoption is refused unless every imported resource carries this stack's ``crossgate:stack`` tag:
a resource of the same name made by someone else is never taken over. Untaggable ones (an inline role
policy, a mount target) are tied to a parent the plan already holds as this stack's (the role, the file
system).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from crossgate.synth.tags import STACK_TAG

ADOPT_FILE = "crossgate_adopt.tf.json"

Values = dict[str, Any]


@dataclass(frozen=True)
class Lookup:
    """A data source that finds the id AWS assigned, from the planned values of the resource."""

    data_type: str
    arguments: Callable[[Values], Values]
    attribute: str


@dataclass(frozen=True)
class Described:
    """Ask AWS for the id (one Describe call in the stack's account) when no data source can single it out."""

    service: str
    find: Callable[[Any, Values], str | None]
    """(boto3 client of ``service``, planned values) -> the id, or None when AWS has no such resource."""


def _mount_target_in_subnet(efs: Any, planned: Values) -> str | None:
    # DescribeMountTargets of one file system: at most one mount target per AZ, so one page (10) holds them.
    targets = efs.describe_mount_targets(FileSystemId=planned["file_system_id"])["MountTargets"]
    return next((t["MountTargetId"] for t in targets if t["SubnetId"] == planned["subnet_id"]), None)


Clients = Callable[[str], Any]
"""A boto3 client, by service name, acting in the stack's account and region."""

# How to import each adoptable type: a function of the planned values giving the import id, a Lookup, or
# (no data source finds it) a Described call.
ADOPTABLE: dict[str, Callable[[Values], str] | Lookup | Described] = {
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
    "aws_efs_mount_target": Described("efs", _mount_target_in_subnet),
}


# Types whose import id is not the id terraform prints: built from the planned values (and the printed id).
IMPORT_ID: dict[str, Callable[[Values, str], str]] = {
    "aws_route": lambda v, _: f"{v['route_table_id']}_{v['destination_cidr_block']}",
    "aws_route_table_association": lambda v, _: f"{v['subnet_id']}/{v['route_table_id']}",
    "aws_iam_role_policy_attachment": lambda v, _: f"{v['role']}/{v['policy_arn']}",
    "aws_ecs_cluster": lambda v, _: str(v["name"]),
    "aws_ecs_service": lambda v, _: f"{str(v['cluster']).rsplit('/', 1)[-1]}/{v['name']}",
    "aws_service_discovery_instance": lambda v, _: f"{v['service_id']}/{v['instance_id']}",
    "aws_apigatewayv2_stage": lambda v, _: f"{v['api_id']}/{v['name']}",
    "aws_apigatewayv2_integration": lambda v, printed: f"{v['api_id']}/{printed}",
    "aws_apigatewayv2_route": lambda v, printed: f"{v['api_id']}/{printed}",
    "aws_apigatewayv2_authorizer": lambda v, printed: f"{v['api_id']}/{printed}",
    "aws_apigatewayv2_api_mapping": lambda v, printed: f"{printed}/{v['domain_name']}",
    "aws_lambda_permission": lambda v, _: f"{v['function_name']}/{v['statement_id']}",
}
# Types that cannot be imported back as they were created (a task definition revision is known by its ARN,
# which terraform does not print); a re-run registers another revision, as any re-created one would.
NOT_IMPORTABLE = frozenset({"aws_ecs_task_definition", "terraform_data", "null_resource"})


class AdoptionError(Exception):
    """Some resources that already exist cannot be adopted safely; the message says which and why."""


def import_document(addresses: Iterable[str], plan_json: dict[str, Any],
                    clients: Clients | None = None) -> dict[str, Any]:
    """The `import` blocks (and lookups) adopting `addresses`; AdoptionError names any that cannot be.

    `clients` answers the Described types; without it (or when AWS has none) they are named as problems.
    """
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
            elif isinstance(how, Described):
                try:
                    found = how.find(clients(how.service), _Known(planned)) if clients is not None else None
                except (BotoCoreError, ClientError) as failed:
                    problems.append(f"{address}: asking AWS for it failed ({failed}); import or delete it by hand")
                    continue
                if found is None:
                    problems.append(f"{address}: AWS lists no {change['type']} matching the planned one"
                                    f"{'' if clients else ' (no AWS client to ask)'}; import or delete it by hand")
                    continue
                import_id = found
            else:
                import_id = how(planned)
        except KeyError as missing:
            problems.append(f"{address}: its {missing} is not known before apply; import or delete it by hand")
            continue
        imports.append({"to": address, "id": import_id})
    if problems:
        raise AdoptionError("\n".join(problems))
    return {"import": imports, **({"data": data} if data else {})}


def recorded_imports(created: dict[str, str], plan_json: dict[str, Any]) -> list[Values]:
    """Imports for the planned creates that the interrupted run had reported created (see module doc).

    A translated id needing a value the plan does not know yet (it depends on another import) is left
    for the next round: the caller re-plans with the imports so far and asks again.
    """
    imports = []
    for rc in plan_json.get("resource_changes", []):
        printed = created.get(rc["address"])
        if printed is None or rc["change"].get("actions") != ["create"] or rc["type"] in NOT_IMPORTABLE:
            continue
        planned = _Known(rc["change"].get("after") or {})
        try:
            import_id = IMPORT_ID[rc["type"]](planned, printed) if rc["type"] in IMPORT_ID else printed
        except KeyError:
            continue
        imports.append({"to": rc["address"], "id": import_id})
    return imports


class _Known(dict[str, Any]):
    """Planned values where a value not known before apply (absent, or null) is a KeyError like a missing one."""

    def __getitem__(self, key: str) -> Any:
        value = super().__getitem__(key)
        if value is None:
            raise KeyError(key)
        return value


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
