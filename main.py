"""CDKTF app entry point (cdktf.json runs this): synthesizes the stacks of one environment.

``crossgate synth`` runs it with the validated env as data; the cdktf (or cdktn) CLI runs it with CROSSGATE_ENV
(an env name, default ``local``) or CROSSGATE_ENV_FILE (a path). CROSSGATE_CDK_ENGINE=cdktf|cdktn picks the
engine (crossgate/synth/engine_setting.py). See crossgate/synth/app.py.
"""

from __future__ import annotations

import sys

from crossgate.errors import CrossgateError
from crossgate.synth.app import run

if __name__ == "__main__":
    try:
        sys.exit(run())
    except CrossgateError as exc:  # e.g. an unknown or missing CDK engine: the message says the fix
        print(exc, file=sys.stderr)
        sys.exit(1)
