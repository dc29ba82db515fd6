"""The shape of the emulator's own control calls (``/_crossgate/...``), shared by the subsystems
that answer them: the data plane routes a call to its owner and writes back what it returns."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ControlResponse:
    """Status, headers and body of one answered control call."""

    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=lambda: {"content-type": "application/json"})
