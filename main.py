"""CDKTF app entry point (cdktf.json runs this): synthesizes the stacks of one environment.

``crossgate synth`` runs it with the validated env as data; the cdktf CLI runs it with CROSSGATE_ENV
(an env name, default ``local``) or CROSSGATE_ENV_FILE (a path). See crossgate/synth/app.py.
"""

from __future__ import annotations

import sys

from crossgate.synth.app import run

if __name__ == "__main__":
    sys.exit(run())
