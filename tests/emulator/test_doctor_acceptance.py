"""`crossgate doctor` on an endpoint waiting for acceptance: the check fails and says how the owner accepts it."""

from __future__ import annotations

import shlex
import uuid
from pathlib import Path

from conftest import CENTRAL_ACCOUNT, PROVIDER_ACCOUNT, AccountClient
from emulator_network import make_internal_nlb, make_network

from crossgate import names
from crossgate.config import load_environment
from crossgate.emulator import EMULATOR_REGION, Emulator
from crossgate.ops.aws_sessions import AccountSessions
from crossgate.ops.doctor import run_doctor

NLB_ARN = f"arn:aws:elasticloadbalancing:{EMULATOR_REGION}:{PROVIDER_ACCOUNT}:loadbalancer/net/billing/0123456789abcdef"
ENV = f"""\
target: emulator
central:
  account_id: "{CENTRAL_ACCOUNT}"
  region: {EMULATOR_REGION}
  network: {{cidr: 10.10.0.0/16, az_count: 2}}
  api: {{name: pending-api}}
services:
  billing:
    account_id: "{PROVIDER_ACCOUNT}"
    region: {EMULATOR_REGION}
    port: 80
    routes: ["ANY /billing/{{proxy+}}"]
    authorization: none
    acceptance_required: true
    workload:
      nlb_arn: "{NLB_ARN}"
"""


def test_pending_endpoint_check_names_the_accept_command_that_makes_it_available(
    emulator: Emulator, account_client: AccountClient, tmp_path: Path
) -> None:
    owner, consumer = account_client(PROVIDER_ACCOUNT, "ec2"), account_client(CENTRAL_ACCOUNT, "ec2")
    octet = uuid.uuid4().int % 40 + 100
    provider_net = make_network(owner, f"10.{octet}.0.0/16", [f"10.{octet}.1.0/24"])
    nlb = make_internal_nlb(account_client(PROVIDER_ACCOUNT, "elbv2"), f"nlb-{uuid.uuid4().hex[:8]}",
                            provider_net.subnet_ids)
    service = owner.create_vpc_endpoint_service_configuration(
        NetworkLoadBalancerArns=[nlb], AcceptanceRequired=True)["ServiceConfiguration"]
    owner.modify_vpc_endpoint_service_permissions(
        ServiceId=service["ServiceId"], AddAllowedPrincipals=[f"arn:aws:iam::{CENTRAL_ACCOUNT}:root"])
    central_net = make_network(consumer, f"10.{octet + 50}.0.0/16", [f"10.{octet + 50}.1.0/24"])
    endpoint_id = consumer.create_vpc_endpoint(
        VpcId=central_net.vpc_id, ServiceName=service["ServiceName"], VpcEndpointType="Interface",
        SubnetIds=central_net.subnet_ids)["VpcEndpoint"]["VpcEndpointId"]

    (tmp_path / "pending.yaml").write_text(ENV)
    env = load_environment(tmp_path / "pending.yaml")
    outputs = {
        names.central_stack(env.name): {"api_id": "pending", "services": {"billing": {"endpoint_id": endpoint_id}}},
        names.provider_stack(env.name, "billing"): {"endpoint_service_id": service["ServiceId"]},
    }
    sessions = AccountSessions(emulator_url=emulator.endpoint_url)
    [check] = [c for c in run_doctor(env, outputs, sessions) if c.name == f"billing: endpoint {endpoint_id} available"]
    assert not check.ok and check.detail == "state pendingacceptance"
    assert f"account {PROVIDER_ACCOUNT}" in check.fix
    command = check.fix.split("accepts the connection: ", 1)[1].split(" (", 1)[0]
    assert command == (f"aws ec2 accept-vpc-endpoint-connections --region {EMULATOR_REGION} "
                       f"--service-id {service['ServiceId']} --vpc-endpoint-ids {endpoint_id}")

    # Doing what the check says (the same call, in the owner's account) makes the endpoint available.
    args = shlex.split(command)
    assert args[:3] == ["aws", "ec2", "accept-vpc-endpoint-connections"]
    owner.accept_vpc_endpoint_connections(ServiceId=args[args.index("--service-id") + 1],
                                          VpcEndpointIds=[args[args.index("--vpc-endpoint-ids") + 1]])
    [check] = [c for c in run_doctor(env, outputs, sessions) if c.name == f"billing: endpoint {endpoint_id} available"]
    assert check.ok, check
