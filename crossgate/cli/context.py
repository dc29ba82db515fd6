"""What one command works on: the validated env, its target (AWS or a running emulator) and its stacks.

Built once per command by :func:`open_context`; every command that touches stacks goes through it, so
"which emulator", "which stacks" and "which credentials" are decided in one place.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import sys
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crossgate import emulator, names
from crossgate.config import Environment, load_environment
from crossgate.errors import CrossgateError
from crossgate.iam.documents import stack_credentials
from crossgate.lifecycle import orphans
from crossgate.lifecycle.assess import Assessment, assess
from crossgate.paths import DEFAULT_OUTDIR, env_file
from crossgate.runner.orchestrate import Orchestrator, Reporter
from crossgate.synth import Manifest, Stack, synthesize
from crossgate.synth.manifest import stack_names_of
from crossgate.target import Target

EMULATOR_URL_VARIABLE = "CROSSGATE_EMULATOR_URL"


class CliError(CrossgateError):
    """A wrong or impossible request on the command line."""


DEFAULT_PARALLELISM = 4


@dataclass(frozen=True)
class StackOptions:
    """What a stack command works on (see the options.add_*_option pieces; a command without one gets its default)."""

    env: str
    stacks: tuple[str, ...] = ()
    outdir: Path = DEFAULT_OUTDIR
    emulator_url: str | None = None
    parallelism: int = DEFAULT_PARALLELISM

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> StackOptions:
        return cls(env=args.env, stacks=tuple(getattr(args, "stack", ())),
                   outdir=getattr(args, "outdir", DEFAULT_OUTDIR), emulator_url=getattr(args, "emulator_url", None),
                   parallelism=getattr(args, "parallelism", DEFAULT_PARALLELISM))


@dataclass(frozen=True)
class Context:
    """The env, where it runs, and its synthesized stacks (limited to ``--stack`` when given)."""

    env: Environment
    target: Target
    manifest: Manifest
    parallelism: int
    started_emulator: bool = False
    lifecycle: Assessment | None = None
    """What the state backend holds beyond the env file (crossgate.lifecycle)."""
    tombstones: Manifest | None = field(default=None)
    """Empty stacks that destroy the orphans (stacks in the backend the env no longer declares)."""

    def orchestrator(self, report: Reporter | None = None, *, collect_plans: bool = False,
                     manifest: Manifest | None = None) -> Orchestrator:
        orchestrator = Orchestrator(manifest or self.manifest, extra_env=self.target.terraform_env(),
                                    parallelism=self.parallelism, collect_plans=collect_plans,
                                    clients=self.stack_client)
        if report is not None:
            orchestrator.report = report
        return orchestrator

    def stack_client(self, stack: Stack, service: str) -> Any:
        """A boto3 client acting where `stack`'s provider acts (its account, region and credentials)."""
        creds = stack_credentials(self.env).get(stack.name)
        if creds is None:
            raise CliError(f"stack {stack.name!r} is not one of env {self.env.name!r}'s")
        return self.target.sessions().client(creds, service)


def load_env(name_or_path: str) -> Environment:
    return load_environment(env_file(name_or_path))


@contextlib.contextmanager
def open_target(env: Environment, emulator_url: str | None, *, may_start: bool) -> Iterator[tuple[Target, bool]]:
    """The target of ``env``: AWS, the running emulator at ``emulator_url``, or (``may_start``) a new one.

    Yields the target and whether this command started the emulator (it stops when the block ends).
    """
    if env.config.target != "emulator":
        yield Target("aws"), False
        return
    if emulator_url:
        require_emulator_answers(emulator_url, may_start=may_start)
        yield Target("emulator", emulator_url), False
        return
    if not may_start:
        raise CliError(
            f"env {env.name!r} targets the local emulator, and none is running. Start one with "
            f"`crossgate emulator` and export {EMULATOR_URL_VARIABLE}=<its URL>, or run `crossgate demo`."
        )
    with emulator.Emulator() as running:
        print(f"crossgate: started a local AWS emulator at {running.endpoint_url}", flush=True)
        yield Target("emulator", running.endpoint_url), True


def require_emulator_answers(url: str, *, may_start: bool, timeout: float = 3.0) -> None:
    """Refuse an emulator URL where nothing listens before anything starts, naming where the URL came from.

    Without this, the first call (the state backend's listing) only fails after the SDK's retries (~9 s), as
    a connection error about the state bucket that does not say which setting to change.
    """
    source = f"${EMULATOR_URL_VARIABLE}" if os.environ.get(EMULATOR_URL_VARIABLE) == url else "--emulator-url"
    parts = urllib.parse.urlsplit(url)
    try:
        host, port = parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:  # a port that is not a number
        host, port = None, 0
    if parts.scheme not in ("http", "https") or not host:
        raise CliError(f"{source}: {url!r} is not an emulator URL; fix: the URL `crossgate emulator` prints "
                       "(http://127.0.0.1:<port>)")
    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except OSError as exc:
        own = (f", or drop --emulator-url and unset ${EMULATOR_URL_VARIABLE}: this command then starts its own"
               if may_start else "")
        raise CliError(
            f"the emulator at {url} (from {source}) could not be reached: {exc.strerror or exc}; fix: start one "
            f"with `crossgate emulator` and export {EMULATOR_URL_VARIABLE}=<the URL it prints>{own}"
        ) from None


@contextlib.contextmanager
def open_context(options: StackOptions, *, may_start: bool = False) -> Iterator[Context]:
    """Load and validate the env, reach its target, read its state backend (refusing an env file that
    would take over another's state), synthesize its stacks and the tombstones of the ones it dropped."""
    env = load_env(options.env)
    refuse_unknown_stacks(env, options.stacks)
    with open_target(env, options.emulator_url, may_start=may_start) as (target, started):
        lifecycle = assess(env, target, stack_names_of(env))
        for note in lifecycle.notes:
            print(f"crossgate: note: {note}", file=sys.stderr, flush=True)
        manifest = synthesize(env, options.outdir, emulator_url=target.emulator_url, tombstones=lifecycle.orphans)
        own, tombstones = orphans.split(select_stacks(manifest, options.stacks), lifecycle.orphan_names)
        yield Context(env, target, own, options.parallelism, started, lifecycle, tombstones)


def refuse_unknown_stacks(env: Environment, wanted: tuple[str, ...]) -> None:
    """Refuse a ``--stack`` that cannot be one of this env's before anything starts (an emulator, a synth).

    A provider stack's name that the env does not declare may still be one it dropped (an orphan in its
    backend): :func:`select_stacks` decides those once the backend was read.
    """
    declared = stack_names_of(env)
    maybe_dropped = names.provider_stack(env.name, "")
    unknown = sorted(s for s in set(wanted) - set(declared) if not s.startswith(maybe_dropped))
    if unknown:
        raise CliError(f"unknown stack(s) {unknown}; this env has {sorted(declared)}")


def select_stacks(manifest: Manifest, wanted: tuple[str, ...]) -> Manifest:
    """Only the stacks named (exactly) by ``--stack``; all of them when none is named."""
    if not wanted:
        return manifest
    unknown = sorted(set(wanted) - {s.name for s in manifest.stacks})
    if unknown:
        raise CliError(f"unknown stack(s) {unknown}; this env has {[s.name for s in manifest.stacks]}")
    return Manifest(manifest.outdir, tuple(s for s in manifest.stacks if s.name in wanted),
                    others=tuple(s for s in manifest.stacks if s.name not in wanted))


def default_emulator_url() -> str | None:
    return os.environ.get(EMULATOR_URL_VARIABLE)
