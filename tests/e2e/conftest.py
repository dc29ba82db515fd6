"""End-to-end fixtures: a patched moto emulator per session and real deploys of env files into it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from crossgate import emulator, names
from crossgate.cli.context import EMULATOR_URL_VARIABLE
from crossgate.config import Environment, load_environment
from crossgate.emulator.settings import HOP_HEADER
from crossgate.ops.aws_sessions import AccountSessions
from crossgate.ops.local_workloads import map_local_workloads
from crossgate.runner.orchestrate import Orchestrator, StackOutcome
from crossgate.synth import Manifest, synthesize
from crossgate.target import Target


@dataclass
class Deployment:
    """One env deployed into the emulator: its stacks, outputs and sessions into each account."""

    env: Environment
    manifest: Manifest
    orchestrator: Orchestrator
    outcomes: list[StackOutcome]
    sessions: AccountSessions

    def outputs(self) -> dict[str, dict[str, Any]]:
        return self.orchestrator.outputs()

    def central_client(self, service: str) -> Any:
        return self.sessions.client(self.env.config.central, service)

    def provider_client(self, name: str, service: str) -> Any:
        return self.sessions.client(self.env.config.services[name], service)

    def gateway_url(self) -> str:
        """The local URL the emulator serves this env's API at."""
        central = self.outputs()[names.central_stack(self.env.name)]
        return Target("emulator", self.sessions.emulator_url).gateway_url(central["api_id"], central["api_endpoint"])


def environment_without_emulator_url() -> dict[str, str]:
    """This process's environment minus the emulator URL: a CLI run under it starts an emulator of its own."""
    return {k: v for k, v in os.environ.items() if k != EMULATOR_URL_VARIABLE}


def hop(response: httpx.Response) -> str:
    """The emulator's diagnostic: which hop answered or refused, and why."""
    return response.headers.get(HOP_HEADER, "")


@pytest.fixture(scope="session")
def emulator_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with emulator.Emulator(state_dir=tmp_path_factory.mktemp("emulator")) as running:
        yield running.endpoint_url


def deploy(env_path: Path, url: str, outdir: Path) -> Deployment:
    env = load_environment(env_path)
    manifest = synthesize(env, outdir, emulator_url=url)
    map_local_workloads(env, url)
    orchestrator = Orchestrator(manifest, extra_env=emulator.terraform_environment(url))
    outcomes = orchestrator.run("deploy")
    return Deployment(env, manifest, orchestrator, outcomes, AccountSessions(emulator_url=url))
