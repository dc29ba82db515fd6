"""What terraform's output text means: the one place that reads it.

terraform reports lock conflicts, interrupted runs, resources that already exist, an unreachable
endpoint and a changed backend only in words. Every marker crossgate relies on lives here, each with
the function that reads it, so a wording change in terraform is fixed once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

LOCK_RELEASE_FAILED = "Error releasing the state lock"
LOCK_HELD = "Error acquiring the state lock"
BACKEND_CHANGED = "Backend configuration changed"  # terraform init's error when the saved backend differs
ORPHAN_MARKERS = ("already exists", "AlreadyExists")
# eni_lookup's postcondition text: AWS listed fewer endpoint ENIs than subnets right after create.
EVENTUAL_CONSISTENCY_MARKER = "were expected (one per subnet)"
UNREACHABLE_MARKERS = ("connection refused", "dial tcp", "no such host", "i/o timeout")


def lock_held(text: str) -> bool:
    return LOCK_HELD in text


def lock_release_failed(text: str) -> bool:
    return LOCK_RELEASE_FAILED in text


def backend_changed(text: str) -> bool:
    return BACKEND_CHANGED in text


def already_exists(text: str) -> bool:
    return any(marker in text for marker in ORPHAN_MARKERS)


def endpoint_enis_lagging(text: str) -> bool:
    return EVENTUAL_CONSISTENCY_MARKER in text


def unreachable(text: str) -> bool:
    lowered = text.lower()
    return any(marker in lowered for marker in UNREACHABLE_MARKERS)


@dataclass(frozen=True)
class LockInfo:
    """The lock terraform reports in "Error acquiring the state lock"."""

    lock_id: str
    who: str | None = None
    created: float | None = None  # epoch seconds


def parse_lock_info(output: str) -> LockInfo | None:
    """ID, Who and Created from terraform's "Lock Info:" block, or None when it is not there."""
    block = output.split("Lock Info:", 1)
    if len(block) < 2:
        return None
    fields = dict(re.findall(r"^\s*(ID|Who|Created):[ \t]*(\S.*?)?\s*$", block[1], flags=re.MULTILINE))
    if not fields.get("ID"):
        return None
    created = _parse_created(fields["Created"]) if fields.get("Created") else None
    return LockInfo(lock_id=fields["ID"], who=fields.get("Who") or None, created=created)


def _parse_created(text: str) -> float | None:
    """terraform writes e.g. ``2026-11-24 20:14:18.123456789 +0000 UTC`` (Go's time.String)."""
    found = re.match(r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)(?:\.(\d+))? ([+-]\d{4})", text)
    if not found:
        return None
    stamp = datetime.strptime(f"{found.group(1)} {found.group(3)}", "%Y-%m-%d %H:%M:%S %z").timestamp()
    return stamp + float(f"0.{found.group(2)}") if found.group(2) else stamp





def failed_addresses(output: str) -> list[str]:
    """Addresses of the resources whose create failed because they already exist, in terraform's order."""
    addresses = []
    for block in re.split(r"^Error: ", output, flags=re.MULTILINE)[1:]:
        head, _, _ = block.partition("\n  on ")
        found = re.search(r"^\s+with ([^\s,]+),", head, flags=re.MULTILINE)
        if found and already_exists(head):
            addresses.append(found.group(1))
    return addresses


def created_before_failure(stdout: str) -> dict[str, str]:
    """Address -> id of every resource terraform reported created ("Creation complete ... [id=...]")."""
    return dict(re.findall(r"^(\S+): Creation complete after \S+ \[id=([^\]\n]+)\]\s*$", stdout, flags=re.MULTILINE))


@dataclass(frozen=True)
class StillWorking:
    """terraform's progress line for a resource it has been working on for a while."""

    address: str  # e.g. module.provider.aws_lb.this[0]
    action: str  # creating, destroying, modifying, reading
    seconds: int

    @property
    def resource_type(self) -> str:
        """``aws_lb`` for ``module.provider.aws_lb.this[0]`` (a data source's type for ``data.x.y``)."""
        parts = [p for p in re.sub(r"\[[^\]]*\]", "", self.address).split(".") if p]
        return parts[-2] if len(parts) >= 2 else self.address


# terraform prints one every 10 s of a resource's create/destroy/update, e.g.
# "module.provider.aws_lb.this[0]: Still creating... [1m10s elapsed]" or
# "aws_vpc.this: Still destroying... [id=vpc-1, 20s elapsed]".
STILL_WORKING = re.compile(r"^(?P<address>\S+): Still (?P<action>[a-z]+)\.\.\. \[(?:id=[^\]]*?, )?"
                           r"(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m)?(?:(?P<s>\d+)s)? elapsed\]\s*$")


def still_working(line: str) -> StillWorking | None:
    found = STILL_WORKING.match(line)
    if not found:
        return None
    seconds = sum(int(found.group(unit) or 0) * factor for unit, factor in (("h", 3600), ("m", 60), ("s", 1)))
    return StillWorking(found.group("address"), found.group("action"), seconds)
