"""Through a real emulator child process: boto3 builds the pattern, urllib calls the gateway URL.

The target is mapped to the test's local HTTP server with the workloads control call
(``PUT /_crossgate/workloads/targets``), as a bring-your-own-NLB user would map theirs.
"""

from __future__ import annotations

import http.client
import json
import statistics
import time
import urllib.error
import urllib.request
from typing import Any

from crossgate.emulator import Emulator
from tests.dataplane.world import CENTRAL, LOG_GROUP, PORT, PROVIDER, REGION, TARGET_IP, World, build
from tests.emulator.conftest import account_client, base_session, emulator

__all__ = ["account_client", "base_session", "emulator"]  # the emulator tests' session fixtures


def call(url: str, method: str = "GET", body: bytes | None = None,
         headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def test_gateway_in_the_emulator_child(emulator: Emulator, account_client: Any,
                                       echo_server: tuple[str, int]) -> None:
    world: World = build(account_client)
    mapping = {"account_id": PROVIDER, "region": REGION, "ip": TARGET_IP, "port": PORT,
               "local": f"{echo_server[0]}:{echo_server[1]}"}
    status, _, text = call(f"{emulator.endpoint_url}/_crossgate/workloads/targets", "PUT",
                           json.dumps(mapping).encode(), {"content-type": "application/json"})
    assert status == 200, text
    base = f"{emulator.endpoint_url}/_crossgate/execute-api/{world.api_id}"

    status, headers, text = call(f"{base}/v1/items/42?q=1")
    assert status == 200, (headers.get("x-crossgate-hop"), text)
    assert json.loads(text)["path"] == "/items/42?q=1"
    assert headers["x-crossgate-hop"].startswith("workload; 200") and headers["apigw-requestid"]
    request_id = headers["apigw-requestid"]

    keep_alive = http.client.HTTPConnection(emulator.endpoint_url.removeprefix("http://"), timeout=30)
    durations = []
    for _ in range(20):
        started = time.perf_counter()
        keep_alive.request("GET", f"/_crossgate/execute-api/{world.api_id}/items/1")
        assert keep_alive.getresponse().read()
        durations.append(time.perf_counter() - started)
    keep_alive.close()
    assert statistics.median(durations) < 0.03, durations  # keep-alive requests stay fast (no 40 ms ACK stalls)

    host = f"{world.api_id}.execute-api.localhost"
    assert call(f"{emulator.endpoint_url}/items/1", headers={"Host": host})[0] == 200

    ec2 = account_client(CENTRAL, "ec2")  # a control-plane change is seen by the next request
    ec2.revoke_security_group_ingress(GroupId=world.vpce_sg, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": PORT, "ToPort": PORT, "UserIdGroupPairs": [{"GroupId": world.link_sg}]}])
    status, headers, text = call(f"{base}/items/1")
    assert (status, json.loads(text)) == (503, {"message": "Service Unavailable"})
    assert headers["x-crossgate-hop"].startswith("endpoint-sg;")

    # The gateway writes a request's access-log line once it has sent the response, so the client can read
    # the log before its last line lands (AWS delivers access logs asynchronously too): read until it does.
    logs = account_client(CENTRAL, "logs")
    deadline = time.monotonic() + 10
    while True:
        events = logs.filter_log_events(logGroupName=LOG_GROUP)["events"]
        lines = {json.loads(e["message"])["requestId"]: json.loads(e["message"]) for e in events}
        if "503" in {line["status"] for line in lines.values()} or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert lines[request_id]["status"] == "200" and lines[request_id]["routeKey"] == "GET /items/{id}"
    assert "503" in {line["status"] for line in lines.values()}


def test_traffic_flows_again_after_a_restart_on_the_same_state(tmp_path: Any, echo_server: tuple[str, int]) -> None:
    """An emulator stopped and started on its state dir serves the same API: moto's state, the target
    mapping and the data plane all come back (AWS does not forget a gateway when a client goes away)."""
    from crossgate.config import Credentials
    from crossgate.emulator.client import EmulatorControl
    from crossgate.ops.aws_sessions import AccountSessions

    def clients(url: str) -> Any:
        sessions = AccountSessions(emulator_url=url)
        return lambda account, service: sessions.client(
            Credentials(account_id=account, region=REGION, role_arn=f"arn:aws:iam::{account}:role/crossgate"),
            service)

    first = Emulator(state_dir=tmp_path, persist=True)
    url = first.start()
    try:
        world = build(clients(url))
        EmulatorControl(url).map_target(PROVIDER, REGION, TARGET_IP, PORT, f"{echo_server[0]}:{echo_server[1]}")
        assert call(f"{url}/_crossgate/execute-api/{world.api_id}/items/1")[0] == 200
    finally:
        first.stop()
    second = Emulator(state_dir=tmp_path, persist=True)
    url = second.start()
    try:
        status, headers, _ = call(f"{url}/_crossgate/execute-api/{world.api_id}/items/1")
        assert status == 200, headers.get("x-crossgate-hop")
    finally:
        second.stop()
