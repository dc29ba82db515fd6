"""The CDKTF app of one environment: what ``main.py`` (and so ``cdktf synth``) runs.

``crossgate synth`` hands the validated env over as data (``CROSSGATE_SYNTH_REQUEST``: a JSON file with
the env, the output folder and the emulator URL), so the YAML is read and validated once, by the CLI.
Run by the cdktf CLI, the app reads the env file named by ``CROSSGATE_ENV_FILE`` or ``CROSSGATE_ENV``
(default ``local``) itself; the output folder is ``CDKTF_OUTDIR`` (set by the cdktf CLI) or cdktf.out.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from crossgate.config import EnvConfigError, Environment, load_environment
from crossgate.lifecycle.records import StackRecord, env_file_ref
from crossgate.paths import DEFAULT_OUTDIR, env_file
from crossgate.target import Target

if TYPE_CHECKING:  # stacks loads the CDK engine (and jsii): only the synth child imports it, in run()
    from crossgate.synth.stacks import StackTarget

REQUEST_VARIABLE = "CROSSGATE_SYNTH_REQUEST"


def write_request(path: Path, env: Environment, outdir: Path, emulator_url: str | None,
                  tombstones: tuple[StackRecord, ...] = ()) -> None:
    # The env file's identity is taken here, where a relative path still means what the user typed.
    path.write_text(json.dumps({"env": env.to_json(), "outdir": str(outdir), "emulator_url": emulator_url,
                                "env_file": env_file_ref(env.path),
                                "tombstones": [record.to_json() for record in tombstones]}))


def _from_request(path: Path) -> tuple[Environment, StackTarget]:
    from crossgate.synth.stacks import StackTarget

    data = json.loads(path.read_text())
    env = Environment.from_json(data["env"])
    tombstones = tuple(r for r in map(StackRecord.from_json, data["tombstones"]) if r is not None)
    return env, StackTarget(outdir=Path(data["outdir"]), target=Target.for_env(env, data["emulator_url"]),
                            env_file=data["env_file"], tombstones=tombstones)


def _from_environment(variables: Mapping[str, str]) -> tuple[Environment, StackTarget]:
    from crossgate.synth.stacks import StackTarget

    path = Path(variables["CROSSGATE_ENV_FILE"]) if variables.get("CROSSGATE_ENV_FILE") \
        else env_file(variables.get("CROSSGATE_ENV", "local"))
    outdir = Path(variables.get("CDKTF_OUTDIR") or DEFAULT_OUTDIR)
    env = load_environment(path)
    return env, StackTarget(outdir=outdir, target=Target.for_env(env, variables.get("CROSSGATE_EMULATOR_URL")),
                            env_file=env_file_ref(path))


def run(variables: Mapping[str, str] | None = None) -> int:
    """Synthesize one env's stacks; exit 1 with the problems for an invalid env file."""
    variables = os.environ if variables is None else variables
    try:
        request = variables.get(REQUEST_VARIABLE)
        env, target = _from_request(Path(request)) if request else _from_environment(variables)
    except EnvConfigError as exc:
        print(exc, file=sys.stderr)
        return 1
    from crossgate.synth.stacks import build_app

    build_app(env, target).synth()
    return 0
