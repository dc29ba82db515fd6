"""The DescribeTargetHealth patch: real health checks, in the tests/emulator/test_patches.py style.

Fails on unpatched moto 5.2.5, which answers ``healthy`` for every registered target at once.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from crossgate.emulator import EMULATOR_REGION, Emulator
from tests.workloads.builders import control, make_stack, targets, wait_for
from tests.workloads.conftest import PROVIDER_ACCOUNT, ClientFactory


class _Health(BaseHTTPRequestHandler):
    status = 200

    def do_GET(self) -> None:
        self.send_response(self.status if self.path == "/health" else 404)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *_: object) -> None:
        pass


@pytest.fixture()
def local_server() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Health)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()


def test_an_unreachable_target_is_not_healthy_and_a_mapped_one_is(
        emulator: Emulator, aws: ClientFactory, local_server: ThreadingHTTPServer) -> None:
    elbv2 = aws("elbv2")
    stack = make_stack(aws("ec2"), elbv2, aws("ecs"), 230)
    elbv2.register_targets(TargetGroupArn=stack.target_group_arn, Targets=[{"Id": "10.230.1.50", "Port": 8080}])
    [first] = targets(elbv2, stack.target_group_arn).values()
    assert first["State"] == "initial"  # moto: healthy
    assert first["Reason"] in ("Elb.RegistrationInProgress", "Elb.InitialHealthChecking")
    unhealthy = wait_for("unhealthy", lambda: (h := targets(elbv2, stack.target_group_arn)["10.230.1.50:8080"])
                         ["State"] == "unhealthy" and h, timeout=20)
    assert unhealthy["Reason"] == "Target.FailedHealthChecks"
    assert "PUT /_crossgate/workloads/targets" in unhealthy["Description"]
    mapping = {"account_id": PROVIDER_ACCOUNT, "region": EMULATOR_REGION, "ip": "10.230.1.50", "port": 8080,
               "local": f"127.0.0.1:{local_server.server_port}"}
    assert control(emulator.endpoint_url, "PUT", "targets", mapping)[0] == 200
    wait_for("healthy once mapped", lambda: targets(elbv2, stack.target_group_arn)["10.230.1.50:8080"]
             ["State"] == "healthy", timeout=20)
    _Health.status = 500
    try:
        failed = wait_for("unhealthy on 500", lambda: (h := targets(elbv2, stack.target_group_arn)["10.230.1.50:8080"])
                          ["State"] == "unhealthy" and h, timeout=25)
    finally:
        _Health.status = 200
    assert failed["Reason"] == "Target.FailedHealthChecks"  # an NLB target group: no ResponseCodeMismatch
    assert "[500]" in failed["Description"]
    control(emulator.endpoint_url, "DELETE", "targets", mapping)


def test_a_target_group_no_load_balancer_uses_reports_not_in_use(emulator: Emulator, aws: ClientFactory) -> None:
    elbv2 = aws("elbv2")
    stack = make_stack(aws("ec2"), elbv2, aws("ecs"), 231, attach=False)
    elbv2.register_targets(TargetGroupArn=stack.target_group_arn, Targets=[{"Id": "10.231.1.50", "Port": 8080}])
    verdict = wait_for("unused", lambda: (h := targets(elbv2, stack.target_group_arn)["10.231.1.50:8080"])
                       ["State"] == "unused" and h, timeout=10)
    assert verdict["Reason"] == "Target.NotInUse"


def test_an_alb_target_group_reports_response_code_mismatch(
        emulator: Emulator, aws: ClientFactory, local_server: ThreadingHTTPServer) -> None:
    elbv2, ec2 = aws("elbv2"), aws("ec2")
    stack = make_stack(ec2, elbv2, aws("ecs"), 232, protocol="HTTP", attach=False)
    group = ec2.create_security_group(GroupName="alb-232", Description="alb", VpcId=stack.vpc_id)["GroupId"]
    balancer = elbv2.create_load_balancer(Name="alb-232", Subnets=stack.subnet_ids, SecurityGroups=[group],
                                          Scheme="internal", Type="application")["LoadBalancers"][0]
    elbv2.create_listener(LoadBalancerArn=balancer["LoadBalancerArn"], Protocol="HTTP", Port=80,
                          DefaultActions=[{"Type": "forward", "TargetGroupArn": stack.target_group_arn}])
    elbv2.register_targets(TargetGroupArn=stack.target_group_arn, Targets=[{"Id": "10.232.1.50", "Port": 8080}])
    mapping = {"account_id": PROVIDER_ACCOUNT, "region": EMULATOR_REGION, "ip": "10.232.1.50", "port": 8080,
               "local": f"127.0.0.1:{local_server.server_port}"}
    elbv2.modify_target_group(TargetGroupArn=stack.target_group_arn, HealthCheckPath="/missing")
    assert control(emulator.endpoint_url, "PUT", "targets", mapping)[0] == 200
    verdict = wait_for("mismatch", lambda: (h := targets(elbv2, stack.target_group_arn)["10.232.1.50:8080"])
                       ["State"] == "unhealthy" and h, timeout=20)
    assert verdict["Reason"] == "Target.ResponseCodeMismatch"
    control(emulator.endpoint_url, "DELETE", "targets", mapping)
