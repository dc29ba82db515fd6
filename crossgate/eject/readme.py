"""DIR/README.md of an ejected env: what each folder is, the apply order and the destroy order."""

from __future__ import annotations

import json

from crossgate import emulator, names
from crossgate.config import Credentials, Environment
from crossgate.eject.sources import ModuleSources
from crossgate.synth.manifest import Manifest


def _commands(stacks: list[str], verb: str) -> str:
    lines = []
    for stack in stacks:
        if verb == "apply":
            lines.append(f"terraform -chdir={stack} init && terraform -chdir={stack} apply")
        else:
            lines.append(f"terraform -chdir={stack} destroy")
    return "\n".join(lines)


def render_readme(env: Environment, manifest: Manifest, sources: ModuleSources, local_state: bool) -> str:
    layers = [[s.name for s in layer] for layer in manifest.layers()]
    apply_order = [name for layer in layers for name in layer]
    destroy_order = [name for layer in reversed(layers) for name in layer]
    central = names.central_stack(env.name)
    rows = []
    creds: Credentials
    for name in apply_order:
        if name == central:
            creds, role = env.config.central, "central: endpoints, Cloud Map, VPC link, HTTP API"
        else:
            service = next(s for s in env.config.services if names.provider_stack(env.name, s) == name)
            creds, role = env.config.services[service], f"provider of `{service}`: endpoint service over an NLB"
        rows.append(f"| `{name}/` | {creds.account_id} | {creds.region} | {role} |")
    modules = {
        "copy": "`modules/` and `eni_lookup/` here are copies of crossgate's modules; the stacks call them by "
                "relative path (`../modules/central`).",
        "path": f"The stacks call the modules at `{sources.prefix}` (relative to this folder).",
        "registry": f"The stacks call the modules from the registry package `{sources.prefix}`"
                    + (f" version `{sources.version}`." if sources.version else "."),
        "url": f"The stacks call the modules from `{sources.prefix}`.",
    }[sources.kind]
    parts = [
        f"# `{env.name}`: plain Terraform, ejected from crossgate",
        "",
        f"Written by `crossgate eject --env {env.name}`: one folder per stack (`versions.tf`, `backend.tf`, "
        "`providers.tf`, `main.tf`, `outputs.tf`), no CDKTF and no Python needed. " + modules,
        "",
        "| folder | account | region | what it deploys |",
        "|---|---|---|---|",
        *rows,
        "",
        "Each stack keeps the backend crossgate gave it, so these folders carry on with the state "
        "`crossgate deploy` left (a plan right after ejecting changes no resource; a provider stack's plan only "
        "removes CDKTF's cross-stack output). The central stack reads each "
        "provider stack's state as `data.terraform_remote_state.<service>` for its endpoint service name.",
        "",
        "## Apply order",
        "",
        "Provider stacks first (in any order, or in parallel), then the central stack:",
        "",
        "```bash",
        _commands(apply_order, "apply"),
        "```",
        "",
        "## Destroy order",
        "",
        "The central stack first (its endpoints hold connections to the endpoint services), then the providers:",
        "",
        "```bash",
        _commands(destroy_order, "destroy"),
        "```",
    ]
    if local_state:
        parts += ["", "State is local, in `state/` (copied from crossgate's `.crossgate/<env>/state/` when it "
                      "existed). Move it to a remote backend before a team shares these folders."]
    if env.config.target == "emulator":
        url = manifest_emulator_url(manifest)
        parts += [
            "", "## Emulator target", "",
            f"This env targets crossgate's local AWS emulator (at `{url}` when ejected): the provider and backend "
            "blocks point there. Start it first (`crossgate emulator`, same port) and give terraform the "
            "emulator's fake base credentials, as crossgate does:", "",
            "```bash",
            *(f"export {k}={v}" for k, v in emulator.terraform_environment(url).items()),
            "```",
        ]
    return "\n".join(parts) + "\n"


def manifest_emulator_url(manifest: Manifest) -> str:
    """The emulator URL the stacks were synthesized against (read from a backend's S3 endpoint)."""
    for stack in manifest.stacks:
        backend = json.loads((stack.directory / "cdk.tf.json").read_text()).get("terraform", {}).get("backend", {})
        url = backend.get("s3", {}).get("endpoints", {}).get("s3")
        if isinstance(url, str):
            return url
    return "http://127.0.0.1:4566"
