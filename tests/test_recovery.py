"""Recovery after an interrupted terraform run: stale lock release and errored.tfstate push.

Unit tests for the rules, then two real scenarios with provider-free `terraform_data` stacks whose
S3 backend lives in the emulator: terraform SIGKILLed mid-apply, and the emulator stopped mid-apply.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from crossgate import emulator
from crossgate.runner import output_text, processes, recovery
from crossgate.runner.orchestrate import Orchestrator, StackOutcome
from crossgate.synth import Manifest, Stack

LOCK_TEXT = """Error: Error acquiring the state lock

Error message: operation error S3: PutObject, https response error StatusCode: 412, api error PreconditionFailed
Lock Info:
  ID:        c63cd972-bbce-e3d6-3b7b-cbe1372b521d
  Path:      crossgate-tfstate/x/x-provider-employee.tfstate
  Operation: OperationTypeApply
  Who:       {who}
  Version:   1.11.4
  Created:   {created}
  Info:
"""


def lock_text(who: str, created: float) -> str:
    stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(created))
    return LOCK_TEXT.format(who=who, created=f"{stamp}.123456789 +0000 UTC")


# -- rules ------------------------------------------------------------------------------------------
def test_lock_info_is_read_from_terraforms_block() -> None:
    lock = output_text.parse_lock_info(lock_text("ci@runner", 1_700_000_000))
    assert lock == recovery.LockInfo("c63cd972-bbce-e3d6-3b7b-cbe1372b521d", "ci@runner", 1_700_000_000.123456789)
    assert output_text.parse_lock_info("Error: something else") is None


def test_a_lock_is_released_only_when_it_is_provably_the_interrupted_runs(tmp_path: Path) -> None:
    now = time.time()
    assert recovery.releasable_lock(tmp_path, lock_text(recovery.holder(), now - 60)) is None  # nothing recorded

    recovery.record_interruption(tmp_path, "apply")
    assert recovery.releasable_lock(tmp_path, lock_text(recovery.holder(), now - 60)) is not None
    assert recovery.releasable_lock(tmp_path, lock_text("someone@else", now - 60)) is None
    assert recovery.releasable_lock(tmp_path, lock_text(recovery.holder(), now + 60)) is None  # taken later
    assert recovery.releasable_lock(tmp_path, "Error: Error acquiring the state lock\n") is None

    recovery.clear_interruption(tmp_path)
    assert recovery.releasable_lock(tmp_path, lock_text(recovery.holder(), now - 60)) is None


def test_a_running_terraform_keeps_its_lock(tmp_path: Path) -> None:
    fake = tmp_path / "bin" / "terraform"
    fake.parent.mkdir()
    fake.symlink_to(sys.executable)
    stack_dir = tmp_path / "stack"
    stack_dir.mkdir()
    recovery.record_interruption(stack_dir, "apply")
    running = subprocess.Popen([str(fake), "-c", "import time; time.sleep(60)"], cwd=stack_dir)
    try:
        time.sleep(0.5)
        assert recovery.terraform_running_in(stack_dir)
        assert recovery.releasable_lock(stack_dir, lock_text(recovery.holder(), time.time() - 60)) is None
    finally:
        running.kill()
        running.wait()
    assert not recovery.terraform_running_in(stack_dir)


@pytest.mark.parametrize(("returncode", "output", "expected"), [
    (-9, "", True),
    (1, "Error: Error releasing the state lock\n", True),
    (1, "Error: creating VPC: boom", False),
])
def test_interruptions_are_signals_and_unreleased_locks(returncode: int, output: str, expected: bool) -> None:
    assert recovery.was_interrupted(returncode, output) is expected


def test_created_resources_are_read_from_terraforms_progress_lines(tmp_path: Path) -> None:
    stdout = """module.service.aws_vpc.this[0]: Creating...
