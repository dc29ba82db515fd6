"""Plan review: turn each stack's `terraform show -json` into a report a platform team reads before apply.

Security-relevant changes come first (principals, security groups, authorization, endpoints and the VPC
link, IAM, anything destroyed or replaced), then the rest grouped by module. Sensitive values are masked
using terraform's own sensitivity markers plus a name-based safety net.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from jinja2 import Environment as Jinja
from jinja2 import PackageLoader, StrictUndefined

MASK = "(sensitive)"
UNKNOWN = "(known after apply)"
MAX_VALUE_CHARS = 160

# Why a resource type matters for access control or reachability, shown next to its change.
SECURITY_TYPES: dict[str, str] = {
    "aws_vpc_endpoint_service": "who may connect to the service (allowed principals, acceptance)",
    "aws_vpc_endpoint_service_allowed_principal": "who may connect to the service",
    "aws_security_group": "network access",
    "aws_security_group_rule": "network access",
    "aws_vpc_security_group_ingress_rule": "network access (ingress)",
    "aws_vpc_security_group_egress_rule": "network access (egress)",
    "aws_apigatewayv2_authorizer": "API authorization",
    "aws_apigatewayv2_route": "route authorization",
    "aws_lambda_permission": "who may invoke an authorizer",
    "aws_vpc_endpoint": "endpoint (a replaced endpoint changes its IPs)",
    "aws_apigatewayv2_vpc_link": "the VPC link every integration uses",
    "aws_apigatewayv2_domain_name": "custom domain, TLS and mTLS",
    "aws_apigatewayv2_api": "the API itself (default endpoint exposure)",
    "aws_iam_role": "IAM",
    "aws_iam_role_policy": "IAM",
    "aws_iam_role_policy_attachment": "IAM",
    "aws_service_discovery_instance": "which IPs the gateway sends traffic to",
}
SECRET_WORDS = ("password", "secret", "token", "private_key", "credential")


@dataclass(frozen=True)
class AttributeChange:
    name: str
    before: str
    after: str


@dataclass(frozen=True)
class ResourceChange:
    stack: str
    address: str
    module: str
    type: str
    action: str  # create | update | delete | replace
    security_reasons: tuple[str, ...]
    attributes: tuple[AttributeChange, ...]

    @property
    def is_security_relevant(self) -> bool:
        return bool(self.security_reasons)


@dataclass(frozen=True)
class StackSummary:
    stack: str
    add: int = 0
    change: int = 0
    destroy: int = 0
    replace: int = 0

    @property
    def total(self) -> int:
        return self.add + self.change + self.destroy + self.replace


@dataclass(frozen=True)
class Review:
    summaries: tuple[StackSummary, ...]
    security: tuple[ResourceChange, ...]
    by_module: dict[str, tuple[ResourceChange, ...]] = field(default_factory=dict)
    diagram: str | None = None
    removed: tuple[str, ...] = ()
    """Stacks the env file no longer declares, to be destroyed whole (a service disappears): shown first."""

    @property
    def has_changes(self) -> bool:
        return any(s.total for s in self.summaries) or bool(self.removed)


def _action(actions: list[str]) -> str | None:
    if actions in (["delete", "create"], ["create", "delete"]):
        return "replace"
    if actions in (["create"], ["update"], ["delete"]):
        return actions[0]
    return None  # no-op, read


def _is_marked(marker: Any) -> bool:
    if marker is True:
        return True
    if isinstance(marker, dict):
        return any(_is_marked(v) for v in marker.values())
    if isinstance(marker, list):
        return any(_is_marked(v) for v in marker)
    return False


def _show(value: Any, sensitive: Any, unknown: Any, name: str) -> str:
    if _is_marked(sensitive) or any(word in name.lower() for word in SECRET_WORDS):
        return MASK
    if unknown is True:
        return UNKNOWN
    if value is None:
        return "null"
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    if _is_marked(unknown):
        text += f" {UNKNOWN} in parts"
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "…"


def _attributes(change: dict[str, Any]) -> tuple[AttributeChange, ...]:
    before = change.get("before") or {}
    after = change.get("after") or {}
    before_sensitive = change.get("before_sensitive") or {}
    after_sensitive = change.get("after_sensitive") or {}
    after_unknown = change.get("after_unknown") or {}
    rows = []
    for name in sorted(set(before) | set(after) | set(after_unknown)):
        if name in ("tags_all", "id", "arn"):
            continue
        old, new = before.get(name), after.get(name)
        unknown = after_unknown.get(name) if isinstance(after_unknown, dict) else None
        if old == new and not _is_marked(unknown):
            continue
        if old in (None, [], {}, "") and new in (None, [], {}, "") and not _is_marked(unknown):
            continue
        rows.append(AttributeChange(
            name=name,
            before=_show(old, before_sensitive.get(name) if isinstance(before_sensitive, dict) else None, None,
                         name) if change.get("before") is not None else "",
            after=_show(new, after_sensitive.get(name) if isinstance(after_sensitive, dict) else None, unknown,
                        name) if change.get("after") is not None else "",
        ))
    return tuple(rows)


def _security_reasons(resource_type: str, action: str) -> tuple[str, ...]:
    reasons = []
    if resource_type in SECURITY_TYPES:
        reasons.append(SECURITY_TYPES[resource_type])
    if action == "delete":
        reasons.append("destroyed")
    if action == "replace":
        reasons.append("replaced (destroyed and created again)")
    return tuple(reasons)


def build_review(plans: dict[str, dict[str, Any]], diagram: str | None = None,
                 removed: tuple[str, ...] = ()) -> Review:
    """A review of every stack's plan JSON (`terraform show -json <planfile>`), keyed by stack name;
    ``removed`` names the stacks being destroyed because the env file dropped them (listed first)."""
    summaries: list[StackSummary] = []
    changes: list[ResourceChange] = []
    for stack in sorted(plans):
        counts = {"create": 0, "update": 0, "delete": 0, "replace": 0}
        for rc in plans[stack].get("resource_changes", []):
            if rc.get("mode") == "data":
                continue
            action = _action(rc["change"]["actions"])
            if action is None:
                continue
            counts[action] += 1
            changes.append(ResourceChange(
                stack=stack,
                address=rc["address"],
                module=rc.get("module_address", "(root)"),
                type=rc["type"],
                action=action,
                security_reasons=_security_reasons(rc["type"], action),
                attributes=_attributes(rc["change"]),
            ))
        summaries.append(StackSummary(stack, counts["create"], counts["update"], counts["delete"], counts["replace"]))
    # A stack destroyed whole (a service disappears) outranks every other security-relevant change.
    security = tuple(sorted((c for c in changes if c.is_security_relevant), key=lambda c: c.stack not in removed))
    by_module: dict[str, list[ResourceChange]] = {}
    for change in changes:
        if not change.is_security_relevant:
            by_module.setdefault(f"{change.stack}: {change.module}", []).append(change)
    return Review(tuple(summaries), security, {k: tuple(v) for k, v in sorted(by_module.items())}, diagram,
                  tuple(sorted(removed)))


def render_markdown(review: Review, title: str) -> str:
    jinja = Jinja(loader=PackageLoader("crossgate.ops", "templates"), undefined=StrictUndefined,
                  trim_blocks=True, lstrip_blocks=True, autoescape=False)
    return jinja.get_template("review.md.j2").render(review=review, title=title)


def render_json(review: Review) -> str:
    def encode(change: ResourceChange) -> dict[str, Any]:
        return {**asdict(change), "security_relevant": change.is_security_relevant}

    return json.dumps({
        "has_changes": review.has_changes,
        "summaries": [{**asdict(s), "total": s.total} for s in review.summaries],
        "security": [encode(c) for c in review.security],
        "by_module": {k: [encode(c) for c in v] for k, v in review.by_module.items()},
        "diagram": review.diagram,
        "removed_stacks": list(review.removed),
    }, indent=2)
