"""Latency and throughput through the emulator's gateway vs straight to the service, side by side.

The service is the real demo workload (``python -m service``, a local process on 127.0.0.1); the
control plane is the two-account pattern built with boto3 in a running emulator (no terraform):
provider VPC, task ENI, NLB, listener, IP target group, endpoint service; central VPC, interface
endpoint, Cloud Map service, VPC link, HTTP API (HTTP_PROXY over the VPC link, ``overwrite:path``
as the central module sets it), routes, a ``$default`` stage with access logs. The target is mapped
to the service process with ``PUT /_crossgate/workloads/targets``. Each level of concurrency then runs
``GET /employees`` with keep-alive clients (one ``httpx.Client`` per worker thread), first straight to
the service ("direct"), then through the gateway URL ("gateway"), with a request budget and a time
bound: the load stops by itself. Only 127.0.0.1 traffic.
"""

from __future__ import annotations

import collections
import itertools
import json
import os
import re
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import httpx

from bench.common import load, process_cpu_seconds
from crossgate.emulator import EMULATOR_REGION, assume_role_arn, terraform_environment

# Accounts of their own: the tests' session emulator (tests/test_bench_gateway.py) also holds tests/dataplane's
# world in 111111111111 / 222222222222, and a target mapping is keyed by account, region, IP and port.
CENTRAL = "333333333333"
PROVIDER = "444444444444"
PORT = 8080
TARGET_IP = "10.1.1.50"
# The central module's access log format (modules/central/main.tf, local.access_log_format).
ACCESS_LOG_FORMAT = json.dumps({
    "requestId": "$context.requestId", "requestTime": "$context.requestTime",
    "sourceIp": "$context.identity.sourceIp", "httpMethod": "$context.httpMethod", "path": "$context.path",
    "routeKey": "$context.routeKey", "status": "$context.status", "protocol": "$context.protocol",
    "responseLength": "$context.responseLength", "responseLatency": "$context.responseLatency",
    "integrationStatus": "$context.integrationStatus", "integrationLatency": "$context.integrationLatency",
    "integrationErrorMessage": "$context.integrationErrorMessage", "errorMessage": "$context.error.message",
    "authorizerError": "$context.authorizer.error",
}, separators=(",", ":"))
# The central module's default (100/s, burst 200) would answer most of this load with 429: the stage here
# gets the account-level quota instead (10,000/s, burst 5,000), so every request reaches the service.
THROTTLING = {"ThrottlingRateLimit": 10000.0, "ThrottlingBurstLimit": 5000}
ROUTES = ("GET /employees", "POST /employees", "ANY /employees/{proxy+}", "GET /health")
EMPLOYEES = 5
PATH = "/employees"
# Requests per measurement, by concurrent clients (the largest level gets the most); time bound per measurement.
LEVELS = {1: 400, 8: 1200, 32: 2000}
TIME_LIMIT = 30.0


# ---------------------------------------------------------------------------------------------- control plane
def account_clients(endpoint_url: str) -> Callable[[str, str], Any]:
    """``make(account, service)``: a boto3 client acting in that account (STS assume-role), as the tests do."""
    env = terraform_environment(endpoint_url)
    base = boto3.Session(aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
                         aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"], region_name=EMULATOR_REGION)
    sessions: dict[str, boto3.Session] = {}
    clients: dict[tuple[str, str], Any] = {}

    def make(account_id: str, service: str) -> Any:
        if (account_id, service) in clients:
            return clients[(account_id, service)]
        if account_id not in sessions:
            sts = base.client("sts", endpoint_url=endpoint_url)
            creds = sts.assume_role(RoleArn=assume_role_arn(account_id), RoleSessionName="bench")["Credentials"]
            sessions[account_id] = boto3.Session(
                aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                aws_session_token=creds["SessionToken"], region_name=EMULATOR_REGION)
        clients[(account_id, service)] = sessions[account_id].client(service, endpoint_url=endpoint_url)
        return clients[(account_id, service)]

    return make


def _network(ec2: Any, cidr: str, subnets: list[str]) -> tuple[str, list[str]]:
    vpc_id = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    zones = [z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"]]
    ids = [ec2.create_subnet(VpcId=vpc_id, CidrBlock=block, AvailabilityZone=zones[i % len(zones)])["Subnet"]
           ["SubnetId"] for i, block in enumerate(subnets)]
    return vpc_id, ids


def _group(ec2: Any, vpc_id: str, name: str, *, source_group: str | None = None, cidr: str | None = None) -> str:
    group = str(ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc_id)["GroupId"])
    if source_group or cidr:
        permission: dict[str, Any] = {"IpProtocol": "tcp", "FromPort": PORT, "ToPort": PORT}
        if source_group:
            permission["UserIdGroupPairs"] = [{"GroupId": source_group}]
        if cidr:
            permission["IpRanges"] = [{"CidrIp": cidr}]
        ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[permission])
    return group


