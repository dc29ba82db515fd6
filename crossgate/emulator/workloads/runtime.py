"""The interface the data plane uses: where a target's traffic goes locally, and the target's health."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crossgate.emulator.control import ControlResponse
from crossgate.emulator.workloads import moto_state
from crossgate.emulator.workloads.control import Control
from crossgate.emulator.workloads.health import HealthChecker
from crossgate.emulator.workloads.mappings import ImageCommands, TargetMappings
from crossgate.emulator.workloads.published import HEALTH_ATTR, published_health, target_key
from crossgate.emulator.workloads.scheduler import Scheduler


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
        self.images = ImageCommands(work_dir / "images.json")
        self.targets = TargetMappings(work_dir / "targets.json")
        self.health = HealthChecker(workers=4)
        self.scheduler = Scheduler(work_dir, self.images, self.targets, self.health)
        self._control = Control(self.images, self.targets, self.scheduler.listing, self._health_listing)

    def start(self) -> None:
        """Start the scheduler (reconciles with moto's current ECS state, also after a restore)."""
        self.work_dir.mkdir(parents=True, exist_ok=True)
        for _, _, group in moto_state.target_groups():  # verdicts restored from a saved state are stale
            if hasattr(group, HEALTH_ATTR):
                delattr(group, HEALTH_ATTR)
        self.health.start()
        self.scheduler.start()

    def stop(self) -> None:
        """Stop every process this object started."""
        self.scheduler.stop()
        self.health.stop()

    def local_address(self, account_id: str, region: str, ip: str, port: int) -> LocalAddress | None:
        """The local address serving target ``ip:port`` in that account/region, or None."""
        found = self.scheduler.resolve(account_id, region, ip, port)
        return None if found is None else LocalAddress(*found)

    def target_health(self, account_id: str, region: str, target_group_arn: str, ip: str, port: int) -> TargetHealth:
        """The target's current health in that target group (what DescribeTargetHealth answers)."""
        group = moto_state.target_group(account_id, region, target_group_arn)
        if group is None:
            return TargetHealth("unavailable", "Target.NotRegistered", "Target group not found")
        record = published_health(group).get(target_key(ip, port))
        if record is not None:
            return TargetHealth(record["State"], record.get("Reason", ""), record.get("Description", ""))
        if moto_state.is_registered(group, ip, port):
            return TargetHealth("initial", "Elb.RegistrationInProgress", "Target registration is in progress")
        return TargetHealth("unused", "Target.NotRegistered", "Target is not registered to the target group")

    def control(self, method: str, path: str, body: bytes) -> ControlResponse | None:
        """Answer a call under ``/_crossgate/workloads/`` (image commands, target mappings, tasks)."""
        return self._control.handle(method, path, body)

    def _health_listing(self) -> list[dict[str, Any]]:
        rows = []
        for account_id, region, group in moto_state.target_groups():
            for key, record in sorted(published_health(group).items()):
                ip, _, port = key.rpartition(":")
                rows.append({"account_id": account_id, "region": region, "target_group_arn": group.arn,
                             "ip": ip, "port": int(port), **record})
        return rows
