"""`crossgate doctor`: check a deployed environment against what it should be, one line per check.

Terraform state says what was applied; doctor asks AWS (or the emulator) what is true now: endpoints
available, Cloud Map instances equal to the endpoints' current ENI IPs and port, integrations on the
VPC link and their Cloud Map service, endpoint services still allowing the central account; then a
live request per service through the gateway (the emulator names the hop that refused it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from crossgate import names
from crossgate.config import Environment
from crossgate.ops.aws_sessions import AccountSessions


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""


def run_doctor(env: Environment, outputs: dict[str, dict[str, Any]], sessions: AccountSessions) -> list[Check]:
    """Every check for every service; `outputs` are the stacks' terraform outputs keyed by stack name."""
    central_outputs = outputs.get(names.central_stack(env.name)) or {}
    if not central_outputs.get("api_id"):
        return [Check("deployed", False, f"{env.name}-central has no outputs",
                      f"deploy it first: crossgate deploy --env {env.name}")]
    checks: list[Check] = []
    for name in env.config.services:
        wiring = (central_outputs.get("services") or {}).get(name) or {}
        provider_outputs = outputs.get(names.provider_stack(env.name, name)) or {}
        for check in (_endpoint_and_instances, _integration, _endpoint_service_permissions):
            try:
                checks.extend(check(env, name, wiring, central_outputs, provider_outputs, sessions))
            except (ClientError, BotoCoreError) as exc:
                checks.append(Check(f"{name}: {check.__name__.strip('_').replace('_', ' ')}", False,
                                    f"AWS call failed: {exc}", "check credentials and that the stack is deployed"))
    return checks


def _endpoint_and_instances(env: Environment, name: str, wiring: dict[str, Any], central_outputs: dict[str, Any],
                            provider_outputs: dict[str, Any], sessions: AccountSessions) -> list[Check]:
    central = env.config.central
    service = env.config.services[name]
    ec2 = sessions.client(central, "ec2")
    endpoint_id = wiring.get("endpoint_id")
    endpoints = ec2.describe_vpc_endpoints(VpcEndpointIds=[endpoint_id])["VpcEndpoints"] if endpoint_id else []
    if not endpoints:
        return [Check(f"{name}: endpoint", False, f"endpoint {endpoint_id} not found",
                      f"re-deploy: crossgate deploy --env {env.name} --stack {names.central_stack(env.name)}")]
    endpoint = endpoints[0]
    state = str(endpoint.get("State", "")).lower()
    checks = [Check(f"{name}: endpoint {endpoint_id} available", state == "available", f"state {state}",
                    _endpoint_fix(env, name, state, endpoint, provider_outputs))]
    eni_ids = endpoint.get("NetworkInterfaceIds", [])
    enis = ec2.describe_network_interfaces(NetworkInterfaceIds=eni_ids)["NetworkInterfaces"] if eni_ids else []
    eni_ips = sorted(eni["PrivateIpAddress"] for eni in enis)

    discovery = sessions.client(central, "servicediscovery")
    service_arn = str(wiring.get("cloudmap_service_arn", ""))
    service_id = service_arn.rsplit("/", 1)[-1]
    instances = discovery.list_instances(ServiceId=service_id)["Instances"] if service_id else []
    registered = sorted(i["Attributes"].get("AWS_INSTANCE_IPV4", "") for i in instances)
    ports = {i["Attributes"].get("AWS_INSTANCE_PORT") for i in instances}
    checks.append(Check(
        f"{name}: Cloud Map instances = endpoint ENI IPs", registered == eni_ips and bool(eni_ips),
        f"registered {registered}, ENIs {eni_ips}",
        "re-apply the central stack to re-register: "
        f"crossgate deploy --env {env.name} --stack {names.central_stack(env.name)}"))
    checks.append(Check(
        f"{name}: Cloud Map instances on port {service.port}", ports == {str(service.port)},
        f"ports {sorted(p or '-' for p in ports)}",
        f"re-apply the central stack: crossgate deploy --env {env.name} --stack {names.central_stack(env.name)}"))
    return checks