def build_control_plane(client: Callable[[str, str], Any]) -> str:
    """The provider and central accounts' resources, as crossgate's modules create them; returns the API id."""
    pec2, elbv2 = client(PROVIDER, "ec2"), client(PROVIDER, "elbv2")
    pvpc, psubnets = _network(pec2, "10.1.0.0/16", ["10.1.1.0/24", "10.1.2.0/24"])
    nlb_sg = _group(pec2, pvpc, "nlb", cidr="10.0.0.0/16")
    task_sg = _group(pec2, pvpc, "task", source_group=nlb_sg)
    pec2.create_network_interface(SubnetId=psubnets[0], Groups=[task_sg], PrivateIpAddress=TARGET_IP)
    nlb_arn = elbv2.create_load_balancer(Name="employees", Subnets=psubnets, Scheme="internal", Type="network",
                                         SecurityGroups=[nlb_sg])["LoadBalancers"][0]["LoadBalancerArn"]
    tg_arn = elbv2.create_target_group(
        Name="employees", Protocol="TCP", Port=PORT, VpcId=pvpc, TargetType="ip", HealthCheckProtocol="HTTP",
        HealthCheckPath="/health", HealthCheckIntervalSeconds=5,
        HealthCheckTimeoutSeconds=2)["TargetGroups"][0]["TargetGroupArn"]
    elbv2.register_targets(TargetGroupArn=tg_arn, Targets=[{"Id": TARGET_IP, "Port": PORT}])
    elbv2.create_listener(LoadBalancerArn=nlb_arn, Protocol="TCP", Port=PORT,
                          DefaultActions=[{"Type": "forward", "TargetGroupArn": tg_arn}])
    service = pec2.create_vpc_endpoint_service_configuration(NetworkLoadBalancerArns=[nlb_arn],
                                                             AcceptanceRequired=False)["ServiceConfiguration"]
    pec2.modify_vpc_endpoint_service_permissions(ServiceId=service["ServiceId"],
                                                 AddAllowedPrincipals=[f"arn:aws:iam::{CENTRAL}:root"])

    cec2 = client(CENTRAL, "ec2")
    cvpc, csubnets = _network(cec2, "10.0.0.0/16", ["10.0.1.0/24", "10.0.2.0/24"])
    link_sg = _group(cec2, cvpc, "link")
    vpce_sg = _group(cec2, cvpc, "vpce", source_group=link_sg)
    endpoint = cec2.create_vpc_endpoint(VpcId=cvpc, ServiceName=service["ServiceName"], VpcEndpointType="Interface",
                                        SubnetIds=csubnets, SecurityGroupIds=[vpce_sg])["VpcEndpoint"]
    enis = cec2.describe_network_interfaces(NetworkInterfaceIds=endpoint["NetworkInterfaceIds"])["NetworkInterfaces"]

    sd = client(CENTRAL, "servicediscovery")
    sd.create_http_namespace(Name="crossgate.internal")
    namespace_id = next(n["Id"] for n in sd.list_namespaces()["Namespaces"] if n["Name"] == "crossgate.internal")
    cm_service = sd.create_service(Name="employees", NamespaceId=namespace_id)["Service"]
    for i, ip in enumerate(sorted(e["PrivateIpAddress"] for e in enis)):
        sd.register_instance(ServiceId=cm_service["Id"], InstanceId=f"eni-{i}",
                             Attributes={"AWS_INSTANCE_IPV4": ip, "AWS_INSTANCE_PORT": str(PORT)})

    log_group = "/aws/apigateway/bench/access"
    client(CENTRAL, "logs").create_log_group(logGroupName=log_group)
    apigw = client(CENTRAL, "apigatewayv2")
    link_id = apigw.create_vpc_link(Name="bench", SubnetIds=csubnets, SecurityGroupIds=[link_sg])["VpcLinkId"]
    api_id = str(apigw.create_api(Name="bench", ProtocolType="HTTP")["ApiId"])
    integration_id = apigw.create_integration(
        ApiId=api_id, IntegrationType="HTTP_PROXY", IntegrationMethod="ANY", ConnectionType="VPC_LINK",
        ConnectionId=link_id, IntegrationUri=cm_service["Arn"], PayloadFormatVersion="1.0",
        RequestParameters={"overwrite:path": "$request.path"})["IntegrationId"]
    for key in ROUTES:
        apigw.create_route(ApiId=api_id, RouteKey=key, Target=f"integrations/{integration_id}",
                           AuthorizationType="NONE")
    apigw.create_stage(ApiId=api_id, StageName="$default", AutoDeploy=True, DefaultRouteSettings=THROTTLING,
                       AccessLogSettings={"DestinationArn": f"arn:aws:logs:{EMULATOR_REGION}:{CENTRAL}:log-group:"
                                                            f"{log_group}", "Format": ACCESS_LOG_FORMAT})
    return api_id


