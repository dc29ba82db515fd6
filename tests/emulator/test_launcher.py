"""The launcher: settings handed to Terraform, child-process lifecycle, the foreground command."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import boto3
import pytest

from crossgate.emulator import (
    EMULATOR_REGION,
    HOST,
    PROVIDER_ENDPOINT_SERVICES,
    STATE_BUCKET,
    Emulator,
    EmulatorError,
    assume_role_arn,
    backend_settings,
    provider_settings,
    terraform_environment,
)
from crossgate.emulator.patches import PATCHES

URL = "http://127.0.0.1:5555"


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/moto-api/", timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers kill(0); it is dead for our purpose.
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(") ")[1].startswith("Z"))


def _wait_until(predicate: object, timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(0.1)
    return False


# -- settings ----------------------------------------------------------------------------------
def test_provider_settings_point_every_service_at_the_emulator() -> None:
    settings = provider_settings(URL)
    [endpoints] = settings["endpoints"]  # type: ignore[misc]
    assert endpoints == {service: URL for service in PROVIDER_ENDPOINT_SERVICES}
    for needed in ("ec2", "ecs", "elbv2", "logs", "iam", "sts", "servicediscovery", "apigatewayv2", "s3",
                   "lambda", "kms", "acm", "route53"):
        assert needed in endpoints
    assert settings["skip_requesting_account_id"] is False  # ARNs must carry the assumed account
    assert settings["skip_credentials_validation"] is True
    assert settings["skip_metadata_api_check"] is True
    assert settings["s3_use_path_style"] is True


def test_backend_settings_use_the_emulator_bucket_with_native_locking() -> None:
    settings = backend_settings(URL)
    assert settings["bucket"] == STATE_BUCKET
    assert settings["region"] == EMULATOR_REGION
    assert settings["use_lockfile"] is True
    assert settings["endpoints"] == {"s3": URL, "sts": URL}
    assert settings["use_path_style"] is True
    assert "key" not in settings  # one per stack, chosen by the caller


def test_terraform_environment_drops_inherited_aws_variables() -> None:
    base = {"PATH": "/bin", "AWS_PROFILE": "prod", "AWS_SESSION_TOKEN": "real", "AWS_ENDPOINT_URL_S3": "x"}
    env = terraform_environment(URL, base)
    assert env["PATH"] == "/bin"
    assert {"AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL_S3"}.isdisjoint(env)
    assert env["AWS_ACCESS_KEY_ID"] and env["AWS_SECRET_ACCESS_KEY"]
    assert env["AWS_SHARED_CREDENTIALS_FILE"] == os.devnull
    assert terraform_environment(URL).keys() == {k for k in env if k.startswith("AWS_")}


@pytest.mark.parametrize("bad", ["11111111111", "1111111111111", "abcdefghijkl"])
def test_assume_role_arn_rejects_bad_account_ids(bad: str) -> None:
    with pytest.raises(ValueError, match="12 digits"):
        assume_role_arn(bad)


def test_assume_role_arn_names_the_account() -> None:
    assert assume_role_arn("222222222222") == "arn:aws:iam::222222222222:role/crossgate"


# -- lifecycle ---------------------------------------------------------------------------------
def test_start_stop_and_log(tmp_path: Path) -> None:
    emulator = Emulator(state_dir=tmp_path)
    assert not emulator.is_running() and emulator.pid is None
    url = emulator.start()
    try:
        assert url.startswith(f"http://{HOST}:") and url == emulator.endpoint_url
        assert emulator.is_running() and _answers(url)
        assert emulator.pid is not None and Path(f"/proc/{emulator.pid}").is_dir()
        assert emulator.start() == url  # idempotent
    finally:
        emulator.stop()
    assert not emulator.is_running() and not _answers(url) and emulator.pid is None
    assert (tmp_path / "emulator.log").exists()
    emulator.stop()  # stopping twice is harmless


def _client(url: str, service: str) -> Any:
    env = terraform_environment(url)
    return boto3.client(service, endpoint_url=url, region_name=EMULATOR_REGION,
                        aws_access_key_id=env["AWS_ACCESS_KEY_ID"], aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"])


def test_persisted_state_survives_a_restart_on_the_same_folder(tmp_path: Path) -> None:
    first = Emulator(state_dir=tmp_path, persist=True)
    url = first.start()
    assert first.restored_services == 0
    try:
        ec2, elbv2, s3 = (_client(url, name) for name in ("ec2", "elbv2", "s3"))
        vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.1.0/24")["Subnet"]["SubnetId"]
        nlb = elbv2.create_load_balancer(Name="kept", Subnets=[subnet], Scheme="internal",
                                         Type="network")["LoadBalancers"][0]["LoadBalancerArn"]
        s3.put_object(Bucket=STATE_BUCKET, Key="env/stack.tfstate", Body=b'{"serial": 7}')
    finally:
        first.stop()
    state_file = tmp_path / "state.pickle"
    assert state_file.stat().st_mode & 0o777 == 0o600

    second = Emulator(state_dir=tmp_path, persist=True)
    url = second.start()
    try:
        assert second.restored_services > 0
        ec2, elbv2, s3 = (_client(url, name) for name in ("ec2", "elbv2", "s3"))
        assert ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"][0]["CidrBlock"] == "10.9.0.0/16"
        [balancer] = elbv2.describe_load_balancers(LoadBalancerArns=[nlb])["LoadBalancers"]
        assert [zone["SubnetId"] for zone in balancer["AvailabilityZones"]] == [subnet]
        assert s3.get_object(Bucket=STATE_BUCKET, Key="env/stack.tfstate")["Body"].read() == b'{"serial": 7}'
        ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.2.0/24")  # the restored VPC is live, not a copy
        assert len(ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]) == 2
    finally:
        second.stop()


def test_without_persist_a_restart_starts_empty(tmp_path: Path) -> None:
    with Emulator(state_dir=tmp_path) as first:
        vpc = _client(first.endpoint_url, "ec2").create_vpc(CidrBlock="10.8.0.0/16")["Vpc"]["VpcId"]
    assert not (tmp_path / "state.pickle").exists()
    with Emulator(state_dir=tmp_path) as second:
        vpcs = _client(second.endpoint_url, "ec2").describe_vpcs()["Vpcs"]
        assert vpc not in [v["VpcId"] for v in vpcs]


def test_persist_needs_a_state_dir() -> None:
    with pytest.raises(ValueError, match="state_dir"):
        Emulator(persist=True)


def test_listens_on_loopback_only() -> None:
    with Emulator() as emulator:
        port = int(emulator.endpoint_url.rsplit(":", 1)[1])
        listening = Path("/proc/net/tcp").read_text().splitlines()[1:]
        local = {line.split()[1] for line in listening if line.split()[3] == "0A"}  # 0A = LISTEN
        assert f"0100007F:{port:04X}" in local
        assert f"00000000:{port:04X}" not in local


def test_busy_port_fails_with_the_log_tail() -> None:
    with socket.socket() as busy:
        busy.bind((HOST, 0))
        busy.listen()
        emulator = Emulator(port=busy.getsockname()[1])
        with pytest.raises(EmulatorError, match="Address already in use"):
            emulator.start()
        assert not emulator.is_running()


def test_child_dies_with_its_parent(tmp_path: Path) -> None:
    script = (
        "import sys, time\n"
        "from crossgate.emulator import Emulator\n"
        "e = Emulator(); e.start()\n"
        "print(e._process.pid, e.endpoint_url, flush=True)\n"
        "time.sleep(600)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout is not None
        child_pid_text, url = parent.stdout.readline().split()
        child_pid = int(child_pid_text)
        assert _answers(url)
        parent.kill()  # no chance to clean up
        parent.wait()
        assert _wait_until(lambda: not _pid_alive(child_pid)), "emulator outlived its parent"
    finally:
        if parent.poll() is None:
            parent.kill()


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_module_runs_in_the_foreground_until_interrupted(stop: signal.Signals) -> None:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port = probe.getsockname()[1]
    command = subprocess.Popen(  # started as a shell's `cmd &` would be: SIGINT ignored
        [sys.executable, "-m", "crossgate.emulator", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    try:
        assert command.stdout is not None
        first_line = command.stdout.readline()
        url = f"http://{HOST}:{port}"
        assert url in first_line
        assert _answers(url)
        command.send_signal(stop)
        _, stderr = command.communicate(timeout=60)  # the parent gives its child up to 10 s to stop
        assert command.returncode == 0, stderr
        assert _wait_until(lambda: not _answers(url))
    finally:
        if command.poll() is None:
            command.kill()


def test_child_handshake_reports_port_and_patches() -> None:
    child = subprocess.Popen(
        [sys.executable, "-m", "crossgate.emulator", "--child", "--port", "0"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
    )
    try:
        assert child.stdout is not None and child.stdin is not None
        handshake = json.loads(child.stdout.readline())
        assert handshake["port"] > 0
        # every registered patch is applied in the child, in registry order, each once
        assert handshake["patches"] == [patch.name for patch in PATCHES]
        assert {"availability-zones-per-account", "vpc-endpoint-acceptance", "apigatewayv2-update-stage",
                "efs-put-backup-policy"} <= set(handshake["patches"])
        child.stdin.close()  # EOF on stdin: the child shuts down by itself
        assert child.wait(timeout=10) == 0
    finally:
        if child.poll() is None:
            child.kill()