def _endpoint_fix(env: Environment, name: str, state: str, endpoint: dict[str, Any],
                  provider_outputs: dict[str, Any]) -> str:
    """How to make the endpoint available. A pending one waits for the service owner: AWS PrivateLink guide,
    "Accept and reject endpoint connection requests" (AcceptVpcEndpointConnections, ServiceId and
    VpcEndpointId.N, called in the account owning the endpoint service)."""
    if state != "pendingacceptance":
        return f"re-deploy: crossgate deploy --env {env.name} --stack {names.central_stack(env.name)}"
    service = env.config.services[name]
    # An endpoint service name ends in its id (com.amazonaws.vpce.<region>.vpce-svc-...).
    service_id = provider_outputs.get("endpoint_service_id") or str(endpoint.get("ServiceName", "")).rsplit(".", 1)[-1]
    return (f"the service has acceptance_required: its owner, account {service.account_id}, accepts the connection: "
            f"aws ec2 accept-vpc-endpoint-connections --region {service.region} --service-id {service_id} "
            f"--vpc-endpoint-ids {endpoint['VpcEndpointId']} (or reject it: reject-vpc-endpoint-connections)")


def _integration(env: Environment, name: str, wiring: dict[str, Any], central_outputs: dict[str, Any],
                 provider_outputs: dict[str, Any], sessions: AccountSessions) -> list[Check]:
    api = sessions.client(env.config.central, "apigatewayv2")
    integration = api.get_integration(ApiId=central_outputs["api_id"], IntegrationId=wiring.get("integration_id", ""))
    expected = (wiring.get("cloudmap_service_arn"), "VPC_LINK", central_outputs.get("vpc_link_id"))
    found = (integration.get("IntegrationUri"), integration.get("ConnectionType"), integration.get("ConnectionId"))
    return [Check(f"{name}: integration targets its Cloud Map service over the VPC link", found == expected,
                  f"uri/connection {found}", f"re-apply the central stack of {env.name}")]


def _endpoint_service_permissions(env: Environment, name: str, wiring: dict[str, Any],
                                  central_outputs: dict[str, Any], provider_outputs: dict[str, Any],
                                  sessions: AccountSessions) -> list[Check]:
    service = env.config.services[name]
    service_id = provider_outputs.get("endpoint_service_id")
    ec2 = sessions.client(service, "ec2")
    allowed = [p["Principal"] for p in ec2.describe_vpc_endpoint_service_permissions(
        ServiceId=service_id)["AllowedPrincipals"]] if service_id else []
    account = env.config.central.account_id
    ok = any(f":iam::{account}:" in principal for principal in allowed)
    return [Check(f"{name}: endpoint service allows the central account {account}", ok, f"allowed {allowed}",
                  f"re-apply {names.provider_stack(env.name, name)} (allowed_principals) "
                  f"in account {service.account_id}")]


def render_checks(checks: list[Check]) -> str:
    lines = []
    for check in checks:
        line = f"{'PASS' if check.ok else 'FAIL'}  {check.name}  ({check.detail})"
        if not check.ok and check.fix:
            line += f"\n      fix: {check.fix}"
        lines.append(line)
    failed = sum(not c.ok for c in checks)
    lines.append(f"{len(checks) - failed} checks passed, {failed} failed")
    return "\n".join(lines)


def live_checks(env: Environment, gateway_url: str) -> list[Check]:
    """One request per service through the gateway; against the emulator the failing hop is named."""
    from crossgate.ops.probe import probe_services

    checks = []
    for probe in probe_services(env, gateway_url):
        answered = f"{probe.status}" if probe.status is not None else probe.error
        detail = f"{probe.method} {probe.path} -> {answered}" + (f"; hop {probe.hop}" if probe.hop else "")
        checks.append(Check(f"{probe.service}: a request through the gateway reaches the service",
                            probe.reached_the_service, detail,
                            "the hop named above refused it; fix that resource (or re-deploy to restore it)"))
    return checks
