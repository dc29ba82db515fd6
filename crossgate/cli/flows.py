"""Steps several commands share: progress lines, the outcome table, the deploy summary, the deploy flow."""

from __future__ import annotations

import contextlib
import sys
import threading
import time
from dataclasses import dataclass

import httpx

from crossgate import names
from crossgate.cli.context import EMULATOR_URL_VARIABLE, CliError, Context
from crossgate.emulator.launcher import interrupt_on_ctrl_c
from crossgate.runner.orchestrate import Orchestrator, StackOutcome

Outputs = dict[str, dict[str, object]]


class Progress:
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


def print_outcomes(outcomes: list[StackOutcome]) -> None:
    print()
    print(f"{'stack':<34} {'result':<10} {'seconds':>8}")
    for outcome in outcomes:
        print(f"{outcome.stack:<34} {outcome.status:<10} {outcome.seconds:>8.1f}")
    sys.stdout.flush()
    for outcome in outcomes:
        if not outcome.ok:
            print(f"\ncrossgate: {outcome.stack} failed:\n{outcome.detail}", file=sys.stderr)


def central_outputs(context: Context, outputs: Outputs) -> dict[str, object]:
    return outputs.get(names.central_stack(context.env.name), {})


def gateway_url(context: Context, outputs: Outputs) -> str | None:
    """The URL a client calls (the emulator's local one for emulator envs); None before the first deploy."""
    central = central_outputs(context, outputs)
    if not central.get("api_endpoint") or not central.get("api_id"):
        return None
    return context.target.gateway_url(str(central["api_id"]), str(central["api_endpoint"]))


def summary(context: Context, outputs: Outputs) -> str:
    """The few things a user wants after a deploy: the API URL and, per service, its PrivateLink wiring."""
    lines: list[str] = []
    central = central_outputs(context, outputs)
    if central.get("api_endpoint"):
        lines.append(f"API URL: {central['api_endpoint']}")
        url = gateway_url(context, outputs)
        if context.target.is_emulator and url:
            lines.append(f"Local gateway URL (the emulator serves it on 127.0.0.1): {url}")
    services = central.get("services") or {}
    for name in context.env.config.services:
        provider = outputs.get(names.provider_stack(context.env.name, name), {})
        wiring = services.get(name, {}) if isinstance(services, dict) else {}
        ips = wiring.get("endpoint_eni_ips") if isinstance(wiring, dict) else None
        lines.append(f"  {name:<20} endpoint service {provider.get('endpoint_service_name', '-')}")
        lines.append(f"  {'':<20} endpoint ENI IPs {', '.join(ips) if ips else '-'}")
    return "\n".join(lines)


@dataclass(frozen=True)
class Deployed:
    """A finished deploy: its orchestrator (for later steps) and the stacks' outputs."""

    orchestrator: Orchestrator
    outputs: Outputs


def deploy(context: Context) -> Deployed | None:
    """init -> plan -> apply every stack, print the table and the summary; None when a stack failed."""
    if context.target.is_emulator:
        from crossgate.ops.local_workloads import map_local_workloads

        map_local_workloads(context.env, context.target.url)
    orchestrator = context.orchestrator(Progress().report)
    outcomes = orchestrator.run("deploy")
    print_outcomes(outcomes)
    if any(not o.ok for o in outcomes):
        return None
    outputs = orchestrator.outputs()
    print()
    print(summary(context, outputs))
    return Deployed(orchestrator, outputs)


def require_emulator_env(context: Context, command: str) -> None:
    if not context.target.is_emulator:
        raise CliError(f"{command} runs emulator envs only; {context.env.name!r} targets real AWS")


def serve_until_interrupted(context: Context, gateway: str | None) -> None:
    """Keep a command's own emulator (and so the env) up until Ctrl-C, saying how to use it meanwhile."""
    url = context.target.emulator_url
    print(f"\ncrossgate: the environment is up in the emulator at {url}. In another shell:\n"
          f"  export {EMULATOR_URL_VARIABLE}={url}\n"
          f"  crossgate outputs --env {context.env.name}\n"
          + (f"  curl {gateway}<route path>   (the gateway)\n" if gateway else "")
          + "Press Ctrl-C to continue.", flush=True)
    interrupt_on_ctrl_c()
    with contextlib.suppress(KeyboardInterrupt):
        while True:
            time.sleep(3600)


def smoke(url: str, timeout: float = 10.0, client: httpx.Client | None = None) -> bool:
    """The seed's scenario against ``url``, printed as a table; True when every step passed."""
    from crossgate.ops.smoke import render_table, run_smoke

    report = run_smoke(url, timeout=timeout, client=client)
    print(render_table(report))
    return report.ok
