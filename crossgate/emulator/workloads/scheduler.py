"""The emulator as ECS service scheduler for awsvpc (Fargate) services: one reconcile loop for all accounts.

ECS behaviour followed (Amazon ECS developer guide: "Amazon ECS services", "Deploy Amazon ECS
services by replacing tasks", "Use a Network Load Balancer for Amazon ECS"):

* a service keeps ``desiredCount`` tasks running; a task that stops (its essential container
  exits, StopTask) is replaced by a *new* task (new id, new ENI, new IP);
* tasks are spread across the service's subnets (Availability Zones);
* with a load balancer, ECS registers each task's private IP and ``containerPort`` in the target
  group (target type ``ip`` for awsvpc) once the task runs and deregisters it before stopping the
  task; the load balancer drains it for the deregistration delay first;
* a task that fails the load balancer's health checks is stopped and replaced;
* a new task definition revision is rolled out by starting new tasks (up to ``maximumPercent``,
  default 200 %) and stopping old ones as new ones pass their first health check;
* on stop, ECS sends SIGTERM, then SIGKILL after the container's ``stopTimeout`` (default 30 s).
* a container's ``secrets`` (Secrets Manager / SSM Parameter Store) are read when the task starts and
  put in its environment; one that cannot be read stops the task before any container starts
  (``TaskFailedToStart``, ``ResourceInitializationError: ...``; :mod:`.secrets`); while the emulator
  enforces IAM, the task execution role must be allowed to read each one (:mod:`.secret_access`).

Emulator simplifications (said where they happen): the deregistration delay is capped at
:data:`DRAIN_CAP_SECONDS`, the SIGTERM grace at :data:`STOP_GRACE_CAP_SECONDS`; ECS's task-launch
throttling of a crash-looping service is an exponential back-off up to 30 s; the healthCheck
grace period defaults to 0 as in AWS. Services whose task definition is not ``awsvpc`` (EC2
bridge/host networking on container instances) are left alone.
"""

from __future__ import annotations

import contextlib
import math
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crossgate.emulator.workloads import moto_state, secret_access, secrets, tasks
from crossgate.emulator.workloads.health import CheckTarget, GroupTargets, HealthChecker
from crossgate.emulator.workloads.mappings import ImageCommands, TargetMappings, expand
from crossgate.emulator.workloads.processes import LocalProcess, free_port, process_environment, spawn, stop_all
from crossgate.emulator.workloads.volumes import host_paths, translate

HOST = "127.0.0.1"
TICK_SECONDS = 0.5
DRAIN_CAP_SECONDS = 5.0
STOP_GRACE_CAP_SECONDS = 5.0
QUICK_EXIT_SECONDS = 10.0
BACKOFF_CAP_SECONDS = 30.0
PRUNE_EVERY_SECONDS = 60.0


def image_hint(image: str) -> str:
    """How to make an unmapped image run (the target's health description and the task's diagnostic)."""
    return (f"crossgate emulator: image {image!r} has no local command; map it with PUT /_crossgate/workloads/images "
            f'{{"image": "{image}", "command": ["{{python}}", "-m", "<module>", "--port", "{{port}}"]}}')


def target_hint(ip: str, port: int) -> str:
    return (f"crossgate emulator: nothing on this machine serves target {ip}:{port}; map it with PUT "
            f'/_crossgate/workloads/targets {{"account_id": ..., "region": ..., "ip": "{ip}", "port": {port}, '
            f'"local": "127.0.0.1:<port>"}}')


@dataclass
class ContainerRun:
    """One container of a task: its image, the port it serves and the local process (None: unmapped)."""

    name: str
    image: str
    essential: bool
    container_port: int | None
    log_path: Path
    local_port: int | None = None
    process: LocalProcess | None = None
    stop_timeout: float = 30.0
    start_error: str = ""

    @property
    def mapped(self) -> bool:
        return self.process is not None or bool(self.start_error)


