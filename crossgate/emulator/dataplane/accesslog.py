"""Access logs: one line per request into the stage's CloudWatch Logs group, written into moto directly.

AWS (developer guide, "Configure logging for HTTP APIs" and "Customize HTTP API access logs"): a stage
with ``accessLogSettings`` (DestinationArn = log group ARN, Format with ``$context.*`` variables) logs
each request; a variable with no value is written as ``-``. Requests that match no stage are not logged.
The log stream names AWS uses are not documented; the emulator writes to one stream per API and stage.
A log group that does not exist receives nothing (AWS cannot deliver either).
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from typing import Any

from crossgate.emulator.backends import moto_lock
from crossgate.emulator.dataplane import moto_state

_VARIABLE = re.compile(r"\$context\.([A-Za-z0-9_]+(?:\.[A-Za-z0-9_\-]+)*)")


def clf_time(epoch: float) -> str:
    """CLF request time as $context.requestTime has it: ``dd/MMM/yyyy:HH:mm:ss +0000``."""
    return time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(epoch))


def render(template: str, context: Mapping[str, str]) -> str:
    """Substitute every ``$context.x`` (longest name first, then shorter prefixes); unknown -> ``-``."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        while True:
            if name in context:
                found = context[name]
                return (found if found != "" else "-") + match.group(1)[len(name):]
            if "." not in name:
                return "-" + match.group(1)[len(name):]
            name = name.rsplit(".", 1)[0]

    return _VARIABLE.sub(value, template)


def _log_group(destination_arn: str) -> tuple[str, str, str] | None:
    """``arn:aws:logs:<region>:<account>:log-group:<name>[:*]`` -> (account, region, name)."""
    parts = destination_arn.split(":")
    if len(parts) < 7 or parts[2] != "logs" or parts[5] != "log-group":
        return None
    name = ":".join(parts[6:]).removesuffix(":*")
    return parts[4], parts[3], name


class AccessLogger:
    """Writes rendered lines into moto's logs backend.

    Under moto's own lock (:func:`crossgate.emulator.backends.moto_lock`): moto's log streams are not
    thread-safe, and a FilterLogEvents or DescribeLogStreams request iterates them under that lock while
    gateway requests (not serialized) add lines. A line is written once the response body has been sent, so
    a caller reading the log right after its response may not see it yet, as with AWS, which delivers access
    logs asynchronously.
    """

    def write(self, stage: Any, api_id: str, context: Mapping[str, str], epoch: float) -> bool:
        settings = getattr(stage, "access_log_settings", None) or {}
        destination = settings.get("destinationArn") or settings.get("DestinationArn")
        template = settings.get("format") or settings.get("Format")
        if not destination or not template:
            return False
        where = _log_group(destination)
        if where is None:
            return False
        account_id, region, group_name = where
        backend = moto_state.logs_backend(account_id, region)
        group = backend.groups.get(group_name) if backend is not None else None
        if group is None:
            return False
        stream_name = f"{api_id}_{stage.name}".replace(":", "_").replace("*", "_")
        line = render(template, context)
        with moto_lock():
            if stream_name not in group.streams:
                group.create_log_stream(stream_name)
            group.put_log_events(stream_name, [{"timestamp": int(epoch * 1000), "message": line}])
        return True
