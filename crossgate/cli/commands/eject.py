"""``crossgate eject``: write an env as plain Terraform folders a team commits (and leave CDKTF)."""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from crossgate.cli.context import EMULATOR_URL_VARIABLE, default_emulator_url, load_env
from crossgate.cli.options import SubParsers, add_command, add_env_option


def register(sub: SubParsers[argparse.ArgumentParser]) -> None:
    p = add_command(sub, "eject", "write the env's stacks as plain Terraform folders (one per stack) in DIR", run)
    add_env_option(p)
    p.add_argument("--to", type=Path, required=True, metavar="DIR", help="folder to write (created if missing)")
    p.add_argument("--module-source", default=None, metavar="SOURCE",
                   help="where the stacks get the modules: a git URL with a ref (git::https://…/crossgate.git"
                        "?ref=v1), a registry address (acme/crossgate/aws) or a path relative to DIR; "
                        "default: copy them into DIR")
    p.add_argument("--module-version", default=None, help="version of a registry --module-source")
    p.add_argument("--emulator-url", default=default_emulator_url(),
                   help=f"emulator envs: the emulator the ejected stacks point at (default: ${EMULATOR_URL_VARIABLE})")


def run(args: argparse.Namespace) -> int:
    from crossgate.eject import ModuleSources, eject
    from crossgate.synth import synthesize

    env = load_env(args.env)
    sources = ModuleSources(args.module_source, args.module_version)
    sources.check(args.to)
    with tempfile.TemporaryDirectory(prefix="crossgate-eject-") as scratch:
        manifest = synthesize(env, Path(scratch), emulator_url=args.emulator_url)
        ejected = eject(env, manifest, args.to, sources)
    for folder in ejected.stacks:
        print(f"{folder.name:<34} {os.path.relpath(folder)}")
    print(f"{'apply and destroy order':<34} {os.path.relpath(ejected.readme)}")
    return 0
