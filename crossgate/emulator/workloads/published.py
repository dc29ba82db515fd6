"""Target health as the emulator publishes it on moto's target group objects.

The health checker writes each target's health onto the moto ``FakeTargetGroup`` it belongs to;
the DescribeTargetHealth patch (:mod:`crossgate.emulator.patches.target_health`) and
:meth:`Workloads.target_health` read it back from there. Keeping it on moto's own object (not in a
module-level registry) means there is one truth per target group, shared by every thread.
"""

from __future__ import annotations

from typing import Any

HEALTH_ATTR = "crossgate_target_health"
"""``{"<ip>:<port>": {"State": ..., "Reason": ..., "Description": ...}}`` on a FakeTargetGroup."""


def target_key(ip: str, port: int | str) -> str:
    return f"{ip}:{port}"


def published_health(target_group: Any) -> dict[str, dict[str, str]]:
    """The health records on ``target_group`` (empty when the checker has not seen it yet)."""
    records: dict[str, dict[str, str]] | None = getattr(target_group, HEALTH_ATTR, None)
    return records if isinstance(records, dict) else {}


def publish_health(target_group: Any, records: dict[str, dict[str, str]]) -> None:
    """Replace the group's records in one assignment (readers on other threads see old or new, never half)."""
    setattr(target_group, HEALTH_ATTR, records)
