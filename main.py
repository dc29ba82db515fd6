"""CDKTF app entry point (cdktf.json runs this): synthesizes the stacks of one environment.

The environment is named by CROSSGATE_ENV (default: local) or given as a file by CROSSGATE_ENV_FILE;
`crossgate synth` sets these for you. The output folder is CDKTF_OUTDIR (set by the cdktf CLI) or cdktf.out.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from crossgate.config import EnvConfigError, load_environment
from crossgate.paths import DEFAULT_OUTDIR, env_file
from crossgate.stacks import StackTarget, build_app


def main() -> int:
    path = Path(os.environ["CROSSGATE_ENV_FILE"]) if os.environ.get("CROSSGATE_ENV_FILE") \
        else env_file(os.environ.get("CROSSGATE_ENV", "local"))
    try:
        env = load_environment(path)
    except EnvConfigError as exc:
        print(exc, file=sys.stderr)
        return 1
    outdir = Path(os.environ.get("CDKTF_OUTDIR") or DEFAULT_OUTDIR)
    build_app(env, StackTarget(outdir=outdir, emulator_url=os.environ.get("CROSSGATE_EMULATOR_URL"))).synth()
    return 0


if __name__ == "__main__":
    sys.exit(main())
