"""``crossgate token``: an access token from the emulator's own OpenID Connect issuer, for JWT routes."""

from __future__ import annotations

import argparse

from crossgate.cli.context import CliError, default_emulator_url, load_env
from crossgate.cli.exit_codes import EXIT_OK
from crossgate.cli.options import SubParsers, add_command, add_env_option
from crossgate.config import JwtAuthorizer
from crossgate.emulator.authorizers.issuer import LOCAL_ISSUER_URL
from crossgate.emulator.client import EmulatorControl


def register(sub: SubParsers[argparse.ArgumentParser]) -> None:
    p = add_command(sub, "token", "print a token signed by the emulator's local issuer, for a JWT authorizer", run)
    add_env_option(p)
    p.add_argument("--authorizer", required=True, help="a jwt authorizer of central.authorizers")
    p.add_argument("--scope", action="append", default=[], help="a scope the token holds (repeatable)")
    p.add_argument("--audience", help="the token's aud (default: the authorizer's first audience)")
    p.add_argument("--expires-in", type=int, default=3600, help="seconds until it expires (default 3600)")
    p.add_argument("--subject", default="crossgate-user", help="the token's sub (default crossgate-user)")
    p.add_argument("--emulator-url", default=default_emulator_url(),
                   help="the running emulator (default: $CROSSGATE_EMULATOR_URL)")


def authorizer_of(env_name: str, name: str) -> JwtAuthorizer:
    """The env's jwt authorizer ``name``, which must trust the local issuer."""
    env = load_env(env_name)
    authorizer = env.config.central.authorizers.get(name)
    if not isinstance(authorizer, JwtAuthorizer):
        jwt = sorted(n for n, a in env.config.central.authorizers.items() if isinstance(a, JwtAuthorizer))
        raise CliError(f"env {env.name!r} has no jwt authorizer {name!r} (its jwt authorizers: {jwt or 'none'})")
    if authorizer.issuer != LOCAL_ISSUER_URL:
        raise CliError(f"authorizer {name!r} trusts {authorizer.issuer}, not the emulator's issuer; set its issuer "
                       f"to {LOCAL_ISSUER_URL} in an emulator env to use tokens from `crossgate token`")
    return authorizer


def run(args: argparse.Namespace) -> int:
    authorizer = authorizer_of(args.env, args.authorizer)
    if not args.emulator_url:
        raise CliError("tokens come from a running emulator: start `crossgate emulator` and export "
                       "CROSSGATE_EMULATOR_URL=<its URL> (or pass --emulator-url)")
    token = EmulatorControl(args.emulator_url).token(
        audience=args.audience or authorizer.audiences[0], scopes=args.scope, subject=args.subject,
        expires_in=args.expires_in)
    print(token)
    return EXIT_OK
