"""``crossgate iam``: per account of an env, the deployer role's trust and least-privilege permissions."""

from __future__ import annotations

import argparse
from pathlib import Path

from crossgate.cli.exit_codes import EXIT_OK
from crossgate.cli.options import SubParsers, add_command, add_env_option


def register(sub: SubParsers[argparse.ArgumentParser]) -> None:
    p = add_command(sub, "iam", "write each account's deployer-role trust and permissions policies", run)
    add_env_option(p, required=True)
    p.add_argument("--out", type=Path, default=Path("iam"), help="folder for the JSON files (default: ./iam)")
    p.add_argument("--github-repo", default=None, metavar="ORG/REPO",
                   help="trust GitHub Actions OIDC tokens of this repository (in the central account)")
    p.add_argument("--principal", action="append", default=[], metavar="ARN",
                   help="also trust this IAM principal in every account (repeatable)")


def run(args: argparse.Namespace) -> int:
    from crossgate.cli.context import load_env
    from crossgate.iam import generate, write_policies

    env = load_env(args.env)
    policies = generate(env, github_repo=args.github_repo, principals=args.principal)
    write_policies(policies, args.out)
    for item in policies:
        statements = len(item.permissions["Statement"])
        print(f"{item.account_id}  {item.role_arn}  stacks: {', '.join(item.stacks)}  ({statements} statements)")
        print(f"    {args.out / f'{item.account_id}-trust.json'}  {args.out / f'{item.account_id}-permissions.json'}")
        state = [s for s in item.permissions["Statement"] if s.get("Sid") == "StateObjects"]
        if state:
            print(f"    + the S3 backend: {len(state[0]['Resource'])} state and .tflock objects")
    return EXIT_OK
