"""Names crossgate derives from an env: stacks, state keys, resource-name prefixes, and their limits.

One place, so that config (which checks the limits), synth (which names stacks), the CLI, doctor and
bench (which look stacks up) can never disagree. Stacks are looked up by exact name, never by prefix:
env ``a``'s stacks must not be confused with env ``a-b``'s.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

ENV_NAME_RE = re.compile(r"^[a-z][a-z0-9-]{0,23}$")
"""An env's name (its file's stem): DNS-safe, it prefixes every stack, state key and resource name."""

MAX_PROVIDER_NAME = 24
"""``<env>-<service>`` names the provider module's resources; its NLB name allows 32 chars, the module 24."""

MAX_CENTRAL_NAME = 32
"""``<env>-<api name>`` prefixes the central module's API, VPC link and log group (module limit 32)."""


def central_stack(env: str) -> str:
    return f"{env}-central"


def provider_stack(env: str, service: str) -> str:
    return f"{env}-provider-{service}"


def provider_resource_name(env: str, service: str) -> str:
    """The ``name`` the provider module gets (and so its NLB, target group, cluster...)."""
    return f"{env}-{service}"


def central_resource_name(env: str, api_name: str) -> str:
    """The ``name`` the central module gets (its API, VPC link, log group prefix)."""
    return f"{env}-{api_name}"


def state_key(env: str, stack: str) -> str:
    """A stack's state object in the emulator's state bucket."""
    return f"{env}/{stack}.tfstate"


def stack_names(env: str, services: Iterable[str]) -> tuple[str, ...]:
    """Every stack an env with these services has: one per provider service, then the central one."""
    return (*(provider_stack(env, s) for s in sorted(services)), central_stack(env))
