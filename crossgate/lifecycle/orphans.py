"""Orphan stacks: in the backend, no longer declared. Planned and destroyed through tombstone stacks
(empty stacks with the orphan's backend and provider), after the env's own stacks, and only on request."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from crossgate.lifecycle.assess import Assessment
from crossgate.lifecycle.backend import LifecycleError
from crossgate.runner.orchestrate import Orchestrator, StackOutcome
from crossgate.synth import Manifest

ALLOW_FLAG = "--allow-destroy"


def split(manifest: Manifest, tombstones: tuple[str, ...]) -> tuple[Manifest, Manifest]:
    """The env's own stacks, and the tombstones (run after them, never interleaved)."""
    own = tuple(s for s in manifest.stacks if s.name not in tombstones)
    dropped = tuple(s for s in manifest.stacks if s.name in tombstones)
    return replace(manifest, stacks=own), Manifest(manifest.outdir, dropped)  # own keeps `others` (--stack)


def describe(assessment: Assessment, env_file: str) -> list[str]:
    """One line per orphan: what it is and where it lives."""
    return [f"{r.stack} (service {r.service or '-'} in account {r.account_id}, {r.region}): no longer in "
            f"{env_file}, to be destroyed" for r in assessment.orphans]


def refuse_without_flag(assessment: Assessment, env_file: str) -> None:
    """Deploy stops before any change when it would destroy a stack nobody asked to destroy."""
    if assessment.orphans:
        raise LifecycleError(
            "this deploy would destroy stack(s) the env file no longer declares, so it stops before any "
            "change:\n  " + "\n  ".join(describe(assessment, env_file)) +
            f"\nfix: re-run with {ALLOW_FLAG} to destroy them (after the central stack stops referencing them), "
            "or put the service(s) back in the env file to keep them.")


def refuse_rename(assessment: Assessment) -> None:
    if assessment.rename_from is not None:
        raise LifecycleError(assessment.notes[-1])


def destroy(tombstones: Manifest, assessment: Assessment,
            orchestrator: Callable[[Manifest], Orchestrator]) -> list[StackOutcome]:
    """Apply each tombstone (terraform destroys what its state holds), then delete its emptied state."""
    if not tombstones.stacks:
        return []
    outcomes = orchestrator(tombstones).run("deploy")
    for outcome in outcomes:
        if outcome.ok and outcome.status != "skipped":
            assessment.location.delete(outcome.stack)
    return [outcome if outcome.status != "applied" else
            StackOutcome(outcome.stack, "destroyed", outcome.seconds, outcome.detail) for outcome in outcomes]
