"""Both CDK engines — CDKTF 0.21 (archived upstream, the default) and its maintained fork CDK Terrain 0.24 —
build the same stacks, through crossgate and through their own CLIs (cdktf.json). Each engine's synth of every
shipped env also validates with terraform: tests/test_synth.py::test_every_synthesized_stack_validates."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from crossgate.config import load_environment
from crossgate.paths import ENVS, MAIN_PY, REPO_ROOT
from crossgate.synth import Manifest, synthesize
from crossgate.synth.engine_setting import DEFAULT_ENGINE, ENGINE_VARIABLE, ENGINES, EngineError, engine_name
from tests import cdk_cli

ENV_NAMES = sorted(p.stem for p in ENVS.glob("*.yaml"))
ENGINE_VERSIONS = {"cdktf": "0.21.0", "cdktn": "0.24.0"}
CLI_TIMEOUT_SECONDS = 600


def stacks_of(manifest: Manifest) -> dict[str, dict[str, Any]]:
    """Each stack's Terraform JSON, without the engine's own version stamp (``//.metadata.version``)."""
    found = {}
    for stack in manifest.stacks:
        data = json.loads((stack.directory / "cdk.tf.json").read_text())
        data["//"]["metadata"].pop("version")
        found[stack.name] = data
    return found


def engine_stamps(manifest: Manifest) -> set[str]:
    return {json.loads((s.directory / "cdk.tf.json").read_text())["//"]["metadata"]["version"]
            for s in manifest.stacks}


def test_the_setting_defaults_to_cdktf_and_names_the_fix_for_anything_else() -> None:
    assert DEFAULT_ENGINE == "cdktf" and ENGINES == ("cdktf", "cdktn")
    assert engine_name({}) == "cdktf"
    assert engine_name({ENGINE_VARIABLE: " "}) == "cdktf"
    assert engine_name({ENGINE_VARIABLE: "cdktn"}) == "cdktn"
    with pytest.raises(EngineError, match=r"CROSSGATE_CDK_ENGINE='terrain' .* one of cdktf, cdktn"):
        engine_name({ENGINE_VARIABLE: "terrain"})


def test_an_unknown_engine_fails_before_any_synth(tmp_path: Path) -> None:
    with pytest.raises(EngineError, match="CROSSGATE_CDK_ENGINE"):
        synthesize(load_environment(ENVS / "dev.yaml"), tmp_path, engine="cdk")
    assert not list(tmp_path.rglob("cdk.tf.json"))
    # The CLIs run main.py themselves: there too one clear line, no traceback.
    result = subprocess.run([sys.executable, str(MAIN_PY)], cwd=REPO_ROOT, capture_output=True, text=True,
                            env={**os.environ, ENGINE_VARIABLE: "cdk"}, timeout=120, check=False)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "CROSSGATE_CDK_ENGINE='cdk'" in result.stderr


@pytest.mark.parametrize("env_name", ENV_NAMES)
def test_both_engines_synthesize_the_same_stacks(tmp_path: Path, env_name: str) -> None:
    env = load_environment(ENVS / f"{env_name}.yaml")
    built = {engine: synthesize(env, tmp_path / engine, engine=engine) for engine in ENGINES}
    for engine, manifest in built.items():
        assert engine_stamps(manifest) == {ENGINE_VERSIONS[engine]}, "the engine the setting chose built it"
    assert stacks_of(built["cdktn"]) == stacks_of(built["cdktf"])
    manifests = {engine: json.loads((m.outdir / "manifest.json").read_text()) for engine, m in built.items()}
    assert manifests["cdktn"]["stacks"] == manifests["cdktf"]["stacks"]


@pytest.mark.parametrize("engine", ENGINES)
def test_the_engines_cli_synth_through_cdktf_json_writes_the_same_stacks(tmp_path: Path, engine: str) -> None:
    """``npx cdktf synth`` / ``npx cdktn synth`` in the checkout (cdktf.json runs main.py, which reads
    CROSSGATE_ENV) write exactly what ``crossgate synth`` writes with that engine."""
    env_name = "multi"
    cli_out = tmp_path / "cli" / "cdktf.out"
    cli_out.parent.mkdir()  # the CLIs create only the last folder
    env = cdk_cli.environment(engine, {**os.environ, "CROSSGATE_ENV": env_name, ENGINE_VARIABLE: engine})
    result = subprocess.run(cdk_cli.command(engine, "synth", "--output", str(cli_out)), cwd=REPO_ROOT, env=env,
                            capture_output=True, text=True, timeout=CLI_TIMEOUT_SECONDS, check=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert f"{env_name}-central" in result.stdout

    # Same folder depth, so the modules' relative sources are the same too.
    ours = synthesize(load_environment(ENVS / f"{env_name}.yaml"), tmp_path / "ours" / "cdktf.out", engine=engine)
    for stack in ours.stacks:
        cli_file = cli_out / "stacks" / stack.name / "cdk.tf.json"
        assert cli_file.read_text() == (stack.directory / "cdk.tf.json").read_text(), stack.name
    assert engine_stamps(ours) == {ENGINE_VERSIONS[engine]}
