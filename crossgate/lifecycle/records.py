"""The identity record every stack writes into its own state, as the terraform output ``crossgate_stack``.

It travels with the state (terraform writes it atomically with the resources), so a stack can be found and
destroyed later from the backend alone: which env and env file it belongs to, and the account, region and
credentials (role or profile) its provider used. Nothing secret: role ARNs and profile names only.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from crossgate.paths import REPO_ROOT

OUTPUT_NAME = "crossgate_stack"
RECORD_VERSION = 1

Kind = Literal["provider", "central"]


@dataclass(frozen=True)
class StackRecord:
    """Who a stack's state belongs to and how to reach its account again."""

    env: str
    env_file: str
    stack: str
    kind: Kind
    account_id: str
    region: str
    service: str | None = None  # None for the central stack (terraform drops null values from outputs)
    role_arn: str | None = None
    profile: str | None = None
    version: int = RECORD_VERSION

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Any) -> StackRecord | None:
        """None for anything that is not a record this crossgate can read (a newer version included)."""
        if not isinstance(data, dict) or data.get("version") != RECORD_VERSION:
            return None
        try:
            fields: dict[str, Any] = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
            return cls(**fields)
        except TypeError:
            return None


def env_file_ref(path: Path, root: Path = REPO_ROOT) -> str:
    """How a record names an env file: relative to the checkout when inside it (so a moved checkout keeps
    its identity), else absolute."""
    resolved = path.resolve()
    try:
        return str(resolved.relative_to(root))
    except ValueError:
        return str(resolved)


def env_file_exists(ref: str, root: Path = REPO_ROOT) -> bool:
    return (root / ref).is_file()  # an absolute ref ignores root


def record_in_state(state: Any) -> StackRecord | None:
    """The record in a state file's JSON (terraform state format v4: ``outputs.<name>.value``)."""
    outputs = state.get("outputs") if isinstance(state, dict) else None
    output = outputs.get(OUTPUT_NAME) if isinstance(outputs, dict) else None
    return StackRecord.from_json(output.get("value")) if isinstance(output, dict) else None


def managed_resources(state: Any) -> int:
    """How many managed resources (not data sources) a state holds: zero once destroyed."""
    resources = state.get("resources") if isinstance(state, dict) else None
    if not isinstance(resources, list):
        return 0
    return sum(1 for r in resources if isinstance(r, dict) and r.get("mode") == "managed" and r.get("instances"))
