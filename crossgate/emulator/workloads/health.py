"""Active health checks of target group targets, with the target group's own settings.

AWS facts followed (Elastic Load Balancing API reference ``TargetHealth``; "Health checks for
Network Load Balancer target groups"; ECS "Optimize load balancer health check parameters"):

* every registered target is checked every ``HealthCheckIntervalSeconds`` on the health check
  port (``traffic-port`` = the target's port), protocol and path; no answer within
  ``HealthCheckTimeoutSeconds`` is a failed check; an HTTP check passes when the status code is
  in the matcher (``200``, ``200,202``, ``200-399``);
* a newly registered target is ``initial`` (``Elb.RegistrationInProgress``, then
  ``Elb.InitialHealthChecking``) and "must pass one health check to be considered healthy";
  ``UnhealthyThresholdCount`` consecutive failures make it ``unhealthy``, ``HealthyThresholdCount``
  consecutive successes make an unhealthy target healthy again. (Unsure: how many failures AWS
  needs before an *initial* target turns unhealthy; the unhealthy threshold is used.)
* reasons: ``Target.ResponseCodeMismatch`` and ``Target.Timeout`` apply to Application (and
  Gateway) Load Balancers only; for Network Load Balancer target groups (TCP/TLS/UDP/TCP_UDP) every
  failure is ``Target.FailedHealthChecks``. A target group no load balancer uses is ``unused`` /
  ``Target.NotInUse``; disabled health checks give ``unavailable`` / ``Target.HealthCheckDisabled``;
  a deregistered target is ``draining`` / ``Target.DeregistrationInProgress`` for the
  deregistration delay.

One scheduler thread decides which checks are due; a small pool runs the blocking probes.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from crossgate.emulator.workloads.published import publish_health, target_key

NLB_PROTOCOLS = frozenset({"TCP", "TLS", "UDP", "TCP_UDP"})
USER_AGENT = "ELB-HealthChecker/2.0"


@dataclass(frozen=True)
class HealthSettings:
    """A target group's health check settings, as moto stores them."""

    protocol: str
    port: str
    path: str
    interval: float
    timeout: float
    healthy_threshold: int
    unhealthy_threshold: int
    matcher: str
    enabled: bool
    network: bool  # a Network Load Balancer target group: every failure is Target.FailedHealthChecks

    @classmethod
    def of(cls, group: Any) -> HealthSettings:
        protocol = str(group.health_check_protocol or group.protocol or "TCP").upper()
        matcher = getattr(group, "matcher", None) or {}
        return cls(
            protocol=protocol,
            port=str(group.health_check_port or "traffic-port"),
            path=str(group.health_check_path or "/"),
            interval=max(float(group.health_check_interval_seconds or 30), 1.0),
            timeout=max(float(group.health_check_timeout_seconds or 10), 0.5),
            healthy_threshold=max(int(group.healthy_threshold_count or 5), 1),
            unhealthy_threshold=max(int(group.unhealthy_threshold_count or 2), 1),
            matcher=str(matcher.get("HttpCode") or "200-399"),
            enabled=bool(getattr(group, "health_check_enabled", True)),
            network=str(group.protocol or "").upper() in NLB_PROTOCOLS,
        )

    def check_port(self, traffic_port: int) -> int:
        return traffic_port if self.port == "traffic-port" else int(self.port)


@dataclass(frozen=True)
class Probe:
    """One health check's outcome: passed, or the reason code and description of the failure."""

    ok: bool
    reason: str = ""
    description: str = ""


def code_matches(matcher: str, code: int) -> bool:
    for part in matcher.split(","):
        part = part.strip()
        if "-" in part:
            low, _, high = part.partition("-")
            if low.strip().isdigit() and high.strip().isdigit() and int(low) <= code <= int(high):
                return True
        elif part.isdigit() and int(part) == code:
            return True
    return False


def probe(settings: HealthSettings, host: str, port: int, target_host: str) -> Probe:
    """Run one check against ``host:port`` (the target's local address); never raises."""
    failed = "Target.FailedHealthChecks"
    try:
        if settings.protocol in ("HTTP", "HTTPS"):
            connection: http.client.HTTPConnection
            if settings.protocol == "HTTPS":
                context = ssl.create_default_context()
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE  # ELB does not validate target certificates
                connection = http.client.HTTPSConnection(host, port, timeout=settings.timeout, context=context)
            else:
                connection = http.client.HTTPConnection(host, port, timeout=settings.timeout)
            try:
                connection.request("GET", settings.path, headers={"Host": target_host, "User-Agent": USER_AGENT})
                status = connection.getresponse().status
            finally:
                connection.close()
            if code_matches(settings.matcher, status):
                return Probe(True)
            reason = failed if settings.network else "Target.ResponseCodeMismatch"
            return Probe(False, reason, f"Health checks failed with these codes: [{status}]")
        with socket.create_connection((host, port), timeout=settings.timeout):
            return Probe(True)
    except TimeoutError:
        reason = failed if settings.network else "Target.Timeout"
        return Probe(False, reason, "Request timed out")
    except (OSError, http.client.HTTPException) as error:
        return Probe(False, failed, f"Health checks failed ({type(error).__name__}: {error})")