@dataclass
class TaskRun:
    """A task the scheduler started, from PROVISIONING to STOPPED."""

    service_key: str
    account_id: str
    region: str
    record: tasks.TaskRecord
    task_definition_arn: str
    task_dir: Path
    containers: list[ContainerRun]
    targets: list[tuple[str, int]] = field(default_factory=list)
    phase: str = "RUNNING"  # RUNNING -> DRAINING -> STOPPING -> (gone)
    started: float = field(default_factory=time.monotonic)
    drain_until: float = 0.0
    stop_code: str = ""
    stop_reason: str = ""

    @property
    def arn(self) -> str:
        return str(self.record.task.task_arn)

    def essential_exit(self) -> ContainerRun | None:
        for container in self.containers:
            if container.essential and container.process is not None and container.process.exit_code() is not None:
                return container
            if container.essential and container.start_error:
                return container
        return None

    def listing(self) -> dict[str, Any]:
        return {
            "task_arn": self.arn,
            "account_id": self.account_id,
            "region": self.region,
            "cluster": self.record.task.cluster_name,
            "service": self.service_key.rsplit("/", 1)[-1],
            "task_definition_arn": self.task_definition_arn,
            "ip": self.record.ip,
            "subnet_id": self.record.subnet_id,
            "eni_id": self.record.eni_id,
            "status": self.phase,
            "task_dir": str(self.task_dir),
            "log_path": str(self.containers[0].log_path) if self.containers else "",
            "pid": next((c.process.pid for c in self.containers if c.process is not None), None),
            "local": next((f"{HOST}:{c.local_port}" for c in self.containers if c.process is not None), None),
            "targets": [{"target_group_arn": arn, "port": port} for arn, port in self.targets],
            "containers": [
                {
                    "name": c.name,
                    "image": c.image,
                    "container_port": c.container_port,
                    "local": f"{HOST}:{c.local_port}" if c.process is not None else None,
                    "pid": c.process.pid if c.process is not None else None,
                    "command": c.process.command if c.process is not None else None,
                    "log_path": str(c.log_path),
                    "mapped": c.mapped,
                    "diagnostic": c.start_error or ("" if c.mapped else image_hint(c.image)),
                }
                for c in self.containers
            ],
        }


def _deployment_percent(service: Any, name: str, default: int) -> int:
    config = getattr(service, "deployment_configuration", None) or {}
    value = config.get(name) if isinstance(config, dict) else None
    return int(value) if isinstance(value, int | str) and str(value).isdigit() else default


