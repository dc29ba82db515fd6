"""The emulator's own control calls (``/_crossgate/...``), as a small client for the CLI and tests.

These calls configure what only an emulator needs (which local command plays an image, which local
server stands behind a bring-your-own NLB target, a token from the local issuer); AWS has no such API.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import httpx

from crossgate.errors import CrossgateError


class EmulatorControlError(CrossgateError):
    """A control call the emulator refused; the message is the emulator's."""


class EmulatorControl:
    """Control calls against one running emulator."""

    def __init__(self, endpoint_url: str, timeout: float = 10.0) -> None:
        self.endpoint_url = endpoint_url.rstrip("/")
        self.timeout = timeout

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        try:
            response = httpx.request(method, f"{self.endpoint_url}/_crossgate/{path}", json=body,
                                     timeout=self.timeout)
        except httpx.HTTPError as exc:
            raise EmulatorControlError(f"the emulator at {self.endpoint_url} did not answer ({exc})") from None
        data: dict[str, Any] = response.json() if response.content else {}
        if response.status_code >= 400:
            raise EmulatorControlError(f"emulator refused {method} /_crossgate/{path}: "
                                       f"{data.get('message', response.text)}")
        return data

    def map_image(self, image: str, command: Sequence[str]) -> None:
        """Run ``command`` locally wherever a task of ``image`` should run."""
        self._call("PUT", "workloads/images", {"image": image, "command": list(command)})

    def map_target(self, account_id: str, region: str, ip: str, port: int, local: str) -> None:
        """Send traffic for target ``ip:port`` (e.g. behind a bring-your-own NLB) to ``local`` (host:port)."""
        self._call("PUT", "workloads/targets",
                   {"account_id": account_id, "region": region, "ip": ip, "port": port, "local": local})

    def tasks(self) -> list[dict[str, Any]]:
        tasks: list[dict[str, Any]] = self._call("GET", "workloads/tasks").get("tasks", [])
        return tasks

    def token(self, *, audience: str | None = None, scopes: Sequence[str] = (), subject: str = "crossgate-user",
              expires_in: int = 3600, client_id: str | None = None) -> str:
        """An access token signed by the emulator's local OpenID Connect issuer."""
        body: dict[str, Any] = {"scopes": list(scopes), "subject": subject, "expires_in": expires_in}
        if audience is not None:
            body["audience"] = audience
        if client_id is not None:
            body["client_id"] = client_id
        return str(self._call("POST", "oidc/token", body)["access_token"])
