"""``crossgate smoke``: the seed's CRUD scenario against a deployed gateway, as a table.

Protected routes: ``--token`` (JWT routes; for emulator envs one is minted by the local issuer when the
first service's routes need it) or ``--sigv4`` (IAM routes: signs with the credentials boto3 finds).
"""

from __future__ import annotations

import argparse

import httpx

from crossgate.cli import flows
from crossgate.cli.context import CliError, StackOptions, default_emulator_url, open_context
from crossgate.cli.exit_codes import EXIT_ERROR, EXIT_OK
from crossgate.cli.options import SubParsers, add_command
from crossgate.config import Environment, JwtAuthorization
from crossgate.paths import DEFAULT_OUTDIR


def register(sub: SubParsers[argparse.ArgumentParser]) -> None:
    p = add_command(sub, "smoke", "run the employee CRUD scenario against a deployed gateway", run)
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--url", help="base URL of the API (e.g. https://abc.execute-api.us-west-1.amazonaws.com)")
    target.add_argument("--env", help="take the URL from this env's outputs (emulator envs: the local gateway)")
    p.add_argument("--emulator-url", default=default_emulator_url(),
                   help="the running emulator of an emulator env (default: $CROSSGATE_EMULATOR_URL)")
    auth = p.add_mutually_exclusive_group()
    auth.add_argument("--token", help="send Authorization: Bearer TOKEN (JWT-protected routes)")
    auth.add_argument("--sigv4", metavar="REGION", nargs="?", const="",
                      help="sign every request with SigV4 for execute-api (IAM routes); default region: the env's")
    p.add_argument("--timeout", type=float, default=10.0, help="seconds per request (default 10)")


def run(args: argparse.Namespace) -> int:
    url, env = args.url, None
    if url is None:
        options = StackOptions(env=args.env, stacks=(), outdir=DEFAULT_OUTDIR, emulator_url=args.emulator_url,
                               parallelism=1)
        with open_context(options) as context:
            env = context.env
            url = flows.gateway_url(context, context.orchestrator().outputs())
        if not url:
            raise CliError(f"env {args.env!r} has no api_endpoint output yet; deploy it first")
    with httpx.Client(timeout=args.timeout, auth=_auth(args, env)) as client:
        return EXIT_OK if flows.smoke(url, client=client) else EXIT_ERROR


def _auth(args: argparse.Namespace, env: Environment | None) -> httpx.Auth | None:
    from crossgate.ops.request_auth import BearerAuth, SigV4ExecuteApiAuth

    if args.token:
        return BearerAuth(args.token)
    if args.sigv4 is not None:
        import boto3

        credentials = boto3.Session().get_credentials()
        if credentials is None:
            raise CliError("--sigv4 found no AWS credentials (environment, profile or instance role)")
        region = args.sigv4 or (env.config.central.region if env else None)
        if not region:
            raise CliError("--sigv4 needs a region with --url: --sigv4 us-west-1")
        return SigV4ExecuteApiAuth(credentials.get_frozen_credentials(), region)
    if env is not None and env.config.target == "emulator":
        return _minted(args, env)
    return None


def _minted(args: argparse.Namespace, env: Environment) -> httpx.Auth | None:
    """For emulator envs whose first service is JWT-protected: a token from the local issuer."""
    from crossgate.cli.commands.token import authorizer_of
    from crossgate.emulator.client import EmulatorControl
    from crossgate.ops.request_auth import BearerAuth

    authorization = next(iter(env.config.services.values())).authorization
    if not isinstance(authorization, JwtAuthorization) or not args.emulator_url:
        return None
    authorizer = authorizer_of(args.env, authorization.jwt)
    token = EmulatorControl(args.emulator_url).token(audience=authorizer.audiences[0],
                                                     scopes=authorization.scopes[:1])
    print(f"crossgate: minted a token for authorizer {authorization.jwt!r} from the emulator's issuer")
    return BearerAuth(token)
