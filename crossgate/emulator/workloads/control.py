"""The ``/_crossgate/workloads/`` control calls: image commands, target mappings, tasks, target health.

``GET|PUT|DELETE /_crossgate/workloads/images``   {"image": ref, "command": [...]} (DELETE: {"image"})
``GET|PUT|DELETE /_crossgate/workloads/targets``  {"account_id", "region", "ip", "port", "local": "127.0.0.1:9000"}
``GET /_crossgate/workloads/tasks``               the tasks the scheduler runs (arn, ip, local address, pid, log)
``GET /_crossgate/workloads/health``              every target's health as the emulator checks it

DELETE takes its keys from the JSON body or the query string (``?image=...``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from crossgate.emulator.control import ControlResponse
from crossgate.emulator.workloads.mappings import ImageCommands, TargetMappings

PREFIX = "/_crossgate/workloads"


class BadRequest(ValueError):
    """The call's JSON is missing or malformed (400)."""


def _json(status: int, payload: Any) -> ControlResponse:
    return ControlResponse(status, json.dumps(payload, default=str).encode())


def _request(body: bytes, query: str) -> dict[str, Any]:
    fields: dict[str, Any] = dict(parse_qsl(query))
    if body.strip():
        try:
            loaded = json.loads(body)
        except ValueError as error:
            raise BadRequest(f"body is not JSON: {error}") from None
        if not isinstance(loaded, dict):
            raise BadRequest("body must be a JSON object")
        fields.update(loaded)
    return fields


def _text(fields: dict[str, Any], name: str) -> str:
    value = fields.get(name)
    if not isinstance(value, str) or not value:
        raise BadRequest(f"{name!r} must be a non-empty string")
    return value


def _port(fields: dict[str, Any], name: str = "port") -> int:
    value = fields.get(name)
    try:
        port = int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise BadRequest(f"{name!r} must be a port number") from None
    if not 0 < port < 65536:
        raise BadRequest(f"{name!r} must be 1-65535")
    return port


def _local(fields: dict[str, Any]) -> str:
    local = _text(fields, "local")
    host, _, port = local.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise BadRequest("'local' must be host:port, e.g. 127.0.0.1:9000")
    return local


class Control:
    """Answers the workloads control calls from the mappings and the scheduler's listings."""

    def __init__(self, images: ImageCommands, targets: TargetMappings, tasks: Callable[[], list[dict[str, Any]]],
                 health: Callable[[], list[dict[str, Any]]]) -> None:
        self.images = images
        self.targets = targets
        self.tasks = tasks
        self.health = health

    def handle(self, method: str, path: str, body: bytes) -> ControlResponse | None:
        parts = urlsplit(path)
        if parts.path != PREFIX and not parts.path.startswith(PREFIX + "/"):
            return None
        resource = parts.path[len(PREFIX):].strip("/")
        method = method.upper()
        try:
            fields = _request(body, parts.query) if method in ("PUT", "POST", "DELETE") else {}
            if resource == "images":
                return self._images(method, fields)
            if resource == "targets":
                return self._targets(method, fields)
            if resource == "tasks" and method == "GET":
                return _json(200, {"tasks": self.tasks()})
            if resource == "health" and method == "GET":
                return _json(200, {"targets": self.health()})
        except BadRequest as error:
            return _json(400, {"message": str(error)})
        if resource in ("images", "targets", "tasks", "health"):
            return _json(405, {"message": f"{method} is not allowed on {PREFIX}/{resource}"})
        return _json(404, {"message": f"no control call {PREFIX}/{resource}; try images, targets, tasks or health"})

    def _images(self, method: str, fields: dict[str, Any]) -> ControlResponse:
        if method == "GET":
            return _json(200, {"images": self.images.listing()})
        image = _text(fields, "image")
        if method in ("PUT", "POST"):
            command = fields.get("command")
            if not isinstance(command, list) or not command or not all(isinstance(a, str) for a in command):
                raise BadRequest("'command' must be a non-empty list of strings, e.g. [\"{python}\", \"-m\", "
                                 "\"service\", \"--port\", \"{port}\"]")
            self.images.put(image, command)
            return _json(200, {"image": image, "command": command})
        if method == "DELETE":
            if not self.images.delete(image):
                return _json(404, {"message": f"no command mapped for image {image!r}"})
            return _json(200, {"image": image, "deleted": True})
        return _json(405, {"message": f"{method} is not allowed on {PREFIX}/images"})

    def _targets(self, method: str, fields: dict[str, Any]) -> ControlResponse:
        if method == "GET":
            return _json(200, {"targets": self.targets.listing()})
        account_id, region = _text(fields, "account_id"), _text(fields, "region")
        ip, port = _text(fields, "ip"), _port(fields)
        if method in ("PUT", "POST"):
            local = _local(fields)
            self.targets.put(account_id, region, ip, port, local)
            return _json(200, {"account_id": account_id, "region": region, "ip": ip, "port": port, "local": local})
        if method == "DELETE":
            if not self.targets.delete(account_id, region, ip, port):
                return _json(404, {"message": f"target {ip}:{port} in {account_id}/{region} is not mapped"})
            return _json(200, {"account_id": account_id, "region": region, "ip": ip, "port": port, "deleted": True})
        return _json(405, {"message": f"{method} is not allowed on {PREFIX}/targets"})
