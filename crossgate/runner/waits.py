"""Say what a long terraform step is waiting for ("waiting for the NLB to be created ... 40s").

An apply can sit silent for a minute while the provider waits for AWS (an NLB turning active, an endpoint
becoming available). terraform prints "Still creating... [Ns elapsed]" every 10 s for each such resource;
this turns those lines into one progress line per resource every ``every`` seconds once a resource has
taken ``after`` seconds, naming it the way a user thinks of it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from crossgate.runner import output_text

WAIT_AFTER_SECONDS = 20
WAIT_EVERY_SECONDS = 20

KINDS = {
    "aws_lb": "the NLB",
    "aws_lb_listener": "the NLB listener",
    "aws_lb_target_group": "the target group",
    "aws_vpc_endpoint": "the VPC endpoint",
    "aws_vpc_endpoint_service": "the VPC endpoint service",
    "aws_vpc_endpoint_service_allowed_principal": "the endpoint service's allowed principal",
    "aws_vpc": "the VPC",
    "aws_subnet": "a subnet",
    "aws_ecs_service": "the ECS service",
    "aws_ecs_cluster": "the ECS cluster",
    "aws_efs_file_system": "the EFS file system",
    "aws_efs_mount_target": "an EFS mount target",
    "aws_apigatewayv2_vpc_link": "the VPC link",
    "aws_apigatewayv2_domain_name": "the custom domain",
    "aws_service_discovery_service": "the Cloud Map service",
    "aws_service_discovery_http_namespace": "the Cloud Map namespace",
    "aws_security_group": "a security group",
    "aws_cloudwatch_log_group": "a log group",
    "aws_flow_log": "the VPC flow log",
    "aws_iam_role": "an IAM role",
}
ACTIONS = {"creating": "created", "destroying": "destroyed", "modifying": "updated", "reading": "read"}


def describe(wait: output_text.StillWorking) -> str:
    kind = KINDS.get(wait.resource_type, wait.resource_type)
    done = ACTIONS.get(wait.action, wait.action)
    return f"waiting for {kind} to be {done} ({wait.address}) ... {wait.seconds}s"


@dataclass
class WaitReporter:
    """Feed it terraform's stdout lines (from any thread); it reports the long waits through ``say``."""

    say: Callable[[str], None]
    after: int = WAIT_AFTER_SECONDS
    every: int = WAIT_EVERY_SECONDS
    _last: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, line: str) -> None:
        wait = output_text.still_working(line)
        if wait is None or wait.seconds < self.after:
            return
        with self._lock:
            last = self._last.get(wait.address)
            if last is not None and wait.seconds - last < self.every:
                return
            self._last[wait.address] = wait.seconds
        self.say(describe(wait))
