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

from crossgate.config import EnvConfigError, Environment, load_environment
from crossgate.paths import DEFAULT_OUTDIR, env_file
from crossgate.synth.stacks import StackTarget, build_app
from crossgate.target import Target

REQUEST_VARIABLE = "CROSSGATE_SYNTH_REQUEST"


def write_request(path: Path, env: Environment, outdir: Path, emulator_url: str | None) -> None:
    path.write_text(json.dumps({"env": env.to_json(), "outdir": str(outdir), "emulator_url": emulator_url}))


def _from_request(path: Path) -> tuple[Environment, Path, str | None]:
    data = json.loads(path.read_text())
    return Environment.from_json(data["env"]), Path(data["outdir"]), data["emulator_url"]


def _from_environment(variables: Mapping[str, str]) -> tuple[Environment, Path, str | None]:
    path = Path(variables["CROSSGATE_ENV_FILE"]) if variables.get("CROSSGATE_ENV_FILE") \
        else env_file(variables.get("CROSSGATE_ENV", "local"))
    outdir = Path(variables.get("CDKTF_OUTDIR") or DEFAULT_OUTDIR)
    return load_environment(path), outdir, variables.get("CROSSGATE_EMULATOR_URL")


def run(variables: Mapping[str, str] | None = None) -> int:
    """Synthesize one env's stacks; exit 1 with the problems for an invalid env file."""
    variables = os.environ if variables is None else variables
    try:
        request = variables.get(REQUEST_VARIABLE)
        env, outdir, url = _from_request(Path(request)) if request else _from_environment(variables)
    except EnvConfigError as exc:
        print(exc, file=sys.stderr)
        return 1
    build_app(env, StackTarget(outdir=outdir, target=Target.for_env(env, url))).synth()
    return 0
