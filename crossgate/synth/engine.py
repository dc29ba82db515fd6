"""The one import seam of the CDK engine: every module that builds stacks takes the engine's classes from here.

CDKTF (``cdktf`` 0.21) and CDK Terrain (``cdktn`` 0.24) share this API; ``engine_setting`` says which one
this process uses. Importing this module loads that engine and so starts the jsii runtime: only the synth
child (main.py) imports it.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import TYPE_CHECKING

from crossgate.synth.engine_setting import ENGINE_VARIABLE, INSTALL_HINT, EngineError, engine_name


def _load(name: str) -> ModuleType:
    try:
        return importlib.import_module(name)
    except ImportError:
        raise EngineError(f"{ENGINE_VARIABLE}={name}, but the {name!r} package is not installed: "
                          f"{INSTALL_HINT[name]}") from None


ENGINE = engine_name()
"""The engine of this process."""

if TYPE_CHECKING:
    # Both engines have this API; the type checker reads it from cdktf's.
    from cdktf import (
        App,
        LocalBackend,
        S3Backend,
        TerraformHclModule,
        TerraformOutput,
        TerraformProvider,
        TerraformStack,
    )
else:
    _engine = _load(ENGINE)
    App = _engine.App
    LocalBackend = _engine.LocalBackend
    S3Backend = _engine.S3Backend
    TerraformHclModule = _engine.TerraformHclModule
    TerraformOutput = _engine.TerraformOutput
    TerraformProvider = _engine.TerraformProvider
    TerraformStack = _engine.TerraformStack

__all__ = [
    "ENGINE", "App", "LocalBackend", "S3Backend", "TerraformHclModule", "TerraformOutput", "TerraformProvider",
    "TerraformStack",
]