module.service.aws_vpc.this[0]: Creation complete after 1s [id=vpc-0abc]
module.service.aws_iam_role.this["x"]: Creation complete after 0s [id=x-role]
module.service.aws_lb.this[0]: Still creating... [10s elapsed]
"""
    created = output_text.created_before_failure(stdout)
    assert created == {"module.service.aws_vpc.this[0]": "vpc-0abc", 'module.service.aws_iam_role.this["x"]': "x-role"}

    recovery.record_interruption(tmp_path, "apply", created)
    recovery.record_interruption(tmp_path, "apply", {"aws_subnet.a": "subnet-1"})  # killed again: both kept
    assert recovery.created_by_interrupted_run(tmp_path) == {**created, "aws_subnet.a": "subnet-1"}
    recovery.clear_interruption(tmp_path)
    assert recovery.created_by_interrupted_run(tmp_path) == {}


# -- real terraform, S3 backend in the emulator -----------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((emulator.HOST, 0))
        return int(probe.getsockname()[1])


def slow_stack(directory: Path, url: str, key: str) -> Stack:
    """One terraform_data whose create sleeps until a `go` file appears (at most 60 s)."""
    directory.mkdir(parents=True)
    config = {
        "terraform": {"backend": {"s3": {**emulator.backend_settings(url), "key": key}}},
        "resource": {"terraform_data": {"slow": {
            "input": "done",
            "provisioner": [{"local-exec": {
                "command": "for i in $(seq 600); do test -f go && exit 0; sleep 0.1; done; exit 1"}}],
        }}},
        "output": {"value": {"value": "${terraform_data.slow.output}"}},
    }
    (directory / "main.tf.json").write_text(json.dumps(config, indent=1))
    return Stack(directory.name, directory, ())


def deploy_until_provisioner(running: emulator.Emulator, tmp_path: Path, name: str) -> tuple[
        Stack, Orchestrator, list[str], threading.Thread, list[StackOutcome]]:
    """Start deploying a slow stack in a thread; return once its apply holds the lock and waits in the provisioner."""
    url = running.endpoint_url
    stack = slow_stack(tmp_path / name, url, f"tests/{name}.tfstate")
    events: list[str] = []
    orchestrator = Orchestrator(Manifest(tmp_path, (stack,)), extra_env=emulator.terraform_environment(url),
                                report=lambda _, message: events.append(message))
    outcomes: list[StackOutcome] = []
    thread = threading.Thread(target=lambda: outcomes.extend(orchestrator.run("deploy")))
    thread.start()
    wait_for_provisioner(stack.directory)
    return stack, orchestrator, events, thread, outcomes


def wait_for_provisioner(stack_dir: Path, timeout: float = 120) -> None:
    """Until the slow resource's local-exec runs (the apply holds the lock and has created nothing yet)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any("test -f go" in process.command for process in processes.working_in(stack_dir)):
            return
        time.sleep(0.2)
    raise AssertionError("the apply never reached its provisioner")


@pytest.fixture
def persistent_emulator(tmp_path: Path) -> Iterator[emulator.Emulator]:
    running = emulator.Emulator(port=free_port(), state_dir=tmp_path / "emulator", persist=True)
    running.start()
    yield running
    running.stop()


@pytest.mark.terraform
def test_sigkill_mid_apply_then_the_rerun_releases_the_lock_and_converges(
        persistent_emulator: emulator.Emulator, tmp_path: Path) -> None:
    stack, orchestrator, events, thread, outcomes = deploy_until_provisioner(persistent_emulator, tmp_path, "killed")
    applies = processes.terraform_in(stack.directory, "apply")
    assert applies
    for pid in applies:
        os.killpg(pid, signal.SIGKILL)  # terraform and its provisioner, no chance to clean up
    thread.join(timeout=120)
    assert [o.status for o in outcomes] == ["failed"]
    assert "killed (signal 9)" in outcomes[0].detail
    assert (stack.directory / recovery.MARKER_FILE).exists()

    (stack.directory / "go").touch()
    rerun = orchestrator.run("deploy")
    assert [o.status for o in rerun] == ["applied"], rerun[0].detail
    assert any(message.startswith("releasing state lock") for message in events)
    assert not (stack.directory / recovery.MARKER_FILE).exists()
    assert orchestrator.outputs()[stack.name] == {"value": "done"}
    assert [o.status for o in orchestrator.run("plan")] == ["unchanged"]


@pytest.mark.terraform
def test_emulator_stopped_mid_apply_then_restarted_the_rerun_pushes_the_unsaved_state(
        persistent_emulator: emulator.Emulator, tmp_path: Path) -> None:
    url = persistent_emulator.endpoint_url
    stack, orchestrator, events, thread, outcomes = deploy_until_provisioner(persistent_emulator, tmp_path, "cut")
    persistent_emulator.stop()  # saves its state, the lock included
    (stack.directory / "go").touch()  # the resource completes while its backend is gone
    thread.join(timeout=600)
    assert [o.status for o in outcomes] == ["failed"]
    assert (stack.directory / recovery.ERRORED_STATE).exists(), outcomes[0].detail

    persistent_emulator.start()  # same port, same state folder: the lock and the old state are back
    assert persistent_emulator.endpoint_url == url
    rerun = orchestrator.run("deploy")
    assert [o.status for o in rerun] == ["unchanged"], rerun[0].detail  # nothing to redo: the state came back
    assert any(message.startswith("pushing errored.tfstate") for message in events)
    assert (stack.directory / "errored.tfstate.pushed").exists()
    assert orchestrator.outputs()[stack.name] == {"value": "done"}