def map_target(endpoint_url: str, port: int) -> None:
    """Point the provider's target 10.1.1.50:8080 at the local service process (the workloads control call)."""
    mapping = {"account_id": PROVIDER, "region": EMULATOR_REGION, "ip": TARGET_IP, "port": PORT,
               "local": f"127.0.0.1:{port}"}
    response = httpx.put(f"{endpoint_url}/_crossgate/workloads/targets", json=mapping, timeout=30)
    response.raise_for_status()


def _wait_ok(url: str, timeout: float = 60.0, healthy_within: float = 12.0) -> None:
    """Until ``url`` answers 200, and for up to ``healthy_within`` s until the target's first health check passed
    (before it the NLB "fails open" to the unchecked target: it answers, but not on the usual path)."""
    started = time.monotonic()
    deadline, last = started + timeout, ""
    while time.monotonic() < deadline:
        try:
            response = httpx.get(url, timeout=5)
            if response.status_code == 200 and ("fails open" not in response.headers.get("x-crossgate-hop", "")
                                                or time.monotonic() - started > healthy_within):
                return
            last = f"{response.status_code} {response.headers.get('x-crossgate-hop', '')}"
        except httpx.HTTPError as error:
            last = repr(error)
        time.sleep(0.2)
    raise TimeoutError(f"{url} not answering 200 within {timeout:.0f} s (last: {last})")


@dataclass(frozen=True)
class Setup:
    """Where to send the load: the service process itself, and the same path through the gateway."""

    direct_url: str
    gateway_url: str
    service_pid: int
    emulator_pid: int | None
    control_plane_seconds: float
    gateway_headers: dict[str, str]
    floor_url: str  # a control call of the same emulator: its HTTP server without any gateway hop


