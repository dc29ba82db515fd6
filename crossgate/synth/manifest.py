"""Synthesis: run the CDKTF app (main.py) for one environment and read back what it wrote.

Synthesis runs in a child Python so that the CLI process never starts the jsii runtime, and so that
SYNTH_HCL_OUTPUT (read by cdktf's JS side only from its own environment) can be set per run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from crossgate import names
from crossgate.config import Environment
from crossgate.errors import CrossgateError
from crossgate.lifecycle.records import StackRecord
from crossgate.paths import MAIN_PY, REPO_ROOT
from crossgate.synth.engine_setting import ENGINE_VARIABLE, engine_name

SYNTH_TIMEOUT_SECONDS = 300


class SynthError(CrossgateError):
    """The CDKTF app failed; carries its own error text."""


@dataclass(frozen=True)
class Stack:
    """One synthesized stack: its name, folder and the stacks that must be applied before it."""

    name: str
    directory: Path
    dependencies: tuple[str, ...]


@dataclass(frozen=True)
class Manifest:
    """The stacks of one synth, in an order where every stack follows its dependencies."""

    outdir: Path
    stacks: tuple[Stack, ...]
    others: tuple[Stack, ...] = ()
    """Stacks of the same synth left out of this run (``--stack``): looked up as dependencies, never run."""

    def stack(self, name: str) -> Stack:
        for stack in (*self.stacks, *self.others):
            if stack.name == name:
                return stack
        raise KeyError(name)

    def layers(self) -> list[list[Stack]]:
        """Stacks grouped so each group depends only on earlier groups (a group may run in parallel).
        A dependency left out of this run (``others``) does not hold its dependents back."""
        done: set[str] = {s.name for s in self.others}
        remaining = list(self.stacks)
        layers: list[list[Stack]] = []
        while remaining:
            ready = [s for s in remaining if set(s.dependencies) <= done]
            if not ready:
                raise SynthError(f"dependency cycle among stacks {[s.name for s in remaining]}")
            layers.append(ready)
            done.update(s.name for s in ready)
            remaining = [s for s in remaining if s.name not in done]
        return layers


def synthesize(env: Environment, outdir: Path, *, hcl: bool = False, emulator_url: str | None = None,
               tombstones: tuple[StackRecord, ...] = (), engine: str | None = None) -> Manifest:
    """Write cdktf.out/stacks/<stack>/ for `env` and return its manifest (only this env's stacks).

    ``tombstones``: stacks in the backend that the env no longer declares, synthesized empty (no resources)
    so that applying them destroys what their state holds (see crossgate.lifecycle).
    ``engine``: ``cdktf`` or ``cdktn`` for this synth; by default CROSSGATE_CDK_ENGINE decides (engine_setting)."""
    from crossgate.synth.app import REQUEST_VARIABLE, write_request

    outdir = outdir.resolve()
    outdir.mkdir(parents=True, exist_ok=True)  # cdktf creates only the last folder
    own_stacks = stack_names_of(env) | {record.stack for record in tombstones}
    _remove_stale_stack_files(outdir, own_stacks)
    with tempfile.TemporaryDirectory(prefix="crossgate-synth-") as scratch:
        request = Path(scratch) / "request.json"
        write_request(request, env, outdir, emulator_url, tombstones)
        child_env = {
            **os.environ,
            REQUEST_VARIABLE: str(request),
            "SYNTH_HCL_OUTPUT": "true" if hcl else "false",
            "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
            "JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION": "1",
        }
        if engine is not None:
            child_env[ENGINE_VARIABLE] = engine
        engine_name(child_env)  # an unknown engine is the user's error, said before any child starts
        try:
            result = subprocess.run(
                [sys.executable, str(MAIN_PY)], cwd=REPO_ROOT, env=child_env, capture_output=True, text=True,
                timeout=SYNTH_TIMEOUT_SECONDS, check=False,
            )
        except subprocess.TimeoutExpired:
            raise SynthError(f"synth took longer than {SYNTH_TIMEOUT_SECONDS} s") from None
    if result.returncode != 0:
        raise SynthError((result.stderr or result.stdout).strip() or f"main.py exited {result.returncode}")
    return read_manifest(outdir, own_stacks)


def stack_names_of(env: Environment) -> frozenset[str]:
    """The exact names of one env's stacks (never a prefix: env ``a`` must not claim env ``a-b``'s)."""
    return frozenset(names.stack_names(env.name, env.config.services))


def read_manifest(outdir: Path, stacks: frozenset[str] | None = None) -> Manifest:
    """The stacks cdktf recorded in ``outdir``; only those named in ``stacks`` when given."""
    data = json.loads((outdir / "manifest.json").read_text())
    found = tuple(
        Stack(name=name, directory=outdir / entry["workingDirectory"], dependencies=tuple(entry["dependencies"]))
        for name, entry in sorted(data["stacks"].items())
        if stacks is None or name in stacks
    )
    return Manifest(outdir=outdir, stacks=found)


def _remove_stale_stack_files(outdir: Path, stacks: frozenset[str]) -> None:
    """A JSON and an HCL synth of the same stack side by side would declare everything twice."""
    for name in stacks:
        stack_dir = outdir / "stacks" / name
        for file_name in ("cdk.tf.json", "cdk.tf"):
            (stack_dir / file_name).unlink(missing_ok=True)
