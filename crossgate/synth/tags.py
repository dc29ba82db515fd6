"""The tags crossgate puts on every resource it creates (the aws provider's default_tags of each stack).

They say where a resource came from: ``crossgate:stack`` is how adoption (crossgate.runner.adopt) proves a
resource that "already exists" was made by this very stack before it takes it over.
"""

from __future__ import annotations

ENV_TAG = "crossgate:env"
STACK_TAG = "crossgate:stack"
MANAGED_BY_TAG = "managed-by"


def default_tags(env_name: str, stack_name: str) -> dict[str, str]:
    return {ENV_TAG: env_name, STACK_TAG: stack_name, MANAGED_BY_TAG: "crossgate"}