@dataclass
class TargetState:
    """The running verdict on one target in one target group."""

    state: str = "initial"
    reason: str = "Elb.RegistrationInProgress"
    description: str = "Target registration is in progress"
    successes: int = 0
    failures: int = 0
    next_check: float = 0.0
    in_flight: bool = False

    def record(self) -> dict[str, str]:
        entry = {"State": self.state}
        if self.state != "healthy":
            entry["Reason"] = self.reason
            entry["Description"] = self.description
        return entry

    def apply(self, result: Probe, settings: HealthSettings) -> None:
        if result.ok:
            self.successes, self.failures = self.successes + 1, 0
            if self.state == "initial" or self.successes >= settings.healthy_threshold:
                self.state, self.reason, self.description = "healthy", "", ""
            return
        self.failures, self.successes = self.failures + 1, 0
        if self.state == "unhealthy" or self.failures >= settings.unhealthy_threshold:
            self.state, self.reason, self.description = "unhealthy", result.reason, result.description
        elif self.state == "initial":
            self.reason = "Elb.InitialHealthChecking"
            self.description = "Initial health checking in progress"


@dataclass(frozen=True)
class CheckTarget:
    """A registered target and where its health check really goes (None: nowhere on this machine)."""

    ip: str
    port: int
    local: tuple[str, int] | None
    unreachable: str = ""


@dataclass
class GroupTargets:
    """One target group's registered targets, gathered by the scheduler for a health tick."""

    account_id: str
    region: str
    group: Any
    in_use: bool
    targets: list[CheckTarget] = field(default_factory=list)


_Key = tuple[str, str, str, str, int]  # account, region, target group ARN, ip, port


class HealthChecker:
    """Due checks each tick, probes in a small pool, verdicts published on the moto target groups."""

    def __init__(self, workers: int = 4, clock: Callable[[], float] = time.monotonic) -> None:
        self._pool: ThreadPoolExecutor | None = None
        self._workers = workers
        self._clock = clock
        self._lock = threading.Lock()
        self._states: dict[_Key, TargetState] = {}
        self._draining: dict[_Key, float] = {}

    def start(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=self._workers, thread_name_prefix="crossgate-health")

    def stop(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def drain(self, account_id: str, region: str, arn: str, ip: str, port: int, seconds: float) -> None:
        """The target was deregistered: report it ``draining`` for ``seconds`` (the deregistration delay)."""
        with self._lock:
            key = (account_id, region, arn, ip, port)
            self._states.pop(key, None)
            if seconds > 0:
                self._draining[key] = self._clock() + seconds

    def state_of(self, account_id: str, region: str, arn: str, ip: str, port: int) -> TargetState | None:
        with self._lock:
            state = self._states.get((account_id, region, arn, ip, port))
            return None if state is None else TargetState(**vars(state))

    def tick(self, groups: list[GroupTargets]) -> None:
        """Start the checks that are due and publish every group's current verdicts."""
        now = self._clock()
        seen: set[_Key] = set()
        for entry in groups:
            arn = entry.group.arn
            settings = HealthSettings.of(entry.group)
            records: dict[str, dict[str, str]] = {}
            for target in entry.targets:
                key = (entry.account_id, entry.region, arn, target.ip, target.port)
                seen.add(key)
                records[target_key(target.ip, target.port)] = self._verdict(key, target, settings, entry.in_use, now)
            with self._lock:
                for key, until in list(self._draining.items()):
                    if key[2] != arn:
                        continue
                    if until <= now:
                        del self._draining[key]
                    elif target_key(key[3], key[4]) not in records:
                        records[target_key(key[3], key[4])] = {
                            "State": "draining", "Reason": "Target.DeregistrationInProgress",
                            "Description": "Target deregistration is in progress"}
            publish_health(entry.group, records)
        with self._lock:
            for key in [k for k in self._states if k not in seen]:
                del self._states[key]

    def _verdict(self, key: _Key, target: CheckTarget, settings: HealthSettings, in_use: bool,
                 now: float) -> dict[str, str]:
        if not in_use:
            return {"State": "unused", "Reason": "Target.NotInUse",
                    "Description": "Target group is not configured to receive traffic from the load balancer"}
        if not settings.enabled:
            return {"State": "unavailable", "Reason": "Target.HealthCheckDisabled",
                    "Description": "Health checks are disabled"}
        with self._lock:
            state = self._states.setdefault(key, TargetState(next_check=now))
            due = not state.in_flight and now >= state.next_check
            if due:
                state.in_flight = True
                state.next_check = now + settings.interval
                if state.reason == "Elb.RegistrationInProgress":
                    state.reason, state.description = "Elb.InitialHealthChecking", "Initial health checking in progress"
            record = state.record()
        if due:
            self._run(key, target, settings)
        return record

    def _run(self, key: _Key, target: CheckTarget, settings: HealthSettings) -> None:
        if target.local is None:
            self._apply(key, Probe(False, "Target.FailedHealthChecks", target.unreachable), settings)
            return
        if self._pool is None:
            self._apply(key, probe(settings, *target.local, f"{target.ip}:{target.port}"), settings)
            return
        host, port = target.local
        future = self._pool.submit(probe, settings, host, port, f"{target.ip}:{target.port}")
        future.add_done_callback(lambda done: None if done.cancelled() else self._apply(key, done.result(), settings))

    def _apply(self, key: _Key, result: Probe, settings: HealthSettings) -> None:
        with self._lock:
            state = self._states.get(key)
            if state is None:
                return
            state.in_flight = False
            state.apply(result, settings)
