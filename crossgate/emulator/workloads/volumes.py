"""Container paths -> host folders, from the task definition's volumes and a container's mountPoints.

A volume without ``efsVolumeConfiguration`` (a bind mount) is the task's own ephemeral storage on
Fargate: it lives and dies with the task, so it maps to a folder inside the task's folder. An EFS
volume is shared by every task that mounts the same file system (and root directory), so it maps
to one folder per file system id under the work folder, kept across tasks and restarts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def host_paths(volumes: list[dict[str, Any]], container: dict[str, Any], task_dir: Path,
               efs_root: Path) -> dict[str, Path]:
    """``{containerPath: host folder}`` for the container's mount points (folders created)."""
    by_name = {str(v.get("name")): v for v in volumes or []}
    paths: dict[str, Path] = {}
    for mount in container.get("mountPoints") or []:
        container_path = str(mount.get("containerPath") or "").rstrip("/")
        if not container_path:
            continue
        volume = by_name.get(str(mount.get("sourceVolume")), {})
        efs = volume.get("efsVolumeConfiguration")
        if efs:
            root = str(efs.get("rootDirectory") or "/").strip("/")
            host = efs_root / str(efs.get("fileSystemId") or "unknown-fs") / root
        else:  # bind mount / ephemeral storage (an unknown sourceVolume is refused by AWS; treated the same)
            host = task_dir / "volumes" / str(mount.get("sourceVolume") or container_path.strip("/"))
        host.mkdir(parents=True, exist_ok=True)
        paths[container_path] = host
    return paths


def translate(value: str, paths: dict[str, Path]) -> str:
    """A container path (``/data`` or ``/data/x.db``) in ``value`` -> the host path; other values unchanged.

    Longest mount first, so ``/data/cache`` wins over ``/data``. Only values that *start* with a
    container path change (``--db=/data/x`` style arguments are not rewritten).
    """
    for container_path in sorted(paths, key=len, reverse=True):
        if value == container_path or value.startswith(container_path + "/"):
            return str(paths[container_path]) + value[len(container_path):]
    return value
