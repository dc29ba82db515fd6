"""A small typed `provider "aws"` on cdktf core.

The prebuilt cdktf-cdktf-provider-aws costs ~13 s and ~1.1 GB on every synth (measured: docs/benchmarks.md) and pins the
provider exactly; crossgate stacks need only the provider's configuration, so this class writes it directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from constructs import Construct

from crossgate.synth.engine import TerraformProvider

# Admits 5.100.0 (installed here) and needs 5.83 for cross-region PrivateLink (`service_region`).
AWS_PROVIDER_CONSTRAINT = ">= 5.83, < 7.0"


@dataclass(frozen=True)
class AwsProviderConfig:
    """The provider arguments crossgate sets; `extra` carries target-specific ones (emulator endpoints)."""

    region: str
    allowed_account_ids: list[str]
    role_arn: str | None = None
    session_name: str = "crossgate"
    profile: str | None = None
    default_tags: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def to_terraform(self) -> dict[str, Any]:
        """The provider block in Terraform JSON shape (blocks as lists of objects)."""
        block: dict[str, Any] = {"region": self.region, "allowed_account_ids": list(self.allowed_account_ids)}
        if self.role_arn:
            block["assume_role"] = [{"role_arn": self.role_arn, "session_name": self.session_name}]
        if self.profile:
            block["profile"] = self.profile
        if self.default_tags:
            block["default_tags"] = [{"tags": dict(self.default_tags)}]
        block.update(self.extra)
        return block


class AwsProvider(TerraformProvider):
    """`provider "aws"` for one stack; JSON and HCL synthesis both come from AwsProviderConfig."""

    def __init__(self, scope: Construct, construct_id: str, config: AwsProviderConfig) -> None:
        super().__init__(
            scope,
            construct_id,
            terraform_resource_type="aws",
            terraform_generator_metadata={
                "provider_name": "aws",
                "provider_version_constraint": AWS_PROVIDER_CONSTRAINT,
            },
            terraform_provider_source="hashicorp/aws",
        )
        self._config = config

    def _synthesize_attributes(self) -> dict[str, Any]:
        return self._config.to_terraform()

    def _synthesize_hcl_attributes(self) -> dict[str, Any]:
        return {name: hcl_attribute(value) for name, value in self._config.to_terraform().items()}


def hcl_attribute(value: Any) -> dict[str, Any]:
    """Describe a JSON-shaped value the way cdktf's HCL renderer expects (lists of objects are blocks)."""
    if isinstance(value, bool):
        return {"value": value, "type": "simple", "storageClassType": "boolean"}
    if isinstance(value, int | float):
        return {"value": value, "type": "simple", "storageClassType": "number"}
    if isinstance(value, str):
        return {"value": value, "type": "simple", "storageClassType": "string"}
    if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        blocks = [{k: hcl_attribute(v) for k, v in item.items()} for item in value]
        return {"value": blocks, "isBlock": True, "type": "list", "storageClassType": "list"}
    if isinstance(value, list):
        return {"value": value, "type": "list", "storageClassType": "stringList"}
    if isinstance(value, dict):
        return {"value": value, "type": "map", "storageClassType": "stringMap"}
    raise TypeError(f"cannot render {type(value).__name__} as an HCL provider attribute")
