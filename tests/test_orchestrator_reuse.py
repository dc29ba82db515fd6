"""What the orchestrator does not repeat: an init of an unchanged stack, plans one after another, a refresh
right after a clean re-plan."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from crossgate.runner.orchestrate import Orchestrator
from crossgate.runner.terraform import PlanResult, Terraform
from crossgate.synth import Manifest, Stack

pytestmark = pytest.mark.terraform

DATA = """
resource "terraform_data" "this" {
  input = "hello"
}
output "greeting" {
  value = terraform_data.this.output
}
"""


def _stack(tmp_path: Path, name: str, dependencies: tuple[str, ...] = ()) -> Stack:
    directory = tmp_path / name
    directory.mkdir()
    (directory / "main.tf").write_text(DATA)
    return Stack(name, directory, dependencies)


def test_an_unchanged_stack_is_initialized_once_per_orchestrator(tmp_path: Path) -> None:
    stack = _stack(tmp_path, "only")
    events: list[str] = []
    orchestrator = Orchestrator(Manifest(tmp_path, (stack,)), report=lambda s, m: events.append(m))
    assert [o.status for o in orchestrator.run("deploy")] == ["applied"]
    assert [o.status for o in orchestrator.run("plan")] == ["unchanged"]
    assert orchestrator.outputs() == {"only": {"greeting": "hello"}}
    assert events.count("init") == 1

    (stack.directory / "main.tf").write_text(DATA.replace('"hello"', '"hello again"'))
    assert [o.status for o in orchestrator.run("plan")] == ["changed"]
    assert events.count("init") == 2, "a changed configuration is initialized again"
    assert [o.status for o in orchestrator.run("destroy", refresh=False)] == ["destroyed"]
    assert "plan -destroy -refresh=false" in events
    state = json.loads((stack.directory / "terraform.tfstate").read_text())
    assert state["resources"] == []


def test_plan_runs_a_stack_beside_the_applied_stack_it_depends_on(tmp_path: Path) -> None:
    producer = _stack(tmp_path, "producer")
    consumer = _stack(tmp_path, "consumer", ("producer",))
    events: list[str] = []

    class SlowProducerPlan(Terraform):
        def plan(self, *, destroy: bool = False, refresh: bool = True) -> PlanResult:
            if self.working_dir == producer.directory:
                time.sleep(3)
            return super().plan(destroy=destroy, refresh=refresh)

    class Slow(Orchestrator):
        def terraform(self, stack: Stack) -> Terraform:
            return SlowProducerPlan(stack.directory, extra_env=self.extra_env)

    orchestrator = Slow(Manifest(tmp_path, (consumer, producer)), report=lambda s, m: events.append(f"{s} {m}"))
    assert [o.status for o in orchestrator.run("deploy")] == ["applied", "applied"]
    events.clear()
    outcomes = orchestrator.run("plan")
    assert [(o.stack, o.status) for o in outcomes] == [("producer", "unchanged"), ("consumer", "unchanged")]
    assert events.index("consumer unchanged") < events.index("producer unchanged")
