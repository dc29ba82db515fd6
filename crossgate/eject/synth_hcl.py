"""``crossgate synth --hcl``: each synthesized stack's cdk.tf.json rewritten as one fmt-clean cdk.tf.

CDKTF's own HCL output (``SYNTH_HCL_OUTPUT``) is not ``terraform fmt``-clean and keeps interpolation-only
strings; this writes the same configuration with crossgate's writer instead. Names stay CDKTF's (the stacks
keep working with ``crossgate plan/deploy``); ``crossgate eject`` is the readable, portable form.
"""

from __future__ import annotations

import json

from crossgate.eject.hcl import Block, render_file
from crossgate.eject.tf_json import convert
from crossgate.synth.manifest import Manifest

JSON_FILE = "cdk.tf.json"
HCL_FILE = "cdk.tf"


def json_to_hcl(manifest: Manifest) -> None:
    """Replace every stack's cdk.tf.json with a cdk.tf holding the same configuration."""
    for stack in manifest.stacks:
        source = stack.directory / JSON_FILE
        converted = convert(json.loads(source.read_text()))
        blocks: list[Block] = [block for blocks in converted.files().values() for block in blocks]
        (stack.directory / HCL_FILE).write_text(render_file(blocks))
        source.unlink()