@contextmanager
def gateway_setup(endpoint_url: str, emulator_pid: int | None, work: Path) -> Iterator[Setup]:
    """Start the service, build the control plane, map the target, create employees; stop the service on exit.

    The control plane is built while the service process starts (a thread: the emulator's first EC2 call in
    an account costs it seconds, the service's imports as many again).
    """
    from service.localrun import serve_local

    work.mkdir(parents=True, exist_ok=True)
    built: dict[str, Any] = {}

    def build() -> None:
        started = time.monotonic()
        try:
            built["api_id"] = build_control_plane(account_clients(endpoint_url))
        except BaseException as error:  # re-raised in the caller's thread
            built["error"] = error
        built["seconds"] = time.monotonic() - started

    builder = threading.Thread(target=build, name="control-plane", daemon=True)
    builder.start()
    with serve_local(work / "employees.db", work / "service.log") as service:
        builder.join()
        if "error" in built:
            raise built["error"]
        api_id, control_plane_seconds = built["api_id"], built["seconds"]
        map_target(endpoint_url, service.port)
        with httpx.Client(base_url=service.base_url, timeout=10) as http:
            if len(http.get(PATH).json()) < EMPLOYEES:
                for i in range(EMPLOYEES):
                    http.post(PATH, json={"firstName": f"First{i}", "lastName": f"Last{i}",
                                          "emailId": f"employee{i}@example.com"}).raise_for_status()
        gateway_base = f"{endpoint_url}/_crossgate/execute-api/{api_id}"
        _wait_ok(gateway_base + PATH)
        headers = httpx.get(gateway_base + PATH, timeout=10).headers
        shown = {k: headers.get(k, "") for k in ("connection", "server", "x-crossgate-hop")}
        yield Setup(service.base_url + PATH, gateway_base + PATH, service.process.pid, emulator_pid,
                    control_plane_seconds, shown, f"{endpoint_url}/_crossgate/workloads/targets")


# ---------------------------------------------------------------------------------------------- load
def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) with linear interpolation between closest ranks."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def measure(url: str, clients: int, requests: int, time_limit: float = TIME_LIMIT,
            cpu_pids: dict[str, int | None] | None = None) -> dict[str, Any]:
    """``requests`` GETs of ``url`` from ``clients`` keep-alive clients, or as many as fit in ``time_limit``.

    Each worker thread owns one ``httpx.Client`` and first sends one untimed request (the connection is
    set up before the clock starts). Latency is per request; throughput is completed requests over the
    wall time from the common start to the last answer. An error is a non-2xx answer or an exception.
    ``cpu_pids`` names processes whose CPU seconds over the timed part are recorded (``cpu_seconds``), besides
    this one's (``client``: the load generator shares the machine's cores with what it measures).
    """
    budget = itertools.count()
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    statuses: dict[str, int] = {}
    lock = threading.Lock()
    ready = threading.Barrier(clients + 1)
    deadline_box: list[float] = []

    def worker(index: int) -> None:
        with httpx.Client(timeout=30, limits=httpx.Limits(max_connections=1, max_keepalive_connections=1)) as http:
            with suppress(httpx.HTTPError):
                http.get(url).read()
            ready.wait()
            deadline = deadline_box[0]
            own = latencies[index]
            while next(budget) < requests and time.perf_counter() < deadline:
                started = time.perf_counter()
                try:
                    response = http.get(url)
                    ok = 200 <= response.status_code < 300
                    key = str(response.status_code)
                except httpx.HTTPError as error:
                    ok, key = False, type(error).__name__
                own.append(time.perf_counter() - started)
                if not ok:
                    errors[index] += 1
                    with lock:
                        statuses[key] = statuses.get(key, 0) + 1

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    pids = {"client": os.getpid(), **(cpu_pids or {})}
    load_before = load()
    cpu_before = {name: process_cpu_seconds(pid) for name, pid in pids.items()}
    deadline_box.append(time.perf_counter() + time_limit)
    started = time.perf_counter()
    ready.wait()
    for thread in threads:
        thread.join(time_limit + 60)
    seconds = time.perf_counter() - started
    cpu = {name: round(process_cpu_seconds(pid) - cpu_before[name], 3) for name, pid in pids.items()}
    every = [value * 1000 for own in latencies for value in own]
    done = len(every)
    return {
        "clients": clients, "requests_planned": requests, "requests": done, "seconds": round(seconds, 3),
        "time_limit": time_limit, "stopped_by": "budget" if done >= requests else "time",
        "p50_ms": round(percentile(every, 50), 3), "p99_ms": round(percentile(every, 99), 3),
        "mean_ms": round(statistics.fmean(every), 3) if every else float("nan"),
        "throughput_rps": round(done / seconds, 1) if seconds > 0 else 0.0,
        "errors": sum(errors), "error_kinds": statuses,
        "cpu_seconds": cpu, "cpu_ms_per_request": {name: round(value * 1000 / done, 3) if done else None
                                                   for name, value in cpu.items()},
        "load_before": load_before, "load_after": load(),
    }


