"""What the user told the emulator: which local command runs an image, which local address serves a target.

Both are small JSON files in the work folder, so they survive an emulator restart with ``--state-dir``
(the launcher puts the work folder under the state folder).
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any

PLACEHOLDERS = ("{python}", "{port}", "{host}")


class JsonStore:
    """A dict of JSON values kept in one file, written atomically on every change."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._data: dict[str, Any] = {}
        if path.exists():
            try:
                loaded = json.loads(path.read_text())
            except (OSError, ValueError):
                loaded = {}
            self._data = loaded if isinstance(loaded, dict) else {}

    def get(self, key: str) -> Any:
        with self._lock:
            return self._data.get(key)

    def items(self) -> list[tuple[str, Any]]:
        with self._lock:
            return sorted(self._data.items())

    def put(self, key: str, value: Any) -> None:
        with self._lock:
            self._data[key] = value
            self._write()

    def delete(self, key: str) -> bool:
        with self._lock:
            if key not in self._data:
                return False
            del self._data[key]
            self._write()
            return True

    def _write(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_name(self.path.name + ".partial")
        partial.write_text(json.dumps(self._data, indent=2, sort_keys=True))
        os.replace(partial, self.path)


def _without_tag(image: str) -> str:
    """``registry/repo:tag`` or ``repo@sha256:..`` -> ``registry/repo`` (a registry port is not a tag)."""
    image = image.split("@", 1)[0]
    last = image.rsplit("/", 1)[-1]
    return image[: len(image) - len(last)] + last.split(":", 1)[0]


class ImageCommands:
    """Image reference -> local command (a list of strings with placeholders)."""

    def __init__(self, path: Path) -> None:
        self._store = JsonStore(path)

    def command_for(self, image: str) -> list[str] | None:
        """The command for ``image``: an exact match first, then the same repository without its tag."""
        for key in (image, _without_tag(image)):
            command = self._store.get(key)
            if command is not None:
                return list(command)
        return None

    def put(self, image: str, command: list[str]) -> None:
        self._store.put(image, list(command))

    def delete(self, image: str) -> bool:
        return self._store.delete(image)

    def listing(self) -> list[dict[str, Any]]:
        return [{"image": image, "command": command} for image, command in self._store.items()]


def expand(command: list[str], python: str, host: str, port: int) -> list[str]:
    """Fill in ``{python}``, ``{host}`` and ``{port}`` (also inside longer arguments: ``--bind={host}:{port}``)."""
    return [arg.replace("{python}", python).replace("{host}", host).replace("{port}", str(port)) for arg in command]


def target_id(account_id: str, region: str, ip: str, port: int) -> str:
    return f"{account_id}/{region}/{ip}:{port}"


class TargetMappings:
    """Bring-your-own targets: (account, region, ip, port) -> ``host:port`` on this machine."""

    def __init__(self, path: Path) -> None:
        self._store = JsonStore(path)

    def local(self, account_id: str, region: str, ip: str, port: int) -> tuple[str, int] | None:
        value = self._store.get(target_id(account_id, region, ip, port))
        if not isinstance(value, str):
            return None
        host, _, local_port = value.rpartition(":")
        return host, int(local_port)

    def put(self, account_id: str, region: str, ip: str, port: int, local: str) -> None:
        self._store.put(target_id(account_id, region, ip, port), local)

    def delete(self, account_id: str, region: str, ip: str, port: int) -> bool:
        return self._store.delete(target_id(account_id, region, ip, port))

    def listing(self) -> list[dict[str, Any]]:
        rows = []
        for key, local in self._store.items():
            account_id, region, address = key.split("/", 2)
            ip, _, port = address.rpartition(":")
            rows.append({"account_id": account_id, "region": region, "ip": ip, "port": int(port), "local": local})
        return rows
