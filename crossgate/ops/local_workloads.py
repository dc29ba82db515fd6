"""Emulator envs: tell the emulator which local command plays each Fargate image the env names one for."""

from __future__ import annotations

from crossgate.config import Environment
from crossgate.emulator.client import EmulatorControl


def map_local_workloads(env: Environment, emulator_url: str) -> list[str]:
    """Register every ``workload.fargate.emulator_command``; return the images mapped."""
    control = EmulatorControl(emulator_url)
    mapped = []
    for service in env.config.services.values():
        fargate = service.workload.fargate
        if fargate is not None and fargate.emulator_command:
            control.map_image(fargate.image, fargate.emulator_command)
            mapped.append(fargate.image)
    return mapped