def targets(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The three targets, met or missed, with the numbers they were judged on."""
    by_clients = {row["clients"]: row for row in rows}
    verdicts: dict[str, dict[str, Any]] = {}
    one = by_clients.get(1)
    if one:
        budget = one["direct"]["p50_ms"] + 3
        verdicts["p50_gateway_le_direct_plus_3ms"] = {
            "clients": 1, "gateway_p50_ms": one["gateway"]["p50_ms"], "limit_ms": round(budget, 3),
            "met": one["gateway"]["p50_ms"] <= budget,
            "all_levels": {str(r["clients"]): r["gateway"]["p50_ms"] <= r["direct"]["p50_ms"] + 3 for r in rows}}
    eight = by_clients.get(8)
    if eight:
        ratio = eight["gateway"]["throughput_rps"] / eight["direct"]["throughput_rps"]
        verdicts["throughput_8_clients_ge_half_direct"] = {"ratio": round(ratio, 3), "met": ratio >= 0.5}
    top = by_clients.get(32)
    if top:
        verdicts["zero_errors_32_clients"] = {"errors_gateway": top["gateway"]["errors"],
                                              "errors_direct": top["direct"]["errors"],
                                              "met": top["gateway"]["errors"] == 0 and top["direct"]["errors"] == 0}
    return verdicts


# Where the emulator's GIL-holding samples fall, first match wins (frame names as py-spy prints them).
PROFILE_BUCKETS = (
    ("backend call (ConnectionPool.send: http.client to the service)", "ConnectionPool.send"),
    ("gateway hops (Gateway.handle without the backend call)", "Gateway.handle"),
    ("access log + data-plane log line (_Counting.close)", "_Counting.close"),
    ("response body relay (_Counting.__iter__)", "_Counting.__iter__"),
    ("werkzeug request log line (log_request)", "WSGIRequestHandler.log_request"),
    ("werkzeug HTTP/1.0 request handling (parse, environ, headers)", "process_request_thread"),
    ("accept + one new thread per connection (serve_forever)", "serve_forever"),
)
_FRAME = re.compile(r"^(?P<name>.*?) \((?P<file>.*?)(?::\d+)?\)$")


def summarize_profile(raw: Path, top: int = 40) -> dict[str, Any]:
    """Shares of py-spy's raw (collapsed) samples: by bucket, and the functions with the largest inclusive share."""
    inclusive: collections.Counter[str] = collections.Counter()
    buckets: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        samples = int(count)
        total += samples
        names = []
        for frame in stack.split(";"):
            match = _FRAME.match(frame)
            if match:
                short = match["file"].split("site-packages/")[-1].split("/crossgate/emulator/")[-1]
                names.append(f"{match['name']} ({short})")
        for name in set(names):
            inclusive[name] += samples
        functions = {name.split(" (", 1)[0] for name in names}
        label = next((label for label, marker in PROFILE_BUCKETS
                      if any(f == marker or f.endswith("." + marker) for f in functions)), "other")
        buckets[label] += samples
    skip = ("Thread.", "BaseRequestHandler.", "BaseServer.", "ThreadingMixIn.", "_run_", "<module>")
    ranked = [(name, n) for name, n in inclusive.most_common() if not name.startswith(skip)][:top]
    return {"samples": total,  # lists, not objects: the JSON keeps them largest first
            "buckets": [[label, round(n / total, 3)] for label, n in buckets.most_common()] if total else [],
            "inclusive": [[name, round(n / total, 3)] for name, n in ranked] if total else []}


def profile_gateway(setup: Setup, raw: Path, clients: int = 1, seconds: float = 8.0) -> dict[str, Any]:
    """Gateway load at ``clients`` while ``py-spy record --gil`` samples the emulator child (CPU, not waiting)."""
    if setup.emulator_pid is None:
        return {"error": "no emulator pid"}
    raw.parent.mkdir(parents=True, exist_ok=True)
    command = ["py-spy", "record", "--pid", str(setup.emulator_pid), "--gil", "--rate", "200", "--nonblocking",
               "--duration", str(int(seconds) + 2), "--format", "raw", "--output", str(raw)]
    try:
        spy = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except FileNotFoundError:
        return {"error": "py-spy is not installed (pip install '.[bench]')"}
    time.sleep(1.0)  # attached before the load starts
    row = measure(setup.gateway_url, clients, 1_000_000, seconds,
                  {"service": setup.service_pid, "emulator": setup.emulator_pid})
    try:
        spy.wait(timeout=seconds + 30)
    except subprocess.TimeoutExpired:
        spy.kill()
        spy.wait()
    if spy.returncode != 0 or not raw.exists():
        return {"error": f"py-spy exited with {spy.returncode} (ptrace permission?)", "load": row}
    return {"clients": clients, "command": " ".join([*command[:2], "--pid", "<emulator>", *command[4:-1], raw.name]),
            "load": row, **summarize_profile(raw)}


def bench_gateway(endpoint_url: str, emulator_pid: int | None, work: Path,
                  levels: dict[int, int] | None = None, time_limit: float = TIME_LIMIT,
                  profile: Path | None = None,
                  save: Callable[[dict[str, Any]], None] | None = None) -> dict[str, Any]:
    """Every level, direct then gateway, in one emulator and one service process; returns the whole result.

    With ``profile`` (a path for py-spy's raw samples) one more gateway run at 1 client (the latency target's
    level) is profiled after the levels (not part of the table: sampling slows the emulator a little).
    """
    levels = levels or LEVELS
    rows: list[dict[str, Any]] = []
    with gateway_setup(endpoint_url, emulator_pid, work) as setup:
        pids = {"service": setup.service_pid, "emulator": setup.emulator_pid}
        measure(setup.direct_url, 4, 200, time_limit, pids)  # warm both paths (imports, pools, caches)
        measure(setup.gateway_url, 4, 200, time_limit, pids)
        for clients, requests in sorted(levels.items()):
            row = {"clients": clients,
                   "direct": measure(setup.direct_url, clients, requests, time_limit, pids),
                   "gateway": measure(setup.gateway_url, clients, requests, time_limit, pids)}
            rows.append(row)
            d, g = row["direct"], row["gateway"]
            print(f"gateway bench: {clients:>2} clients  direct p50 {d['p50_ms']:.2f} ms p99 {d['p99_ms']:.2f} "
                  f"{d['throughput_rps']:.0f}/s err {d['errors']}  |  gateway p50 {g['p50_ms']:.2f} ms "
                  f"p99 {g['p99_ms']:.2f} {g['throughput_rps']:.0f}/s err {g['errors']}", flush=True)
        # The emulator's own floor at 1 client: GET /_crossgate/workloads/targets (a control call answered from a
        # dict) goes through the same HTTP server and DataPlane dispatch, but no hop, no backend, no access log.
        floor = measure(setup.floor_url, 1, levels.get(1, 400), time_limit, pids)
        result: dict[str, Any] = {
            "path": PATH, "employees": EMPLOYEES, "control_plane_seconds": round(setup.control_plane_seconds, 2),
            "gateway_response_headers": setup.gateway_headers, "levels": rows, "targets": targets(rows),
            "emulator_floor_1_client": floor}
        if profile is not None:
            result["profile"] = profile_gateway(setup, profile)
        if save:
            save(result)
    return result


def main() -> int:
    """``python -m bench.gateway``: this step alone, in its own emulator, printed (bench.run saves it)."""
    from crossgate.emulator import Emulator

    with tempfile.TemporaryDirectory(prefix="crossgate-bench-gateway-") as tmp, \
            Emulator(state_dir=Path(tmp) / "emulator") as running:
        result = bench_gateway(running.endpoint_url, running.pid, Path(tmp) / "gateway",
                               profile=Path(tmp) / "gateway-profile.txt")
    print(json.dumps({"targets": result["targets"], "profile": result["profile"]}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
