"""Eject: write an env's stacks as plain Terraform (HCL) folders, so a team can leave CDKTF and crossgate.

``hcl`` writes HCL text, ``tf_json`` maps Terraform JSON onto HCL blocks, ``rewrite`` turns CDKTF's names and
module paths into readable, portable ones, ``sources`` decides where the modules come from, ``writer`` writes
DIR, ``readme`` its README (apply and destroy order).
"""

from crossgate.eject.sources import ModuleSourceError, ModuleSources
from crossgate.eject.tf_json import EjectError
from crossgate.eject.writer import Ejected, eject, ejected_configs

__all__ = ["EjectError", "Ejected", "ModuleSourceError", "ModuleSources", "eject", "ejected_configs"]
