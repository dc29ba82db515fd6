"""Long terraform waits are named while they last ("waiting for the NLB to be created ... 40s")."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from crossgate.runner import output_text
from crossgate.runner.orchestrate import Orchestrator
from crossgate.runner.terraform import Terraform
from crossgate.runner.waits import WaitReporter, describe
from crossgate.synth import Manifest, Stack


def test_terraforms_still_working_lines_are_read() -> None:
    create = output_text.still_working("module.provider.aws_lb.this[0]: Still creating... [1m10s elapsed]")
    assert create == output_text.StillWorking("module.provider.aws_lb.this[0]", "creating", 70)
    assert create.resource_type == "aws_lb"
    destroy = output_text.still_working('module.c.aws_vpc_endpoint.this["a.b"]: Still destroying... '
                                        "[id=vpce-0123, 20s elapsed]")
    assert destroy == output_text.StillWorking('module.c.aws_vpc_endpoint.this["a.b"]', "destroying", 20)
    assert destroy.resource_type == "aws_vpc_endpoint"
    assert output_text.still_working("aws_vpc.this: Creation complete after 2s [id=vpc-1]") is None
    assert output_text.still_working("Still creating... [10s elapsed]") is None


def test_a_wait_is_reported_once_it_is_long_and_then_every_so_often() -> None:
    said: list[str] = []
    reporter = WaitReporter(said.append, after=20, every=20)
    for seconds in ("10s", "20s", "30s", "40s", "50s", "1m0s"):
        reporter(f"module.provider.aws_lb.this[0]: Still creating... [{seconds} elapsed]")
        reporter(f"aws_vpc.this: Still destroying... [id=vpc-1, {seconds} elapsed]")
    reporter("Apply complete! Resources: 1 added, 0 changed, 0 destroyed.")
    nlb = [s for s in said if "aws_lb" in s]
    assert nlb == [f"waiting for the NLB to be created (module.provider.aws_lb.this[0]) ... {n}s" for n in (20, 40, 60)]
    assert next(s for s in said if "aws_vpc.this" in s) == "waiting for the VPC to be destroyed (aws_vpc.this) ... 20s"
    assert len(said) == 6


def test_an_unknown_resource_type_is_named_by_its_type() -> None:
    wait = output_text.StillWorking("aws_rds_cluster.db", "modifying", 30)
    assert describe(wait) == "waiting for aws_rds_cluster to be updated (aws_rds_cluster.db) ... 30s"


@pytest.mark.terraform
def test_the_wait_is_told_while_terraform_still_runs(tmp_path: Path) -> None:
    """terraform's output is read as it comes, not after the process ends."""
    (tmp_path / "main.tf").write_text('resource "terraform_data" "slow" {\n  provisioner "local-exec" {\n'
                                      '    command = "sleep 12"\n  }\n}\n')
    said: list[tuple[float, str]] = []
    tf = Terraform(tmp_path, on_line=WaitReporter(lambda m: said.append((time.monotonic(), m)), after=10))
    tf.init()
    plan = tf.plan()
    tf.apply(plan)
    finished = time.monotonic()
    assert [m for _, m in said] == ["waiting for terraform_data to be created (terraform_data.slow) ... 10s"]
    assert finished - said[0][0] > 1.0, "the line came only when terraform had finished"


def test_the_orchestrator_reports_waits_under_the_stack_name(tmp_path: Path) -> None:
    events: list[tuple[str, str]] = []
    stack = Stack("provider", tmp_path, ())
    tf = Orchestrator(Manifest(tmp_path, (stack,)), report=lambda s, m: events.append((s, m))).terraform(stack)
    assert tf.on_line is not None
    tf.on_line("module.provider.aws_lb.this[0]: Still creating... [30s elapsed]")
    assert events == [("provider", "waiting for the NLB to be created (module.provider.aws_lb.this[0]) ... 30s")]
