"""An env -> its stacks (synthesized in a scratch folder) -> per-account policy files."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable
from pathlib import Path

from crossgate.config import Environment
from crossgate.iam.documents import AccountPolicies, account_policies
from crossgate.iam.inventory import Inventory, stack_inventory


def env_inventories(env: Environment, outdir: Path | None = None) -> dict[str, Inventory]:
    """What each stack of the env manages, read from a real synth (in ``outdir`` or a scratch folder)."""
    from crossgate.synth import synthesize

    if outdir is not None:
        manifest = synthesize(env, outdir)
        return {stack.name: stack_inventory(stack.directory) for stack in manifest.stacks}
    with tempfile.TemporaryDirectory(prefix="crossgate-iam-") as scratch:
        return env_inventories(env, Path(scratch))


def generate(env: Environment, *, github_repo: str | None, principals: Iterable[str] = ()) -> list[AccountPolicies]:
    return account_policies(env, env_inventories(env), github_repo=github_repo, principals=principals)


def write_policies(policies: Iterable[AccountPolicies], out: Path) -> list[Path]:
    """``<account>-trust.json`` and ``<account>-permissions.json`` per account; the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for item in policies:
        for kind, document in (("trust", item.trust), ("permissions", item.permissions)):
            path = out / f"{item.account_id}-{kind}.json"
            path.write_text(json.dumps(document, indent=2) + "\n")
            written.append(path)
    return written
