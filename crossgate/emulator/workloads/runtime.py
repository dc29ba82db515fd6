"""The interface the data plane uses (filled in by the scheduler's implementation)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from crossgate.emulator.control import ControlResponse


@dataclass(frozen=True)
class LocalAddress:
    """Where on this machine (127.0.0.1) a target's traffic really goes."""

    host: str
    port: int


@dataclass(frozen=True)
class TargetHealth:
    """A target's health as ELBv2 reports it: state (``healthy``, ``unhealthy``, ``initial``,
    ``unused``, ``draining``, ``unavailable``), reason code and description (DescribeTargetHealth)."""

    state: str
    reason: str = ""
    description: str = ""


class Workloads:
    """Local processes behind emulated ECS services, and the target -> local address map."""

    def __init__(self, work_dir: Path) -> None:
        self.work_dir = work_dir

    def start(self) -> None:
        """Start the scheduler (reconciles with moto's current ECS state, also after a restore)."""

    def stop(self) -> None:
        """Stop every process this object started."""

    def local_address(self, account_id: str, region: str, ip: str, port: int) -> LocalAddress | None:
        """The local address serving target ``ip:port`` in that account/region, or None."""
        raise NotImplementedError

    def target_health(self, account_id: str, region: str, target_group_arn: str, ip: str, port: int) -> TargetHealth:
        """The target's current health in that target group."""
        raise NotImplementedError

    def control(self, method: str, path: str, body: bytes) -> ControlResponse | None:
        """Answer a call under ``/_crossgate/workloads/`` (image commands, target mappings, tasks)."""
        return None
