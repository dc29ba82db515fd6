"""ELBv2 DescribeTargetHealth answers from the emulator's real health checks, not "healthy" for all."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from crossgate.emulator.patches.base import wrap
from crossgate.emulator.workloads.published import published_health, target_key


def _registered(group: Any, target_id: str, port: Any) -> bool:
    registered = group.targets.get(target_id)
    return registered is not None and str(registered.get("Port", group.port)) == str(port)


def patch_elbv2_target_health() -> None:
    """AWS health-checks every registered target with the target group's settings and reports
    ``initial`` (Elb.RegistrationInProgress / Elb.InitialHealthChecking) until the first checks
    pass, then ``healthy`` or ``unhealthy`` (Target.FailedHealthChecks; for ALB target groups also
    Target.ResponseCodeMismatch / Target.Timeout), ``unused`` / Target.NotInUse when no load
    balancer uses the group, and ``draining`` / Target.DeregistrationInProgress during the
    deregistration delay, a draining target still being listed (ELBv2 API reference,
    ``TargetHealth``). moto 5.2.5 reports every registered target ``healthy`` the moment it is
    registered, whether anything answers at its address or not, and forgets a deregistered one at
    once. The emulator's health checker (:mod:`crossgate.emulator.workloads.health`) probes the
    local process behind each target and leaves its verdict on the target group; this patch
    answers from it (a target it has not seen yet is ``initial`` / Elb.RegistrationInProgress)."""
    from moto.elbv2.models import ELBv2Backend, FakeHealthStatus

    def make(original: Callable[..., list[Any]]) -> Callable[..., list[Any]]:
        def describe_target_health(self: Any, target_group_arn: str, targets: list[dict[str, Any]]) -> list[Any]:
            statuses = original(self, target_group_arn, targets)
            group = self.target_groups[target_group_arn]
            records = published_health(group)
            listed = set()
            for status in statuses:
                key = target_key(status.instance_id, status.port)
                listed.add(key)
                record = records.get(key)
                if record is None and _registered(group, status.instance_id, status.port):
                    record = {"State": "initial", "Reason": "Elb.RegistrationInProgress",
                              "Description": "Target registration is in progress"}
                if record is not None:
                    status.status = record["State"]
                    status.reason = record.get("Reason") or None
                    status.description = record.get("Description") or None
            if not targets:
                for key, record in sorted(records.items()):
                    if record["State"] == "draining" and key not in listed:
                        ip, _, port = key.rpartition(":")
                        statuses.append(FakeHealthStatus(ip, port, group.health_check_port, "draining",
                                                         record.get("Reason"), record.get("Description")))
            return statuses

        return describe_target_health

    wrap(ELBv2Backend, "describe_target_health", make)
