"""Which CDK engine builds the stacks: the one setting, ``CROSSGATE_CDK_ENGINE=cdktf|cdktn`` (unset: cdktf).

CDKTF was archived upstream on 2025-12-10 (0.21.0 is its final release); CDK Terrain (``cdktn`` 0.24,
the ``crossgate[cdktn]`` extra) is its maintained community fork with the same Python API, the same
``cdktf.json`` and the same ``cdk.tf.json``. Reading the setting loads no engine (the CLI process never
starts jsii); ``crossgate.synth.engine`` imports the chosen one.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from crossgate.errors import CrossgateError

ENGINE_VARIABLE = "CROSSGATE_CDK_ENGINE"
ENGINES: tuple[str, ...] = ("cdktf", "cdktn")
DEFAULT_ENGINE = "cdktf"

INSTALL_HINT = {
    "cdktf": "pip install -c constraints.txt -e .",
    "cdktn": "pip install -c constraints.txt -e '.[cdktn]'",
}


class EngineError(CrossgateError):
    """An unknown or missing CDK engine."""


def engine_name(variables: Mapping[str, str] | None = None) -> str:
    """The engine the setting names (``cdktf`` when unset); a clear error naming the fix for anything else."""
    value = (os.environ if variables is None else variables).get(ENGINE_VARIABLE, "").strip() or DEFAULT_ENGINE
    if value not in ENGINES:
        raise EngineError(f"{ENGINE_VARIABLE}={value!r} is not a CDK engine: set it to one of {', '.join(ENGINES)} "
                          f"(or leave it unset for {DEFAULT_ENGINE})")
    return value
