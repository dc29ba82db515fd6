"""`crossgate deploy --env local --keep-emulator` as a user runs it, with no emulator running: deploy starts its own
(crossgate/cli/context.py open_target), deploys, serves the env until Ctrl-C (flows.serve_until_interrupted), and
Ctrl-C stops everything it started. Meanwhile other shells use it: the gateway, `crossgate outputs`, boto3.

One deploy, in a child process; the emulator dies with it, so there is nothing to destroy.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from crossgate.cli.context import EMULATOR_URL_VARIABLE, load_env
from crossgate.config import Environment
from crossgate.emulator.client import EmulatorControl
from crossgate.ops.aws_sessions import AccountSessions
from crossgate.ops.probe import wait_until_served
from crossgate.ops.smoke import render_table, run_smoke
from crossgate.paths import REPO_ROOT
from crossgate.runner import processes
from tests.e2e.conftest import environment_without_emulator_url, hop

pytestmark = [pytest.mark.e2e, pytest.mark.terraform]

DEPLOY_SECONDS = 1200  # ~3 min alone; far more on a loaded machine
STARTED = re.compile(r"^crossgate: started a local AWS emulator at (http://\S+)$")
API_URL = re.compile(r"^API URL: (\S+)$")
GATEWAY_URL = re.compile(r"^Local gateway URL \(the emulator serves it on 127\.0\.0\.1\): (http://\S+)$")
UP = re.compile(r"^crossgate: the environment is up in the emulator at (http://\S+)\. In another shell:$")
READY = "Press Ctrl-C to continue."


def _cli(*args: str, env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "crossgate.cli", *args], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout, check=False)


# -- processes, read from /proc (what a user would see with ps) ------------------------------------------------
def _parent_of(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])  # after "pid (comm) state": the parent's pid


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return ""


def _descendants(root: int) -> dict[int, str]:
    """Every live process below ``root`` (the emulator child and its workloads run in sessions of their own)."""
    parents = {int(p.name): _parent_of(int(p.name)) for p in Path("/proc").iterdir() if p.name.isdigit()}
    found: dict[int, str] = {}
    frontier = [root]
    while frontier:
        parent = frontier.pop()
        for pid, ppid in parents.items():
            if ppid == parent and pid not in found:
                found[pid] = _cmdline(pid)
                frontier.append(pid)
    return found


def _alive(pid: int, cmdline: str) -> bool:
    """The same process still runs (not a new one that reuses the pid), and is no zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z" and _cmdline(pid) == cmdline


def _accepts_connections(address: str) -> bool:
    host, port = address.removeprefix("http://").split("/", 1)[0].rsplit(":", 1)
    try:
        with socket.create_connection((host, int(port)), timeout=2):
            return True
    except OSError:
        return False


def _wait_until(condition: Any, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


# -- the deploy that serves -----------------------------------------------------------------------------------
@dataclass
class Serving:
    """`crossgate deploy --keep-emulator` running in a child process, and what it printed so far."""

    process: subprocess.Popen[str]
    outdir: Path
    lines: list[str] = field(default_factory=list)
    printed: queue.Queue[str | None] = field(default_factory=queue.Queue)
    found: dict[str, str] = field(default_factory=dict)
    """The URLs read from its output: started (emulator), api, gateway, up (emulator)."""
    env: Environment = field(default_factory=lambda: load_env("local"))

    def read(self) -> None:
        """Reader thread: every line into ``lines`` and ``printed`` (None at the end)."""
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))
            self.printed.put(line.rstrip("\n"))
        self.printed.put(None)

    def output(self) -> str:
        return "\n".join(self.lines)

    def wait_until_ready(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        patterns = {"started": STARTED, "api": API_URL, "gateway": GATEWAY_URL, "up": UP}
        while True:
            try:
                line = self.printed.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"not up within {seconds} s:\n{self.output()[-4000:]}") from None
            if line is None:
                raise AssertionError(f"deploy exited ({self.process.wait()}) before serving:\n{self.output()[-4000:]}")
            for key, pattern in patterns.items():
                if match := pattern.match(line):
                    self.found[key] = match.group(1)
            if line == READY:
                return

    @property
    def emulator_url(self) -> str:
        return self.found["up"]

    @property
    def gateway_url(self) -> str:
        return self.found["gateway"]


