"""``crossgate demo`` (README command 1): deploy on the embedded emulator, call the gateway, re-plan, destroy."""

from __future__ import annotations

import argparse

from crossgate.cli import flows
from crossgate.cli.context import CliError, StackOptions, open_context
from crossgate.cli.exit_codes import EXIT_ERROR, EXIT_OK
from crossgate.cli.options import SubParsers, add_command, add_stack_options


def register(sub: SubParsers[argparse.ArgumentParser]) -> None:
    p = add_command(sub, "demo", "the main job on the local emulator: deploy, call the gateway, re-plan, destroy",
                    run)
    add_stack_options(p)
    p.add_argument("--keep", action="store_true", help="keep the environment and emulator up until Ctrl-C")


def run(args: argparse.Namespace) -> int:
    with open_context(StackOptions.from_args(args), may_start=True) as context:
        flows.require_emulator_env(context, "demo")
        print("== deploy")
        deployed = flows.deploy(context)
        if deployed is None:
            context.orchestrator(flows.Progress().report).run("destroy")
            return EXIT_ERROR
        gateway = flows.gateway_url(context, deployed.outputs)
        print("\n== the seed's scenario through the gateway")
        smoked = False
        if gateway:
            from crossgate.ops.probe import wait_until_served

            print(f"gateway: {gateway}", flush=True)
            wait_until_served(context.env, gateway)
            smoked = flows.smoke(gateway)
        print("\n== re-plan (expect no changes)")
        replan = deployed.orchestrator.run("plan")
        flows.print_outcomes(replan)
        drift = [o.stack for o in replan if o.status != "unchanged"]
        if args.keep:
            flows.serve_until_interrupted(context, gateway)
        print("\n== destroy")
        # The re-plan just read every resource back and found no changes, so the destroy plan need not read
        # them all again (-refresh=false); after drift, or time to explore (--keep), it does.
        destroyed = deployed.orchestrator.run("destroy", refresh=bool(drift) or args.keep)
        flows.print_outcomes(destroyed)
        if drift:
            raise CliError(f"re-plan after deploy wanted changes in {drift}")
        if not smoked:
            raise CliError("the scenario through the gateway failed (see the table above)")
        return EXIT_OK if all(o.ok for o in destroyed) else EXIT_ERROR
