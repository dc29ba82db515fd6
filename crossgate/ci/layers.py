"""An env's stacks as a CI engine needs them: two layers (provider stacks, then the central stack), each stack
with its account, region and credentials from the env file, and the repository paths that feed it.

Stack names come from crossgate.names (the same ones synth writes), never re-derived here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from crossgate import names
from crossgate.config import Environment
from crossgate.errors import CrossgateError
from crossgate.paths import REPO_ROOT

SYNTH_OUTDIR = "cdktf.out"
"""Where `crossgate synth` writes, relative to the checkout (paths.DEFAULT_OUTDIR)."""

SOURCE_PATHS = ("modules/**", "eni_lookup/**", "crossgate/**", "main.py", "cdktf.json", "pyproject.toml",
                "constraints.txt")
"""What a stack is built from besides its env file: the HCL modules and the Python wrapper."""


class CiConfigError(CrossgateError):
    """The env (or the options) cannot be turned into a CI configuration; the message names the fix."""


@dataclass(frozen=True)
class CiStack:
    """One stack: its exact name, where it deploys, and how its provider gets credentials."""

    name: str
    kind: str  # "provider" | "central"
    account_id: str
    region: str
    role_arn: str | None
    profile: str | None
    field: str  # the env-file path of its credentials, for error messages ("services.employee")
    depends_on: tuple[str, ...] = ()


@dataclass(frozen=True)
class Layers:
    """One env's stacks for CI: the provider layer (independent of each other), then the central stack."""

    env_name: str
    env_file: str  # relative to the checkout, as the CI commands pass it to `--env`
    target: str
    providers: tuple[CiStack, ...]
    central: CiStack

    @property
    def stacks(self) -> tuple[CiStack, ...]:
        return (*self.providers, self.central)

    def accounts(self) -> dict[str, str | None]:
        """Each account once, with the role the env file gives it (the first stack's that names one)."""
        roles: dict[str, str | None] = {}
        for stack in self.stacks:
            if roles.get(stack.account_id) is None:
                roles[stack.account_id] = stack.role_arn
        return roles


def env_file_in_checkout(env: Environment, root: Path = REPO_ROOT) -> str:
    """The env file's path relative to the checkout: CI runs from a clone, so it must be committed there."""
    try:
        return env.path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        raise CiConfigError(
            f"env file {env.path} is outside the checkout {root}; CI reads it from the repository, so move it "
            f"into envs/ (or another folder of the checkout) and commit it") from None


def layers_of(env: Environment, root: Path = REPO_ROOT) -> Layers:
    """The env's stacks in the order CI must run them (provider stacks sorted by service, as synth names them)."""
    services = env.config.services
    providers = tuple(
        CiStack(name=names.provider_stack(env.name, service), kind="provider",
                account_id=services[service].account_id, region=services[service].region,
                role_arn=services[service].role_arn, profile=services[service].profile,
                field=f"services.{service}")
        for service in sorted(services)
    )
    c = env.config.central
    central = CiStack(name=names.central_stack(env.name), kind="central", account_id=c.account_id,
                      region=c.region, role_arn=c.role_arn, profile=c.profile, field="central",
                      depends_on=tuple(p.name for p in providers))
    return Layers(env_name=env.name, env_file=env_file_in_checkout(env, root), target=env.config.target,
                  providers=providers, central=central)