class Scheduler:
    """Reconciles every emulated ECS service with local processes; answers where a target's traffic goes."""

    def __init__(self, work_dir: Path, images: ImageCommands, targets: TargetMappings, health: HealthChecker) -> None:
        self.work_dir = work_dir
        self.images = images
        self.targets = targets
        self.health = health
        self._runs: dict[str, TaskRun] = {}
        self._lock = threading.RLock()
        self._backoff: dict[str, tuple[int, float]] = {}  # service key -> (quick exits, no start before)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_prune = 0.0

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="crossgate-scheduler", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the loop, then every process (SIGTERM, SIGKILL after a few seconds). moto's records stay:
        an emulator started again on the same state replaces those tasks as ECS replaces stopped ones."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        with self._lock:
            processes = [c.process for r in self._runs.values() for c in r.containers if c.process is not None]
            self._runs.clear()
        stop_all(processes, grace_seconds=3.0)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.tick()
            except Exception:  # one bad service must not stop the scheduler for every account
                traceback.print_exc(file=sys.stderr)
            self._stop.wait(TICK_SECONDS)

    # -- queries (any thread) --------------------------------------------------------------
    def local_address(self, account_id: str, region: str, ip: str, port: int) -> tuple[str, int] | None:
        with self._lock:
            for run in self._runs.values():
                if run.account_id != account_id or run.region != region or run.record.ip != ip:
                    continue
                for container in run.containers:
                    if (container.container_port == port and container.process is not None
                            and container.local_port is not None and container.process.exit_code() is None):
                        return HOST, container.local_port
        return None

    def unreachable(self, account_id: str, region: str, ip: str, port: int) -> str:
        """Why target ip:port has no local address (the health description)."""
        with self._lock:
            for run in self._runs.values():
                if run.account_id == account_id and run.region == region and run.record.ip == ip:
                    for container in run.containers:
                        if container.container_port == port and not container.mapped:
                            return image_hint(container.image)
                        if container.container_port == port and container.start_error:
                            return f"crossgate emulator: {container.start_error} (log: {container.log_path})"
                    return (f"crossgate emulator: the process of task {run.arn} serving port {port} is not running "
                            f"(log: {run.task_dir})")
        return target_hint(ip, port)

    def listing(self) -> list[dict[str, Any]]:
        with self._lock:
            return [run.listing() for run in self._runs.values()]

    # -- one reconcile pass ----------------------------------------------------------------
    def tick(self) -> None:
        now = time.monotonic()
        seen: set[str] = set()
        for ref in moto_state.ecs_services():
            seen.add(ref.key)
            self._reconcile(ref, now)
        with self._lock:
            orphans = [r for r in self._runs.values() if r.phase == "RUNNING" and r.service_key not in seen]
        for run in orphans:  # the service (or its whole backend) is gone
            self._begin_stop(run, "ServiceSchedulerInitiated", "Service deleted", now)
        self._advance_stopping(now)
        self.health.tick(self._health_groups())
        if now - self._last_prune >= PRUNE_EVERY_SECONDS:
            self._last_prune = now
            for _, _, backend in moto_state.ecs_backends():
                tasks.prune_stopped(backend)

    def _service_runs(self, key: str) -> list[TaskRun]:
        with self._lock:
            return [r for r in self._runs.values() if r.service_key == key and r.phase == "RUNNING"]

    def _reconcile(self, ref: moto_state.ServiceRef, now: float) -> None:
        service = ref.service
        runs = self._service_runs(ref.key)
        for run in runs:
            self._check_task(ref, run, now)
        runs = self._service_runs(ref.key)
        if service.status != "ACTIVE":
            for run in runs:
                self._begin_stop(run, "ServiceSchedulerInitiated", "Service deleted", now)
            return
        definition = moto_state.task_definition(ref.backend, service.task_definition)
        subnets = ((service.network_configuration or {}).get("awsvpcConfiguration") or {}).get("subnets") or []
        if definition is None or definition.network_mode != "awsvpc" or not subnets:
            return
        self._replace_stale_records(ref, {r.arn for r in runs})
        current = [r for r in runs if r.task_definition_arn == definition.arn]
        old = [r for r in runs if r.task_definition_arn != definition.arn]
        desired = int(service.desired_count or 0)
        maximum = max(desired, math.floor(desired * _deployment_percent(service, "maximumPercent", 200) / 100))
        to_start = desired - len(current)
        if old:
            to_start = min(to_start, maximum - len(current) - len(old))
        if to_start > 0 and now >= self._backoff.get(ref.key, (0, 0.0))[1]:
            try:
                for _ in range(to_start):
                    if not self._start_task(ref, definition, subnets, now):
                        break  # throttled from now on (a secret could not be read)
            except Exception:  # e.g. a subnet deleted under the service: retry later, not every tick
                traceback.print_exc(file=sys.stderr)
                self._backoff[ref.key] = (0, now + BACKOFF_CAP_SECONDS)
        if len(current) > desired:  # scale in: the newest go first (unsure which tasks ECS picks besides AZ balance)
            for run in sorted(current, key=lambda r: r.started, reverse=True)[: len(current) - desired]:
                self._begin_stop(run, "ServiceSchedulerInitiated", "Scaling activity initiated by (deployment)", now)
        ready = [r for r in current if self._ready(r)]
        surplus = len(old) + min(len(ready), desired) - desired
        for run in sorted(old, key=lambda r: r.started)[: max(surplus, 0)]:
            self._begin_stop(run, "ServiceSchedulerInitiated", "Deployment of a new task definition revision", now)
        live = self._service_runs(ref.key)
        running = [r for r in live if r.record.task.last_status == "RUNNING"]
        tasks.update_service_counts(service, len(running), len(live) - len(running))

    def _ready(self, run: TaskRun) -> bool:
        """A new task counts for a rollout once every target has left ``initial`` (first health check done)."""
        for arn, port in run.targets:
            state = self.health.state_of(run.account_id, run.region, arn, run.record.ip, port)
            if state is None or state.state == "initial":
                return False
        return True

    def _check_task(self, ref: moto_state.ServiceRef, run: TaskRun, now: float) -> None:
        task = run.record.task
        if task.desired_status == "STOPPED" or task.last_status == "STOPPED":  # StopTask
            self._begin_stop(run, "UserInitiated", task.stopped_reason or "Task stopped by user", now)
            return
        exited = run.essential_exit()
        if exited is not None:
            code = exited.process.exit_code() if exited.process is not None else None
            why = exited.start_error or f"Essential container in task exited (exit code {code}; log: {exited.log_path})"
            stop_code = "TaskFailedToStart" if exited.start_error else "EssentialContainerExited"
            self._begin_stop(run, stop_code, why, now)
            if now - run.started < QUICK_EXIT_SECONDS:
                self._throttle(ref.key, now)
            else:
                self._backoff.pop(ref.key, None)
            return
        grace = float(getattr(ref.service, "health_check_grace_period_seconds", 0) or 0)
        if now - run.started < grace or not all(c.process is not None for c in run.containers if c.essential):
            return
        for arn, port in run.targets:
            state = self.health.state_of(run.account_id, run.region, arn, run.record.ip, port)
            if state is not None and state.state == "unhealthy":
                self._begin_stop(run, "ServiceSchedulerInitiated",
                                 f"Task failed ELB health checks in (target-group {arn})", now)
                return

    def _replace_stale_records(self, ref: moto_state.ServiceRef, known: set[str]) -> None:
        """Tasks moto remembers (restored state) with no process behind them: stop them, free their targets."""
        for task in tasks.running_service_tasks(ref):
            if task.task_arn in known:
                continue
            ip, eni_id = tasks.task_ip(task)
            if ip:
                for balancer in ref.service.load_balancers or []:
                    arn, port = balancer.get("targetGroupArn"), balancer.get("containerPort")
                    if arn and port:
                        moto_state.deregister_target(ref.account_id, ref.region, arn, ip, int(port))
            if ip and eni_id:
                tasks.release_eni(ref.account_id, ref.region, eni_id, ip)
            tasks.mark_stopped(task, "TaskFailedToStart",
                               "crossgate emulator restarted: the task's local process is gone", {})

    def _pick_subnet(self, ref: moto_state.ServiceRef, subnets: list[str]) -> str:
        """The service's subnet with the fewest of its tasks (ECS spreads service tasks across AZs)."""
        counts = {s: 0 for s in subnets}
        for run in self._service_runs(ref.key):
            if run.record.subnet_id in counts:
                counts[run.record.subnet_id] += 1
        return min(subnets, key=lambda s: (counts[s], subnets.index(s)))

    def _start_task(self, ref: moto_state.ServiceRef, definition: Any, subnets: list[str], now: float) -> bool:
        """Start one task of the service; False when it failed to start (and the service is throttled)."""
        service = ref.service
        deployment: dict[str, Any] = next(iter(service.deployments or []), {})
        started_by = str(deployment.get("id") or "ecs-svc/crossgate")
        record = tasks.record_task(ref, definition, self._pick_subnet(ref, subnets), started_by)
        try:  # ECS retrieves every container's secrets before it starts any container, as the execution role
            authorize = secret_access.authorizer(definition, ref.account_id, str(record.task.id))
            injected = [secrets.resolve(d, ref.account_id, ref.region, authorize)
                        for d in definition.container_definitions]
        except secrets.SecretUnavailable as unavailable:
            self._fail_start(ref, record, unavailable.reason, now)
            return False
        task_dir = self.work_dir / "tasks" / str(record.task.id)
        balancers = service.load_balancers or []
        containers = [self._start_container(definition, d, task_dir, balancers, values)
                      for d, values in zip(definition.container_definitions, injected, strict=True)]
        run = TaskRun(ref.key, ref.account_id, ref.region, record, definition.arn, task_dir, containers, started=now)
        tasks.mark_running(record.task)
        for balancer in balancers:
            arn, port = balancer.get("targetGroupArn"), balancer.get("containerPort")
            if arn and port and moto_state.register_target(ref.account_id, ref.region, arn, record.ip, int(port)):
                run.targets.append((arn, int(port)))
        with self._lock:
            self._runs[run.arn] = run
        return True

    def _fail_start(self, ref: moto_state.ServiceRef, record: tasks.TaskRecord, reason: str, now: float) -> None:
        """A task whose secrets cannot be retrieved: PROVISIONING -> DEPROVISIONING -> STOPPED, no container run,
        never registered (ECS registers a task once it runs). The service keeps trying, throttled like a task
        whose container exits at once."""
        tasks.mark_status(record.task, "DEPROVISIONING")
        tasks.release_eni(ref.account_id, ref.region, record.eni_id, record.ip)
        tasks.mark_stopped(record.task, "TaskFailedToStart", reason, {})
        self._throttle(ref.key, now)

    def _throttle(self, key: str, now: float) -> None:
        """One more task of the service failed at once: no new one for 1 s, doubling up to the cap (ECS
        throttles a service whose tasks keep failing to start)."""
        count = self._backoff.get(key, (0, 0.0))[0] + 1
        self._backoff[key] = (count, now + min(2.0 ** (count - 1), BACKOFF_CAP_SECONDS))

    def _start_container(self, definition: Any, container: dict[str, Any], task_dir: Path,
                         balancers: list[dict[str, Any]], injected: dict[str, str]) -> ContainerRun:
        name = str(container.get("name") or "container")
        image = str(container.get("image") or "")
        port = next((int(b["containerPort"]) for b in balancers
                     if b.get("containerName") == name and b.get("containerPort")), None)
        if port is None:
            port = next((int(m["containerPort"]) for m in container.get("portMappings") or []
                         if m.get("containerPort")), None)
        log_path = task_dir / f"{name}.log"
        run = ContainerRun(name, image, bool(container.get("essential", True)), port, log_path,
                           stop_timeout=float(container.get("stopTimeout") or 30))
        command = self.images.command_for(image)
        if command is None:
            log_path.parent.mkdir(parents=True, exist_ok=True)
            log_path.write_text(image_hint(image) + "\n")
            return run
        paths = host_paths(definition.volumes, container, task_dir, self.work_dir / "efs")
        run.local_port = free_port(HOST)
        argv = [translate(arg, paths) for arg in expand(command, sys.executable, HOST, run.local_port)]
        environment = {str(e["name"]): translate(str(e.get("value", "")), paths)
                       for e in container.get("environment") or [] if e.get("name")}
        # ``secrets`` beside ``environment``. AWS does not document which wins when both name one variable; the
        # open-source ECS agent merges the secrets into the environment map last (the secret wins), and so does
        # the emulator (unsure for Fargate). Secret values are not path-translated and never logged.
        environment.update(injected)
        try:
            run.process = spawn(argv, process_environment(environment), task_dir / "cwd", log_path)
        except OSError as error:
            run.start_error = f"CannotStartContainerError: {argv[0]!r}: {error}"
            with log_path.open("a") as log:
                log.write(run.start_error + "\n")
        return run

    # -- stopping --------------------------------------------------------------------------
    def _begin_stop(self, run: TaskRun, stop_code: str, reason: str, now: float) -> None:
        """DEACTIVATING: deregister the task's targets; they drain for the (capped) deregistration delay."""
        if run.phase != "RUNNING":
            return
        run.phase, run.stop_code, run.stop_reason = "DRAINING", stop_code, reason
        tasks.mark_status(run.record.task, "DEACTIVATING")
        alive = any(c.process is not None and c.process.exit_code() is None for c in run.containers)
        delay = 0.0
        for arn, port in run.targets:
            moto_state.deregister_target(run.account_id, run.region, arn, run.record.ip, port)
            group = moto_state.target_group(run.account_id, run.region, arn)
            seconds = 0.0
            if group is not None and alive:
                with contextlib.suppress(TypeError, ValueError):
                    seconds = min(float(group.attributes.get("deregistration_delay.timeout_seconds", 300)),
                                  DRAIN_CAP_SECONDS)
            self.health.drain(run.account_id, run.region, arn, run.record.ip, port, seconds)
            delay = max(delay, seconds)
        run.drain_until = now + delay

    def _advance_stopping(self, now: float) -> None:
        with self._lock:
            stopping = [r for r in self._runs.values() if r.phase in ("DRAINING", "STOPPING")]
        for run in stopping:
            if run.phase == "DRAINING" and now >= run.drain_until:
                run.phase = "STOPPING"
                tasks.mark_status(run.record.task, "STOPPING")
                for container in run.containers:
                    if container.process is not None:
                        container.process.terminate()
            if run.phase == "STOPPING" and all(
                    c.process is None or c.process.reap(min(c.stop_timeout, STOP_GRACE_CAP_SECONDS))
                    for c in run.containers):
                self._finish(run)

    def _finish(self, run: TaskRun) -> None:
        """DEPROVISIONING -> STOPPED: the ENI goes, the record keeps the exit codes and why it stopped."""
        tasks.mark_status(run.record.task, "DEPROVISIONING")
        tasks.release_eni(run.account_id, run.region, run.record.eni_id, run.record.ip)
        codes = {c.name: c.process.exit_code() for c in run.containers if c.process is not None}
        tasks.mark_stopped(run.record.task, run.stop_code, run.stop_reason, codes)
        with self._lock:
            self._runs.pop(run.arn, None)

    # -- health ----------------------------------------------------------------------------
    def _health_groups(self) -> list[GroupTargets]:
        groups = []
        for account_id, region, group in moto_state.target_groups():
            entry = GroupTargets(account_id, region, group, in_use=bool(group.load_balancer_arns))
            for target in list(group.targets.values()):
                ip, port = str(target["Id"]), int(target.get("Port") or group.port)
                check_port = self._check_port(group, port)
                local = self.resolve(account_id, region, ip, check_port)
                hint = "" if local is not None else self.unreachable(account_id, region, ip, check_port)
                entry.targets.append(CheckTarget(ip, port, local, hint))
            groups.append(entry)
        return groups

    @staticmethod
    def _check_port(group: Any, port: int) -> int:
        configured = str(group.health_check_port or "traffic-port")
        return port if configured == "traffic-port" or not configured.isdigit() else int(configured)

    def resolve(self, account_id: str, region: str, ip: str, port: int) -> tuple[str, int] | None:
        """A scheduler task's container first, then a bring-your-own mapping."""
        return self.local_address(account_id, region, ip, port) or self.targets.local(account_id, region, ip, port)
