"""``crossgate eject``: one env's synthesized stacks -> plain Terraform folders a team commits and keeps."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crossgate import names
from crossgate.config import Environment
from crossgate.eject import rewrite
from crossgate.eject.hcl import IDENTIFIER, render_file
from crossgate.eject.readme import render_readme
from crossgate.eject.sources import ModuleSources
from crossgate.eject.tf_json import convert
from crossgate.synth.manifest import Manifest

STACK_FILES = ("versions.tf", "backend.tf", "providers.tf", "variables.tf", "main.tf", "outputs.tf")


@dataclass(frozen=True)
class Ejected:
    """What eject wrote: the stack folders (in apply order), the copied modules, the README."""

    out_dir: Path
    stacks: tuple[Path, ...]
    modules: tuple[Path, ...]
    readme: Path
    renames: rewrite.Renames


def state_names(env: Environment, manifest: Manifest) -> dict[str, str]:
    """Producer stack -> the name its state is read by: the service's name (``employee``)."""
    by_stack = {names.provider_stack(env.name, svc): svc for svc in env.config.services}
    producers = {dep for stack in manifest.stacks for dep in stack.dependencies}
    result = {}
    for stack in sorted(producers):
        name = by_stack.get(stack, stack.removeprefix(f"{env.name}-"))
        result[stack] = name if IDENTIFIER.match(name) else re.sub(r"[^A-Za-z0-9_-]", "_", f"s_{name}")
    return result


def ejected_configs(env: Environment, manifest: Manifest, sources: ModuleSources,
                    ) -> tuple[dict[str, dict[str, Any]], rewrite.Renames, dict[Path, str]]:
    """Each stack's Terraform JSON as ejected (renamed, re-sourced), before it is written as HCL."""
    raw = {s.name: json.loads((s.directory / "cdk.tf.json").read_text()) for s in manifest.stacks}
    producers = state_names(env, manifest)
    renames = rewrite.Renames(
        outputs={stack: rewrite.readable_outputs(stack, raw[stack]) for stack in producers if stack in raw},
        states=producers)
    configs: dict[str, dict[str, Any]] = {}
    states: dict[Path, str] = {}
    for stack in manifest.stacks:
        config = raw[stack.name]
        if stack.name in renames.outputs:
            config = rewrite.rewrite_producer(config, renames.outputs[stack.name])
        config = rewrite.rewrite_consumer(config, renames)
        config = rewrite.rewrite_module_sources(config, stack.directory, sources)
        config, moved = rewrite.rewrite_local_state(config, stack.directory)
        states.update(moved)
        configs[stack.name] = config
    return configs, renames, states


def eject(env: Environment, manifest: Manifest, out_dir: Path, sources: ModuleSources) -> Ejected:
    """Write DIR/<stack>/*.tf per stack, the modules (unless sourced elsewhere) and DIR/README.md."""
    sources.check(out_dir)
    configs, renames, states = ejected_configs(env, manifest, sources)
    out_dir.mkdir(parents=True, exist_ok=True)
    folders = []
    for layer in manifest.layers():
        for stack in layer:
            folder = out_dir / stack.name
            folder.mkdir(exist_ok=True)
            files = convert(configs[stack.name]).files()
            for name in STACK_FILES:
                if name in files:
                    (folder / name).write_text(render_file(files[name]))
                else:
                    (folder / name).unlink(missing_ok=True)
            folders.append(folder)
    modules = sources.copy_modules(out_dir)
    _copy_local_states(states, out_dir / rewrite.STATE_FOLDER)
    _fmt(folders)
    readme = out_dir / "README.md"
    readme.write_text(render_readme(env, manifest, sources, bool(states)))
    return Ejected(out_dir, tuple(folders), tuple(modules), readme, renames)


def _copy_local_states(states: dict[Path, str], folder: Path) -> None:
    """Existing local state comes along (never overwriting state already in DIR/state/)."""
    for old, name in states.items():
        folder.mkdir(exist_ok=True)
        if old.exists() and not (folder / name).exists():
            shutil.copy2(old, folder / name)


def _fmt(folders: list[Path]) -> None:
    """The writer's output is fmt-clean by construction (tested); fmt here only guards a missed case."""
    terraform = shutil.which("terraform")
    if terraform is None:
        return
    for folder in folders:
        subprocess.run([terraform, "fmt", "-no-color", str(folder)], capture_output=True, check=False, timeout=60)
