"""The crossgate command line: synth | plan | deploy | destroy | outputs | emulator | smoke | demo.

Exit codes follow terraform's: 0 success, 1 error (an invalid env file included), and for
`plan --detailed-exitcode` 2 when any stack has changes.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from crossgate import emulator
from crossgate.config import EnvConfigError, Environment, load_environment
from crossgate.orchestrate import Orchestrator, StackOutcome
from crossgate.paths import DEFAULT_OUTDIR, env_file
from crossgate.synth import Manifest, SynthError, synthesize
from crossgate.terraform import TerraformError

EMULATOR_URL_VARIABLE = "CROSSGATE_EMULATOR_URL"


class CliError(Exception):
    """A failure explained to the user in one message; exit code 1, no traceback."""


@dataclass(frozen=True)
class Session:
    """What a command works on: the validated env, its stacks and how terraform reaches the target."""

    env: Environment
    manifest: Manifest
    terraform_env: dict[str, str]


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 1
    try:
        return int(args.handler(args))
    except EnvConfigError as exc:
        print(f"crossgate: invalid environment ({len(exc.problems)} problem(s)); nothing was written:",
              file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    except (CliError, SynthError, TerraformError, emulator.EmulatorError) as exc:
        print(f"crossgate: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("crossgate: interrupted", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="crossgate", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, help_text: str, handler: object, *, stacks: bool = True) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(handler=handler)
        if stacks:
            p.add_argument("--env", default="local", help="env name in envs/ or a path to an env file (default: local)")
            p.add_argument("--stack", action="append", default=[],
                           help="limit to this stack (repeatable); default: every stack of the env")
            p.add_argument("--outdir", type=Path, default=DEFAULT_OUTDIR, help="synth output folder (cdktf.out)")
            p.add_argument("--emulator-url", default=os.environ.get(EMULATOR_URL_VARIABLE),
                           help=f"a running crossgate emulator (default: ${EMULATOR_URL_VARIABLE})")
            p.add_argument("--parallelism", type=int, default=4, help="provider stacks run at once (default 4)")
        return p

    synth = command("synth", "write Terraform for every stack to cdktf.out/stacks/<stack>/", _cmd_synth)
    synth.add_argument("--hcl", action="store_true", help="write plain .tf (cdk.tf) instead of JSON")
    plan = command("plan", "plan every stack in dependency order", _cmd_plan)
    plan.add_argument("--detailed-exitcode", action="store_true", help="exit 2 when any stack has changes")
    plan.add_argument("--review", type=Path, metavar="FILE", help="write a review report of the plans to FILE")
    plan.add_argument("--format", choices=("markdown", "json"), default="markdown", help="review format")
    deploy = command("deploy", "init, plan and apply every stack in dependency order", _cmd_deploy)
    deploy.add_argument("--keep-emulator", action="store_true",
                        help="when deploy started its own emulator, keep serving it until Ctrl-C")
    command("destroy", "destroy every stack in reverse dependency order", _cmd_destroy)
    outputs = command("outputs", "print every stack's outputs", _cmd_outputs)
    outputs.add_argument("--json", action="store_true", help="machine-readable output")
    demo = command("demo", "the main job on the local emulator: deploy, show, re-plan, destroy", _cmd_demo)
    demo.add_argument("--keep", action="store_true", help="keep the environment and emulator up until Ctrl-C")

    unlock = command("unlock", "release a stale state lock left by a killed run", _cmd_unlock)
    unlock.add_argument("lock_id", help="the lock ID terraform printed")
    command("doctor", "check a deployed environment against AWS (or the emulator)", _cmd_doctor)
    diagram = command("diagram", "write a Mermaid diagram of the environment", _cmd_diagram, stacks=False)
    diagram.add_argument("--env", default="local", help="env name in envs/ or a path to an env file")
    diagram.add_argument("--output", type=Path, help="write to FILE (default: standard output)")

    emu = command("emulator", "run the local two-account AWS emulator in the foreground", _cmd_emulator,
                  stacks=False)
    emu.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    emu.add_argument("--state-dir", type=Path, default=None,
                     help="keep the emulator's state here: saved on Ctrl-C, restored when started on it again")

    smoke = command("smoke", "run the employee CRUD scenario against a deployed gateway", _cmd_smoke, stacks=False)
    target = smoke.add_mutually_exclusive_group(required=True)
    target.add_argument("--url", help="base URL of the API (e.g. https://abc.execute-api.us-west-1.amazonaws.com)")
    target.add_argument("--env", help="take the URL from this env's outputs")
    smoke.add_argument("--timeout", type=float, default=10.0, help="seconds per request (default 10)")
    return parser


# --- shared steps -------------------------------------------------------------------------------------------


def _load(args: argparse.Namespace) -> Environment:
    return load_environment(env_file(args.env))


def _session(args: argparse.Namespace, env: Environment, emulator_url: str | None) -> Session:
    manifest = synthesize(env, args.outdir, emulator_url=emulator_url)
    if args.stack:
        unknown = sorted(set(args.stack) - {s.name for s in manifest.stacks})
        if unknown:
            raise CliError(f"unknown stack(s) {unknown}; this env has {[s.name for s in manifest.stacks]}")
        manifest = Manifest(manifest.outdir, tuple(s for s in manifest.stacks if s.name in args.stack))
    terraform_env = emulator.terraform_environment(emulator_url) if emulator_url else {}
    return Session(env, manifest, terraform_env)


@contextlib.contextmanager
def _target(args: argparse.Namespace, env: Environment, *, may_start: bool) -> Iterator[str | None]:
    """The emulator URL for emulator envs (a running one, or one started here); None for real AWS."""
    if env.config.target != "emulator":
        yield None
        return
    if args.emulator_url:
        yield args.emulator_url
        return
    if not may_start:
        raise CliError(
            f"env {env.name!r} targets the local emulator, and none is running. Start one with "
            f"`crossgate emulator` and export {EMULATOR_URL_VARIABLE}=<its URL>, or run `crossgate demo`."
        )
    with emulator.Emulator() as running:
        print(f"crossgate: started a local AWS emulator at {running.endpoint_url}", flush=True)
        yield running.endpoint_url


def _orchestrator(args: argparse.Namespace, session: Session, *, collect_plans: bool = False) -> Orchestrator:
    return Orchestrator(session.manifest, extra_env=session.terraform_env, parallelism=args.parallelism,
                        report=_Progress().report, collect_plans=collect_plans)


class _Progress:
    """One line per stack step, with the time since the command started; safe across threads."""

    def __init__(self) -> None:
        self._started = time.monotonic()
        self._lock = threading.Lock()

    def report(self, stack: str, message: str) -> None:
        first, *rest = message.splitlines() or [""]
        with self._lock:
            print(f"[{time.monotonic() - self._started:6.1f}s] {stack:<32} {first}", flush=True)
            for line in rest:
                print(f"{'':42}{line}", flush=True)


def _print_outcomes(outcomes: list[StackOutcome]) -> None:
    print()
    print(f"{'stack':<34} {'result':<10} {'seconds':>8}")
    for outcome in outcomes:
        print(f"{outcome.stack:<34} {outcome.status:<10} {outcome.seconds:>8.1f}")
    sys.stdout.flush()
    for outcome in outcomes:
        if not outcome.ok:
            print(f"\ncrossgate: {outcome.stack} failed:\n{outcome.detail}", file=sys.stderr)


def _summary(session: Session, outputs: dict[str, dict[str, object]]) -> str:
    """The few things a user wants after a deploy: the API URL and, per service, its PrivateLink wiring."""
    lines: list[str] = []
    central = next((v for k, v in outputs.items() if k.endswith("-central")), {})
    if central.get("api_endpoint"):
        lines.append(f"API URL: {central['api_endpoint']}")
    services = central.get("services") or {}
    for name in session.env.config.services:
        provider = outputs.get(f"{session.env.name}-provider-{name}", {})
        wiring = services.get(name, {}) if isinstance(services, dict) else {}
        ips = wiring.get("endpoint_eni_ips") if isinstance(wiring, dict) else None
        lines.append(f"  {name:<20} endpoint service {provider.get('endpoint_service_name', '-')}")
        lines.append(f"  {'':<20} endpoint ENI IPs {', '.join(ips) if ips else '-'}")
    return "\n".join(lines)


# --- commands -----------------------------------------------------------------------------------------------


def _cmd_synth(args: argparse.Namespace) -> int:
    env = _load(args)
    manifest = synthesize(env, args.outdir, hcl=args.hcl, emulator_url=args.emulator_url)
    for stack in manifest.stacks:
        print(f"{stack.name:<34} {os.path.relpath(stack.directory)}")
    return 0


def _cmd_plan(args: argparse.Namespace) -> int:
    env = _load(args)
    with _target(args, env, may_start=False) as url:
        session = _session(args, env, url)
        outcomes = _orchestrator(args, session, collect_plans=args.review is not None).run("plan")
    _print_outcomes(outcomes)
    if any(not o.ok for o in outcomes):
        return 1
    if args.review is not None:
        _write_review(args, env, outcomes)
    changed = any(o.status in ("changed", "skipped") for o in outcomes)
    return 2 if args.detailed_exitcode and changed else 0


def _cmd_deploy(args: argparse.Namespace) -> int:
    env = _load(args)
    with _target(args, env, may_start=True) as url:
        session = _session(args, env, url)
        orchestrator = _orchestrator(args, session)
        outcomes = orchestrator.run("deploy")
        _print_outcomes(outcomes)
        if any(not o.ok for o in outcomes):
            return 1
        print()
        print(_summary(session, orchestrator.outputs()))
        if url and not args.emulator_url:
            if not args.keep_emulator:
                print("\ncrossgate: the emulator started for this deploy stops now, and the environment with it "
                      "(use --keep-emulator, or `crossgate demo --keep`, to explore it).")
                return 0
            _serve_until_interrupted(url)
    return 0


def _cmd_destroy(args: argparse.Namespace) -> int:
    env = _load(args)
    with _target(args, env, may_start=False) as url:
        session = _session(args, env, url)
        outcomes = _orchestrator(args, session).run("destroy")
    _print_outcomes(outcomes)
    return 0 if all(o.ok for o in outcomes) else 1


def _cmd_outputs(args: argparse.Namespace) -> int:
    env = _load(args)
    with _target(args, env, may_start=False) as url:
        session = _session(args, env, url)
        outputs = _orchestrator(args, session).outputs()
    if args.json:
        print(json.dumps(outputs, indent=2, sort_keys=True))
    else:
        print(_summary(session, outputs))
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    """README command 1: the whole two-account deployment, end to end, on the embedded emulator."""
    env = _load(args)
    if env.config.target != "emulator":
        raise CliError(f"demo runs emulator envs only; {env.name!r} targets real AWS (use deploy)")
    with _target(args, env, may_start=True) as url:
        session = _session(args, env, url)
        orchestrator = _orchestrator(args, session)
        print("== deploy")
        outcomes = orchestrator.run("deploy")
        _print_outcomes(outcomes)
        if any(not o.ok for o in outcomes):
            orchestrator.run("destroy")
            return 1
        print()
        print(_summary(session, orchestrator.outputs()))
        print("\n== re-plan (expect no changes)")
        replan = orchestrator.run("plan")
        _print_outcomes(replan)
        drift = [o.stack for o in replan if o.status != "unchanged"]
        if args.keep:
            _serve_until_interrupted(url)
        print("\n== destroy")
        destroyed = orchestrator.run("destroy")
        _print_outcomes(destroyed)
        if drift:
            raise CliError(f"re-plan after deploy wanted changes in {drift}")
        return 0 if all(o.ok for o in destroyed) else 1


def _serve_until_interrupted(url: str | None) -> None:
    print(f"\ncrossgate: the environment is up in the emulator at {url}. In another shell:\n"
          f"  export {EMULATOR_URL_VARIABLE}={url}\n"
          "  crossgate outputs --env local\n"
          "Press Ctrl-C to continue.", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        while True:
            time.sleep(3600)


def _write_review(args: argparse.Namespace, env: Environment, outcomes: list[StackOutcome]) -> None:
    from crossgate.diagram import mermaid
    from crossgate.review import build_review, render_json, render_markdown

    plans = {o.stack: o.plan_json for o in outcomes if o.plan_json is not None}
    review = build_review(plans, diagram=mermaid(env))
    waiting = [o.stack for o in outcomes if o.status == "skipped"]
    text = render_json(review) if args.format == "json" else render_markdown(
        review, title=f"crossgate plan: {env.name}" + (f" (not yet planned: {', '.join(waiting)})" if waiting else ""))
    args.review.parent.mkdir(parents=True, exist_ok=True)
    args.review.write_text(text)
    print(f"review written to {args.review}")


def _cmd_unlock(args: argparse.Namespace) -> int:
    env = _load(args)
    if len(args.stack) != 1:
        raise CliError("unlock needs exactly one --stack (the stack whose lock to release)")
    with _target(args, env, may_start=False) as url:
        session = _session(args, env, url)
        Orchestrator(session.manifest, extra_env=session.terraform_env).unlock(session.manifest.stacks[0], args.lock_id)
    print(f"released lock {args.lock_id} of {args.stack[0]}")
    return 0


def _cmd_doctor(args: argparse.Namespace) -> int:
    from crossgate.aws_sessions import AccountSessions
    from crossgate.doctor import render_checks, run_doctor

    env = _load(args)
    with _target(args, env, may_start=False) as url:
        session = _session(args, env, url)
        outputs = Orchestrator(session.manifest, extra_env=session.terraform_env).outputs()
        checks = run_doctor(env, outputs, AccountSessions(emulator_url=url))
    print(render_checks(checks))
    return 0 if all(c.ok for c in checks) else 1


def _cmd_diagram(args: argparse.Namespace) -> int:
    from crossgate.diagram import mermaid

    text = mermaid(_load(args))
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text)
        print(f"diagram written to {args.output}")
    else:
        print(text, end="")
    return 0


def _cmd_emulator(args: argparse.Namespace) -> int:
    return emulator.serve_foreground(port=args.port, state_dir=args.state_dir)


def _cmd_smoke(args: argparse.Namespace) -> int:
    from crossgate.smoke import render_table, run_smoke

    url = args.url
    if url is None:
        env = load_environment(env_file(args.env))
        if env.config.target == "emulator":
            raise CliError("the emulator serves no HTTP API traffic; smoke a real deploy, or --url a service")
        ns = argparse.Namespace(env=args.env, stack=[], outdir=DEFAULT_OUTDIR, emulator_url=None, parallelism=1)
        session = _session(ns, env, None)
        outputs = Orchestrator(session.manifest).outputs()
        url = next((str(v["api_endpoint"]) for k, v in outputs.items()
                    if k.endswith("-central") and v.get("api_endpoint")), None)
        if not url:
            raise CliError(f"env {env.name!r} has no api_endpoint output yet; deploy it first")
    report = run_smoke(url, timeout=args.timeout)
    print(render_table(report))
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
