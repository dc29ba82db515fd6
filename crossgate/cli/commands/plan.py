"""``crossgate plan``: plan every stack in dependency order; optionally a review report for the PR."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from crossgate.cli.context import CliError, Context, StackOptions, open_context
from crossgate.cli.exit_codes import EXIT_CHANGES, EXIT_ERROR, EXIT_OK
from crossgate.cli.flows import Progress, print_outcomes
from crossgate.cli.options import SubParsers, add_command, add_stack_options
from crossgate.lifecycle import orphans
from crossgate.lifecycle.records import env_file_ref
from crossgate.runner.orchestrate import StackOutcome
from crossgate.runner.terraform import PLAN_DIR, PLAN_FILE


def register(sub: SubParsers[argparse.ArgumentParser]) -> None:
    p = add_command(sub, "plan", "plan every stack in dependency order", run)
    add_stack_options(p)
    p.add_argument("--detailed-exitcode", action="store_true", help="exit 2 when any stack has changes")
    p.add_argument("--review", type=Path, metavar="FILE", help="write a review report of the plans to FILE")
    p.add_argument("--format", choices=("markdown", "json"), default="markdown", help="review format")
    p.add_argument("--plan-out", type=Path, metavar="FILE",
                   help="with exactly one --stack: save its plan to FILE (what `terraform apply FILE` in the stack "
                        "folder applies, e.g. Atlantis's $PLANFILE); FILE is removed when the stack waits for "
                        "unapplied dependencies or the plan fails")


def run(args: argparse.Namespace) -> int:
    if args.plan_out is not None:
        if len(args.stack) != 1:
            raise CliError("--plan-out saves one stack's plan: give exactly one --stack with it")
        args.plan_out.unlink(missing_ok=True)  # never leave an older plan where a CI engine would apply it
    progress = Progress()
    with open_context(StackOptions.from_args(args)) as context:
        outcomes = context.orchestrator(progress.report, collect_plans=args.review is not None).run("plan")
        if context.tombstones and context.tombstones.stacks:
            # Stacks the env dropped: their plans are their destruction (see crossgate.lifecycle).
            outcomes += context.orchestrator(progress.report, collect_plans=args.review is not None,
                                             manifest=context.tombstones).run("plan")
    print_outcomes(outcomes)
    if context.lifecycle and context.lifecycle.orphans:
        print("\nto be destroyed (`crossgate deploy --allow-destroy` destroys them after the central stack):")
        for line in orphans.describe(context.lifecycle, env_file_ref(context.env.path)):
            print(f"  {line}")
    if any(not o.ok for o in outcomes):
        return EXIT_ERROR
    if args.review is not None:
        write_review(context, outcomes, args.review, args.format)
    if args.plan_out is not None:
        save_plan(context, outcomes, args.plan_out)
    changed = any(o.status in ("changed", "skipped") for o in outcomes)
    return EXIT_CHANGES if args.detailed_exitcode and changed else EXIT_OK


def write_review(context: Context, outcomes: list[StackOutcome], path: Path, output_format: str) -> None:
    from crossgate.ops.diagram import mermaid
    from crossgate.ops.review import build_review, render_json, render_markdown

    plans = {o.stack: o.plan_json for o in outcomes if o.plan_json is not None}
    removed = context.lifecycle.orphan_names if context.lifecycle else ()
    review = build_review(plans, diagram=mermaid(context.env), removed=removed)
    waiting = [o.stack for o in outcomes if o.status == "skipped"]
    title = f"crossgate plan: {context.env.name}" + (f" (not yet planned: {', '.join(waiting)})" if waiting else "")
    text = render_json(review) if output_format == "json" else render_markdown(review, title=title)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    print(f"review written to {path}")


def save_plan(context: Context, outcomes: list[StackOutcome], path: Path) -> None:
    """Copy the one selected stack's saved plan (private to its folder) to ``path``, readable by its owner only."""
    (stack,) = context.manifest.stacks
    outcome = next(o for o in outcomes if o.stack == stack.name)
    if outcome.status == "skipped":
        print(f"no plan saved: {stack.name} {outcome.detail}")
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(stack.directory / PLAN_DIR / PLAN_FILE, path)
    path.chmod(0o600)
    print(f"plan of {stack.name} saved to {path} (`terraform apply {path}` in {stack.directory} applies it)")
