"""``crossgate synth``: write Terraform for every stack (JSON, or plain HCL with --hcl)."""

from __future__ import annotations

import argparse
import os

from crossgate.cli.context import StackOptions, load_env
from crossgate.cli.options import (
    SubParsers,
    add_command,
    add_emulator_url_option,
    add_env_option,
    add_outdir_option,
)
from crossgate.synth import synthesize


def register(sub: SubParsers[argparse.ArgumentParser]) -> None:
    p = add_command(sub, "synth", "write Terraform for every stack to cdktf.out/stacks/<stack>/", run)
    add_env_option(p)  # every stack, always: the stacks reference each other's outputs
    add_outdir_option(p)
    add_emulator_url_option(p)  # an emulator env's stacks carry its endpoints
    p.add_argument("--hcl", action="store_true",
                   help="write plain, terraform-fmt-clean .tf (cdk.tf) instead of JSON (for folders to keep, "
                        "see crossgate eject)")


def run(args: argparse.Namespace) -> int:
    options = StackOptions.from_args(args)
    manifest = synthesize(load_env(options.env), options.outdir, emulator_url=options.emulator_url)
    if args.hcl:
        from crossgate.eject.synth_hcl import json_to_hcl

        json_to_hcl(manifest)
    for stack in manifest.stacks:
        print(f"{stack.name:<34} {os.path.relpath(stack.directory)}")
    return 0
