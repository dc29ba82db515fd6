"""IAM policy evaluation for ``execute-api:Invoke``: identity policies and Lambda authorizer policies.

AWS IAM User Guide, "Policy evaluation logic": an explicit ``Deny`` in any applicable policy wins; otherwise
an ``Allow`` is needed; otherwise the request is implicitly denied. Statements match on ``Action`` /
``NotAction`` (case-insensitive, ``*`` and ``?`` wildcards) and ``Resource`` / ``NotResource``
(case-sensitive wildcards). moto's own evaluator (moto/iam/access_control.py) is not reused: it turns a
non-matching ``Condition`` of a Deny into a denial and reads ``$`` (as in ``$default``) as a regex anchor.

Not modelled: ``Condition`` blocks (no request context keys exist here). To stay on the safe side an
``Allow`` with a ``Condition`` grants nothing and a ``Deny`` with one applies unconditionally; the result
says so. Permissions boundaries, SCPs and resource policies are not evaluated.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any


class Verdict(Enum):
    """Outcome of evaluating a set of policies for one action on one resource."""

    ALLOW = "allow"
    EXPLICIT_DENY = "explicit deny"
    IMPLICIT_DENY = "implicit deny"


@dataclass(frozen=True)
class Evaluation:
    """The verdict and a short reason (which statement decided, what was skipped)."""

    verdict: Verdict
    reason: str


def evaluate(documents: Iterable[str | Mapping[str, Any]], action: str, resource: str) -> Evaluation:
    """Evaluate the policy documents (JSON text or parsed) together, as one identity's policies."""
    allowed_by = ""
    notes: list[str] = []
    for index, document in enumerate(documents):
        for number, statement in enumerate(_statements(document)):
            label = str(statement.get("Sid") or f"policy {index + 1} statement {number + 1}")
            if not (_action_matches(statement, action) and _resource_matches(statement, resource)):
                continue
            effect = str(statement.get("Effect", ""))
            conditional = "Condition" in statement
            if effect == "Deny":
                suffix = " (its Condition was not evaluated)" if conditional else ""
                return Evaluation(Verdict.EXPLICIT_DENY, f"denied by {label}{suffix}")
            if effect == "Allow":
                if conditional:
                    notes.append(f"{label} allows only under a Condition, which the emulator does not evaluate")
                elif not allowed_by:
                    allowed_by = label
    if allowed_by:
        return Evaluation(Verdict.ALLOW, f"allowed by {allowed_by}")
    reason = "no statement allows " + action + " on " + resource
    return Evaluation(Verdict.IMPLICIT_DENY, "; ".join([reason, *notes]))


def _statements(document: str | Mapping[str, Any]) -> list[Mapping[str, Any]]:
    parsed: Any = json.loads(document) if isinstance(document, str) else document
    if not isinstance(parsed, Mapping):
        return []
    statements = parsed.get("Statement", [])
    if isinstance(statements, Mapping):
        statements = [statements]
    return [statement for statement in statements if isinstance(statement, Mapping)]


def _values(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(item) for item in value]
    return []


def _action_matches(statement: Mapping[str, Any], action: str) -> bool:
    if "NotAction" in statement:
        return not any(wildcard_match(pattern, action, ignore_case=True) for pattern in _values(statement["NotAction"]))
    return any(wildcard_match(pattern, action, ignore_case=True) for pattern in _values(statement.get("Action")))


def _resource_matches(statement: Mapping[str, Any], resource: str) -> bool:
    if "NotResource" in statement:
        return not any(wildcard_match(pattern, resource) for pattern in _values(statement["NotResource"]))
    return any(wildcard_match(pattern, resource) for pattern in _values(statement.get("Resource")))


def wildcard_match(pattern: str, value: str, ignore_case: bool = False) -> bool:
    """IAM wildcards: ``*`` any run of characters, ``?`` one character; everything else literal."""
    regex = "".join(".*" if char == "*" else "." if char == "?" else re.escape(char) for char in pattern)
    return re.fullmatch(regex, value, re.DOTALL | (re.IGNORECASE if ignore_case else 0)) is not None