def _stop(serving: Serving) -> None:
    """Whatever happened: Ctrl-C the deploy, then SIGKILL it and anything it started that still runs."""
    started = _descendants(serving.process.pid)
    if serving.process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(serving.process.pid, signal.SIGINT)
        try:  # mid-apply, terraform finishes its in-flight operations first (an NLB: minutes); not worth waiting
            serving.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(serving.process.pid, signal.SIGKILL)
            serving.process.wait()
    for pid, cmdline in started.items():
        if _alive(pid, cmdline):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def serving(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Serving]:
    outdir = tmp_path_factory.mktemp("own-emulator") / "cdktf.out"
    process = subprocess.Popen(
        [sys.executable, "-m", "crossgate.cli", "deploy", "--env", "local", "--keep-emulator", "--outdir",
         str(outdir)], cwd=REPO_ROOT, env=environment_without_emulator_url(), text=True, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, start_new_session=True,  # its own process group: Ctrl-C as a terminal sends it
        # started as a POSIX shell starts `cmd &` (SIGINT ignored): Ctrl-C must still end the serving
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    running = Serving(process, outdir)
    reader = threading.Thread(target=running.read, daemon=True)
    reader.start()
    try:
        running.wait_until_ready(DEPLOY_SECONDS)
        yield running
    finally:
        _stop(running)
        reader.join(timeout=10)


# -- while it serves --------------------------------------------------------------------------------------------
def test_deploy_started_its_own_emulator_and_says_how_to_use_it(serving: Serving) -> None:
    output = serving.output()
    assert serving.found["started"] == serving.emulator_url
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", serving.emulator_url)
    assert re.fullmatch(re.escape(serving.emulator_url) + r"/_crossgate/execute-api/\w+", serving.gateway_url)
    assert re.search(r"^local-provider-employee +applied ", output, re.M)
    assert re.search(r"^local-central +applied ", output, re.M)
    assert f"  export {EMULATOR_URL_VARIABLE}={serving.emulator_url}" in output
    assert f"  curl {serving.gateway_url}<route path>   (the gateway)" in output
    assert "the emulator started for this deploy stops now" not in output
    assert "Traceback" not in output


def test_the_gateway_answers_through_the_data_plane(serving: Serving) -> None:
    probes = wait_until_served(serving.env, serving.gateway_url)
    assert all(p.reached_the_service for p in probes), probes
    report = run_smoke(serving.gateway_url)
    assert report.ok, render_table(report)
    response = httpx.get(serving.gateway_url + "/employees", timeout=35)
    assert response.status_code == 200, (response.text, hop(response))
    assert re.search(r"-> [\d.]+:8080", hop(response)), hop(response)  # through PrivateLink to a task


def test_outputs_from_another_shell_are_the_deployed_ones(serving: Serving, tmp_path: Path) -> None:
    """`export CROSSGATE_EMULATOR_URL=<url>; crossgate outputs --json`, as the deploy says; read from the
    emulator's state bucket (its own --outdir: nothing of the deploy's folder is reused)."""
    env = {**environment_without_emulator_url(), EMULATOR_URL_VARIABLE: serving.emulator_url}
    result = _cli("outputs", "--env", "local", "--json", "--outdir", str(tmp_path / "cdktf.out"), env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    outputs = json.loads(result.stdout)
    central, provider = outputs["local-central"], outputs["local-provider-employee"]
    assert central["api_endpoint"] == serving.found["api"]
    assert serving.gateway_url.endswith(f"/_crossgate/execute-api/{central['api_id']}")
    assert f"endpoint service {provider['endpoint_service_name']}" in serving.output()
    ips = central["services"]["employee"]["endpoint_eni_ips"]
    assert len(ips) == 2 and f"endpoint ENI IPs {', '.join(ips)}" in serving.output()
    gateway = _cli("outputs", "--env", "local", "--gateway-url", "--outdir", str(tmp_path / "cdktf.out"), env=env)
    assert (gateway.returncode, gateway.stdout.strip()) == (0, serving.gateway_url), gateway.stderr


def test_boto3_against_the_emulator_sees_the_api_and_the_endpoints(serving: Serving) -> None:
    sessions = AccountSessions(emulator_url=serving.emulator_url)
    central, employee = serving.env.config.central, serving.env.config.services["employee"]
    api_id = serving.gateway_url.rsplit("/", 1)[1]
    apis = sessions.client(central, "apigatewayv2").get_apis()["Items"]
    assert [(a["ApiId"], a["ProtocolType"], a["ApiEndpoint"]) for a in apis] == [
        (api_id, "HTTP", serving.found["api"])]
    configs = sessions.client(employee, "ec2").describe_vpc_endpoint_service_configurations()["ServiceConfigurations"]
    assert len(configs) == 1 and configs[0]["ServiceState"] == "Available"
    endpoints = sessions.client(central, "ec2").describe_vpc_endpoints()["VpcEndpoints"]
    assert [(e["OwnerId"], e["ServiceName"], e["VpcEndpointType"], e["State"]) for e in endpoints] == [
        (central.account_id, configs[0]["ServiceName"], "Interface", "available")]
    assert len(endpoints[0]["NetworkInterfaceIds"]) == 2, "one ENI per central subnet (az_count 2)"


# -- Ctrl-C (last: it ends the module's deploy) ---------------------------------------------------------------
def test_ctrl_c_exits_cleanly_and_leaves_nothing_running(serving: Serving) -> None:
    tasks = EmulatorControl(serving.emulator_url).tasks()
    workloads = [t["local"] for t in tasks if t.get("local")]
    assert len(workloads) == 2, tasks  # desired_count 2, each a local process
    started = _descendants(serving.process.pid)
    assert any("crossgate.emulator --child" in cmdline for cmdline in started.values()), started
    assert _accepts_connections(serving.emulator_url) and all(_accepts_connections(w) for w in workloads)

    os.killpg(serving.process.pid, signal.SIGINT)  # what Ctrl-C in its terminal sends
    code = serving.process.wait(timeout=120)

    output = serving.output()
    assert code == 0, output[-4000:]  # Ctrl-C is how --keep-emulator is meant to end: "Press Ctrl-C to continue."
    assert "Traceback" not in output and "unexpected error" not in output, output[-4000:]
    assert not _accepts_connections(serving.emulator_url), "the emulator still listens"
    assert _wait_until(lambda: not any(_accepts_connections(w) for w in workloads), 10), "a workload still listens"
    assert _wait_until(lambda: not any(_alive(p, c) for p, c in started.items()), 10), \
        {p: c for p, c in started.items() if _alive(p, c)}
    left = processes.working_in(serving.outdir, below=True)
    assert left == [], f"terraform (or its provider) still runs in the deploy's folder: {left}"


# -- no emulator where the URL points -----------------------------------------------------------------------
def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.mark.parametrize("given_by", ["--emulator-url", EMULATOR_URL_VARIABLE])
def test_deploy_to_an_emulator_url_where_nothing_listens_says_so(given_by: str, tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{_closed_port()}"
    outdir = tmp_path / "cdktf.out"
    args = ["deploy", "--env", "local", "--outdir", str(outdir)]
    env = environment_without_emulator_url()
    if given_by == EMULATOR_URL_VARIABLE:
        env[EMULATOR_URL_VARIABLE] = url
    else:
        args += ["--emulator-url", url]
    started = time.monotonic()
    result = _cli(*args, env=env, timeout=120)
    assert result.returncode == 1, result.stdout + result.stderr
    source = f"${EMULATOR_URL_VARIABLE}" if given_by == EMULATOR_URL_VARIABLE else "--emulator-url"
    assert result.stderr.startswith(f"crossgate: the emulator at {url} (from {source}) could not be reached: "
                                    "Connection refused; fix: start one with `crossgate emulator`"), result.stderr
    assert "this command then starts its own" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert not outdir.exists(), "refused before anything was synthesized"
    assert time.monotonic() - started < 30
