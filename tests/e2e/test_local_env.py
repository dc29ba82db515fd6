"""envs/local.yaml deployed for real (terraform + aws provider) into the two-account emulator."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from crossgate import emulator
from crossgate.config import load_environment
from crossgate.ops.diagram import mermaid
from crossgate.ops.doctor import run_doctor
from crossgate.ops.review import build_review, render_json, render_markdown
from crossgate.ops.smoke import render_table, run_smoke
from crossgate.paths import ENVS, REPO_ROOT
from crossgate.runner.orchestrate import Orchestrator
from crossgate.runner.terraform import Terraform, TerraformError
from crossgate.synth import synthesize
from tests.e2e.conftest import Deployment, deploy, hop

pytestmark = [pytest.mark.e2e, pytest.mark.terraform]

CENTRAL = "111111111111"
PROVIDER = "222222222222"


@pytest.fixture(scope="module")
def local(emulator_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    deployment = deploy(ENVS / "local.yaml", emulator_url, tmp_path_factory.mktemp("cdktf.out"))
    yield deployment
    deployment.orchestrator.run("destroy")  # no-op when the last test already destroyed everything


def test_deploy_applies_every_stack(local: Deployment) -> None:
    assert [(o.stack, o.status) for o in local.outcomes] == [
        ("local-provider-employee", "applied"), ("local-central", "applied")], local.outcomes


def test_endpoint_service_lives_in_the_provider_account_and_allows_central(local: Deployment) -> None:
    outputs = local.outputs()["local-provider-employee"]
    ec2 = local.provider_client("employee", "ec2")
    (config,) = ec2.describe_vpc_endpoint_service_configurations(
        ServiceIds=[outputs["endpoint_service_id"]])["ServiceConfigurations"]
    assert config["ServiceName"] == outputs["endpoint_service_name"]
    assert config["AcceptanceRequired"] is False
    assert any(f":{PROVIDER}:" in arn for arn in config["NetworkLoadBalancerArns"])
    principals = ec2.describe_vpc_endpoint_service_permissions(
        ServiceId=outputs["endpoint_service_id"])["AllowedPrincipals"]
    assert [p["Principal"] for p in principals] == [f"arn:aws:iam::{CENTRAL}:root"]


def test_endpoint_lives_in_the_central_account(local: Deployment) -> None:
    outputs = local.outputs()
    wiring = outputs["local-central"]["services"]["employee"]
    (endpoint,) = local.central_client("ec2").describe_vpc_endpoints(
        VpcEndpointIds=[wiring["endpoint_id"]])["VpcEndpoints"]
    assert endpoint["OwnerId"] == CENTRAL
    assert endpoint["VpcEndpointType"] == "Interface"
    assert endpoint["ServiceName"] == outputs["local-provider-employee"]["endpoint_service_name"]
    assert len(endpoint["NetworkInterfaceIds"]) == 2, "one ENI per central subnet (az_count 2)"


def test_cloud_map_instances_are_exactly_the_endpoint_eni_ips(local: Deployment) -> None:
    wiring = local.outputs()["local-central"]["services"]["employee"]
    ec2 = local.central_client("ec2")
    (endpoint,) = ec2.describe_vpc_endpoints(VpcEndpointIds=[wiring["endpoint_id"]])["VpcEndpoints"]
    enis = ec2.describe_network_interfaces(NetworkInterfaceIds=endpoint["NetworkInterfaceIds"])["NetworkInterfaces"]
    eni_ips = sorted(eni["PrivateIpAddress"] for eni in enis)
    instances = local.central_client("servicediscovery").list_instances(
        ServiceId=wiring["cloudmap_service_arn"].rsplit("/", 1)[-1])["Instances"]
    assert sorted(i["Attributes"]["AWS_INSTANCE_IPV4"] for i in instances) == eni_ips
    assert {i["Attributes"]["AWS_INSTANCE_PORT"] for i in instances} == {"8080"}
    assert sorted(wiring["endpoint_eni_ips"]) == eni_ips


def test_integration_and_routes(local: Deployment) -> None:
    central = local.outputs()["local-central"]
    wiring = central["services"]["employee"]
    api = local.central_client("apigatewayv2")
    integration = api.get_integration(ApiId=central["api_id"], IntegrationId=wiring["integration_id"])
    assert integration["IntegrationUri"] == wiring["cloudmap_service_arn"]
    assert integration["ConnectionType"] == "VPC_LINK"
    assert integration["ConnectionId"] == central["vpc_link_id"]
    assert integration["PayloadFormatVersion"] == "1.0"
    assert integration["RequestParameters"] == {"overwrite:path": "$request.path"}
    routes = {r["RouteKey"]: r for r in api.get_routes(ApiId=central["api_id"])["Items"]}
    assert set(routes) == {"ANY /employees", "ANY /employees/{proxy+}"}
    assert {r["Target"] for r in routes.values()} == {f"integrations/{wiring['integration_id']}"}


def _get(url: str) -> httpx.Response:
    return httpx.get(url, timeout=35)


def _wait_for(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {seconds} s waiting for {what}")
        time.sleep(0.5)


def _task_ips(local: Deployment) -> set[str]:
    ecs = local.provider_client("employee", "ecs")
    arns = ecs.list_tasks(cluster="local-employee", desiredStatus="RUNNING")["taskArns"]
    tasks = ecs.describe_tasks(cluster="local-employee", tasks=arns)["tasks"] if arns else []
    running = [t for t in tasks if t["lastStatus"] == "RUNNING" and t["group"] == "service:local-employee"]
    return {detail["value"] for task in running
            for attachment in task["attachments"] for detail in attachment["details"]
            if detail["name"] == "privateIPv4Address"}


def _healthy_targets(local: Deployment) -> set[str]:
    elbv2 = local.provider_client("employee", "elbv2")
    (group,) = elbv2.describe_target_groups(Names=["local-employee"])["TargetGroups"]
    health = elbv2.describe_target_health(TargetGroupArn=group["TargetGroupArn"])["TargetHealthDescriptions"]
    return {h["Target"]["Id"] for h in health if h["TargetHealth"]["State"] == "healthy"}


def test_the_seed_scenario_passes_through_the_gateway(local: Deployment) -> None:
    """The README's curl scenario: client -> HTTP API -> VPC link -> Cloud Map -> endpoint -> PrivateLink ->
    NLB -> a Fargate task of the provider account, which really runs (python -m service)."""
    _wait_for(lambda: len(_healthy_targets(local)) == 2, 90, "both tasks healthy")
    report = run_smoke(local.gateway_url())
    assert report.ok, render_table(report)


def test_requests_spread_over_both_tasks(local: Deployment) -> None:
    ips = _task_ips(local)
    assert len(ips) == 2, ips
    seen = set()
    for _ in range(40):
        response = _get(local.gateway_url() + "/employees")
        assert response.status_code == 200, (response.text, hop(response))
        seen.update(ip for ip in ips if f"-> {ip}:8080" in hop(response))
    assert seen == ips


def test_access_log_lines_carry_status_and_route_key(local: Deployment) -> None:
    central = local.outputs()["local-central"]
    assert _get(local.gateway_url() + "/employees/999999").status_code == 404  # the service's own 404
    api = local.central_client("apigatewayv2")
    stage = api.get_stage(ApiId=central["api_id"], StageName="$default")
    group = stage["AccessLogSettings"]["DestinationArn"].split(":log-group:", 1)[1].removesuffix(":*")
    logs = local.central_client("logs")

    def lines() -> list[dict[str, Any]]:
        return [json.loads(e["message"]) for e in logs.filter_log_events(logGroupName=group)["events"]]

    _wait_for(lambda: any(line.get("status") == "404" for line in lines()), 10, "the access log line")
    routes = {(line.get("routeKey"), line.get("status")) for line in lines()}
    assert ("ANY /employees", "200") in routes and ("ANY /employees/{proxy+}", "404") in routes


def test_each_break_answers_as_aws_and_names_thehop(local: Deployment) -> None:
    outputs = local.outputs()
    wiring = outputs["local-central"]["services"]["employee"]
    url = local.gateway_url() + "/employees"
    central_ec2 = local.central_client("ec2")
    (endpoint,) = central_ec2.describe_vpc_endpoints(VpcEndpointIds=[wiring["endpoint_id"]])["VpcEndpoints"]
    endpoint_sg = endpoint["Groups"][0]["GroupId"]

    def broken(expected_hop: str) -> None:
        response = _get(url)
        assert (response.status_code, response.json(), hop(response).split(";")[0]) == (
            503, {"message": "Service Unavailable"}, expected_hop), hop(response)

    # the endpoint's security group stops admitting the VPC link
    rules = central_ec2.describe_security_group_rules(
        Filters=[{"Name": "group-id", "Values": [endpoint_sg]}])["SecurityGroupRules"]
    ingress = [r for r in rules if not r["IsEgress"]]
    central_ec2.revoke_security_group_ingress(GroupId=endpoint_sg,
                                              SecurityGroupRuleIds=[r["SecurityGroupRuleId"] for r in ingress])
    broken("endpoint-sg")
    # the VPC link's security group stops letting traffic out (ingress back first)
    assert all(o.ok for o in local.orchestrator.run("deploy"))
    assert _get(url).status_code == 200
    link = local.central_client("apigatewayv2").get_vpc_link(VpcLinkId=outputs["local-central"]["vpc_link_id"])
    link_sg = link["SecurityGroupIds"][0]
    rules = central_ec2.describe_security_group_rules(
        Filters=[{"Name": "group-id", "Values": [link_sg]}])["SecurityGroupRules"]
    central_ec2.revoke_security_group_egress(
        GroupId=link_sg, SecurityGroupRuleIds=[r["SecurityGroupRuleId"] for r in rules if r["IsEgress"]])
    broken("vpc-link-sg")
    # a Cloud Map instance on the wrong port
    assert all(o.ok for o in local.orchestrator.run("deploy"))
    discovery = local.central_client("servicediscovery")
    service_id = wiring["cloudmap_service_arn"].rsplit("/", 1)[-1]
    for instance in discovery.list_instances(ServiceId=service_id)["Instances"]:
        discovery.register_instance(ServiceId=service_id, InstanceId=instance["Id"],
                                    Attributes={**instance["Attributes"], "AWS_INSTANCE_PORT": "9999"})
    response = _get(url)
    assert response.status_code == 503 and "9999" in hop(response), hop(response)
    # the target deregistered from the NLB's target group
    assert all(o.ok for o in local.orchestrator.run("deploy"))
    elbv2 = local.provider_client("employee", "elbv2")
    (group,) = elbv2.describe_target_groups(Names=["local-employee"])["TargetGroups"]
    targets = [h["Target"] for h in elbv2.describe_target_health(
        TargetGroupArn=group["TargetGroupArn"])["TargetHealthDescriptions"]]
    elbv2.deregister_targets(TargetGroupArn=group["TargetGroupArn"], Targets=targets)
    broken("target-group")
    # the central account removed from the endpoint service's principals: the existing connection stays
    # (AWS checks principals when an endpoint connects), so traffic flows, and the diagnostic says why
    elbv2.register_targets(TargetGroupArn=group["TargetGroupArn"], Targets=targets)
    provider_ec2 = local.provider_client("employee", "ec2")
    provider_ec2.modify_vpc_endpoint_service_permissions(
        ServiceId=outputs["local-provider-employee"]["endpoint_service_id"],
        RemoveAllowedPrincipals=[f"arn:aws:iam::{CENTRAL}:root"])
    response = _get(url)
    assert response.status_code == 200, hop(response)
    assert all(o.ok for o in local.orchestrator.run("deploy"))
    assert _get(url).status_code == 200


def test_a_stopped_task_is_replaced_and_all_stopped_is_503(local: Deployment) -> None:
    url = local.gateway_url() + "/employees"
    ecs = local.provider_client("employee", "ecs")
    before = _task_ips(local)
    arns = ecs.list_tasks(cluster="local-employee", desiredStatus="RUNNING")["taskArns"]
    ecs.stop_task(cluster="local-employee", task=arns[0], reason="e2e")
    # one of two stopped: traffic keeps flowing while ECS starts a replacement with a new IP
    for _ in range(10):
        assert _get(url).status_code == 200
    _wait_for(lambda: len(_healthy_targets(local)) == 2 and _task_ips(local) != before, 90, "a replacement task")
    # every task gone: the NLB has nothing to send to
    ecs.update_service(cluster="local-employee", service="local-employee", desiredCount=0)
    _wait_for(lambda: not _task_ips(local), 60, "the tasks to stop")
    _wait_for(lambda: _get(url).status_code == 503, 30, "503 with no task")
    assert hop(_get(url)).startswith("target-group"), hop(_get(url))
    ecs.update_service(cluster="local-employee", service="local-employee", desiredCount=2)
    _wait_for(lambda: len(_healthy_targets(local)) == 2, 90, "both tasks back")
    assert _get(url).status_code == 200


def test_replan_has_no_changes(local: Deployment) -> None:
    assert {o.stack: o.status for o in local.orchestrator.run("plan")} == {
        "local-provider-employee": "unchanged", "local-central": "unchanged"}


def _cli(local: Deployment, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """The real command line on this deployment: same emulator, same synth folder (so the same stacks)."""
    return subprocess.run(
        [sys.executable, "-m", "crossgate.cli", *args, "--env", "local", "--outdir", str(local.manifest.outdir),
         "--emulator-url", local.sessions.emulator_url or ""],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=timeout, check=False)


def test_cli_outputs_json_and_summary(local: Deployment) -> None:
    as_json = _cli(local, "outputs", "--json")
    assert as_json.returncode == 0, as_json.stderr
    outputs = json.loads(as_json.stdout)
    assert outputs == local.outputs()
    assert outputs["local-central"]["api_id"] and outputs["local-provider-employee"]["endpoint_service_id"]
    url = _cli(local, "outputs", "--gateway-url")
    assert url.returncode == 0 and url.stdout.strip() == local.gateway_url(), url.stderr
    summary = _cli(local, "outputs")
    assert summary.returncode == 0 and outputs["local-central"]["api_id"] in summary.stdout, summary.stderr


def test_cli_plan_exit_code_2_after_drift_and_review_names_it(local: Deployment, tmp_path: Path) -> None:
    central = local.outputs()["local-central"]
    stage = local.central_client("apigatewayv2").get_stage(ApiId=central["api_id"], StageName="$default")
    group = stage["AccessLogSettings"]["DestinationArn"].split(":log-group:", 1)[1].removesuffix(":*")
    local.central_client("logs").put_retention_policy(logGroupName=group, retentionInDays=1)  # drift outside terraform
    review = tmp_path / "review.md"
    drifted = _cli(local, "plan", "--detailed-exitcode", "--review", str(review))
    assert drifted.returncode == 2, drifted.stdout + drifted.stderr
    text = review.read_text()
    assert "aws_cloudwatch_log_group" in text and "local-central" in text, text
    deployed = _cli(local, "deploy")
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    clean = _cli(local, "plan", "--detailed-exitcode")
    assert clean.returncode == 0, clean.stdout + clean.stderr


def test_cli_unlock_refuses_a_lock_whose_holder_still_runs(local: Deployment) -> None:
    stack = local.manifest.stack("local-central")
    # `terraform apply` waiting at its approval prompt holds the state lock: a live holder
    holder = subprocess.Popen(["terraform", "apply", "-no-color"], cwd=stack.directory, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              env=_interactive_env(local, stack.directory))
    try:
        lock_id = _wait_for_lock(local, "local-central")
        refused = _cli(local, "unlock", "--stack", "local-central", lock_id)
        assert refused.returncode == 1, refused.stdout + refused.stderr
        assert "still running" in refused.stderr and "Traceback" not in refused.stderr, refused.stderr
        assert _lock_id(local, "local-central") == lock_id, "the lock must still be held"
    finally:
        holder.communicate("no\n", timeout=120)
    assert _lock_id(local, "local-central") is None


def _interactive_env(local: Deployment, directory: Path) -> dict[str, str]:
    """crossgate's environment for terraform in that folder, but asking for approval as a user's terminal does."""
    env = Terraform(directory, extra_env=local.orchestrator.extra_env).environment()
    return {k: v for k, v in env.items() if k not in ("TF_INPUT", "TF_IN_AUTOMATION")}


def _lock_id(local: Deployment, stack: str) -> str | None:
    """The ID in the stack's S3 native lock object (``<key>.tflock``), or None when unlocked."""
    backend = json.loads((local.manifest.stack(stack).directory / "cdk.tf.json").read_text())["terraform"]["backend"]
    s3 = backend["s3"]
    client = local.central_client("s3")
    try:
        body = client.get_object(Bucket=s3["bucket"], Key=s3["key"] + ".tflock")["Body"].read()
    except client.exceptions.NoSuchKey:
        return None
    return str(json.loads(body)["ID"])


def _wait_for_lock(local: Deployment, stack: str) -> str:
    deadline = time.monotonic() + 300
    while (lock_id := _lock_id(local, stack)) is None:
        if time.monotonic() > deadline:
            raise AssertionError("terraform apply never took its lock")
        time.sleep(0.5)
    return lock_id


def test_review_of_a_changed_env_puts_security_first(local: Deployment, tmp_path: Path) -> None:
    """The plan review of today's modules, planned on this deployed env: the service port moves 8080 -> 8443,
    the endpoint service admits a role instead of the account, and the routes gain IAM auth."""
    data = yaml.safe_load((ENVS / "local.yaml").read_text())
    service = data["services"]["employee"]
    service["port"] = 8443
    service["allowed_principals"] = ["arn:aws:iam::111111111111:role/crossgate-gateway"]
    service["authorization"] = "iam"
    changed_file = tmp_path / "local.yaml"  # the same env name: the same state
    changed_file.write_text(yaml.safe_dump(data))
    changed = load_environment(changed_file)
    manifest = synthesize(changed, tmp_path / "out", emulator_url=local.sessions.emulator_url)
    outcomes = Orchestrator(manifest, extra_env=local.orchestrator.extra_env, collect_plans=True).run("plan")
    plans = {o.stack: o.plan_json for o in outcomes if o.plan_json is not None}
    assert "local-provider-employee" in plans, outcomes
    review = build_review(plans, diagram=mermaid(changed))
    text = render_markdown(review, title="crossgate plan: local")
    security_at, other_at = text.index("### Security-relevant changes"), text.index("### Other changes by module")
    assert security_at < other_at
    security_text = text[security_at:other_at]
    assert "aws_vpc_endpoint_service" in security_text  # the principal swap is what a reviewer must see first
    assert "arn:aws:iam::111111111111:role/crossgate-gateway" in security_text
    assert "security_group" in security_text and "8443" in security_text
    assert "aws_vpc_security_group_ingress_rule" in [c.type for c in review.security]
    assert all(c.security_reasons for c in review.security)
    assert all("replaced" in " ".join(c.security_reasons) for c in review.security if c.action == "replace")
    assert "```mermaid" in text
    for row in review.summaries:
        assert f"| `{row.stack}` | {row.add} | {row.change} | {row.destroy} | {row.replace} |" in text
    as_json = json.loads(render_json(review))
    assert as_json["has_changes"] is True and {s["stack"] for s in as_json["summaries"]} == set(plans)
    assert all(c["security_relevant"] for c in as_json["security"])


def test_doctor_passes_then_catches_breakage(local: Deployment) -> None:
    assert all(c.ok for c in run_doctor(local.env, local.outputs(), local.sessions))
    outputs = local.outputs()
    wiring = outputs["local-central"]["services"]["employee"]
    discovery = local.central_client("servicediscovery")
    service_id = wiring["cloudmap_service_arn"].rsplit("/", 1)[-1]
    instance = discovery.list_instances(ServiceId=service_id)["Instances"][0]

    # an IP changed under the gateway
    discovery.register_instance(ServiceId=service_id, InstanceId=instance["Id"], Attributes={
        **instance["Attributes"], "AWS_INSTANCE_IPV4": "10.99.99.99"})
    failed = [c.name for c in run_doctor(local.env, outputs, local.sessions) if not c.ok]
    assert failed == ["employee: Cloud Map instances = endpoint ENI IPs"]

    # an instance deregistered
    discovery.deregister_instance(ServiceId=service_id, InstanceId=instance["Id"])
    failed = [c.name for c in run_doctor(local.env, outputs, local.sessions) if not c.ok]
    assert failed == ["employee: Cloud Map instances = endpoint ENI IPs"]

    # the central account's permission removed in the provider account
    provider_ec2 = local.provider_client("employee", "ec2")
    service = outputs["local-provider-employee"]["endpoint_service_id"]
    provider_ec2.modify_vpc_endpoint_service_permissions(
        ServiceId=service, RemoveAllowedPrincipals=[f"arn:aws:iam::{CENTRAL}:root"])
    failed = [c.name for c in run_doctor(local.env, outputs, local.sessions) if not c.ok]
    assert "employee: endpoint service allows the central account 111111111111" in failed

    # a re-deploy repairs all of it
    assert all(o.ok for o in local.orchestrator.run("deploy"))
    assert all(c.ok for c in run_doctor(local.env, local.outputs(), local.sessions))


def test_wrong_account_credentials_are_refused_before_any_change(local: Deployment, tmp_path: Path) -> None:
    stack = local.manifest.stack("local-central")
    # A sibling of the real stack folder, so its relative module paths still resolve.
    copy = stack.directory.parent / "wrong-account"
    shutil.copytree(stack.directory, copy, ignore=shutil.ignore_patterns(".terraform", "*.tfplan"))
    config = json.loads((copy / "cdk.tf.json").read_text())
    config["provider"]["aws"][0]["assume_role"][0]["role_arn"] = "arn:aws:iam::333333333333:role/intruder"
    (copy / "cdk.tf.json").write_text(json.dumps(config))
    tf = Terraform(copy, extra_env=emulator.terraform_environment(local.sessions.emulator_url or ""))
    tf.init()
    with pytest.raises(TerraformError) as raised:
        tf.plan()
    assert "333333333333" in str(raised.value) and "allowed" in str(raised.value).lower()
    assert {o.status for o in local.orchestrator.run("plan")} == {"unchanged"}


def test_destroy_leaves_nothing_behind(local: Deployment) -> None:
    outputs = local.outputs()
    api_id = outputs["local-central"]["api_id"]
    tagged = [{"Name": "tag:crossgate:env", "Values": ["local"]}]
    accounts = {"central": local.central_client, "provider": lambda svc: local.provider_client("employee", svc)}
    vpcs = {side: [v["VpcId"] for v in client("ec2").describe_vpcs(Filters=tagged)["Vpcs"]]
            for side, client in accounts.items()}
    assert all(vpcs.values()), vpcs
    assert any(_tagged_roles(client("iam")) for client in accounts.values()), "the env has IAM roles to destroy"
    assert any(_tagged_log_groups(client("logs")) for client in accounts.values()), "and log groups"
    outcomes = local.orchestrator.run("destroy")
    assert [(o.stack, o.status) for o in outcomes] == [
        ("local-central", "destroyed"), ("local-provider-employee", "destroyed")]
    for stack in local.manifest.stacks:
        assert Terraform(stack.directory, extra_env=local.orchestrator.extra_env).state_list() == []

    # Only what this env created: the session's emulator also holds other tests' environments.
    central_ec2 = local.central_client("ec2")
    for side, client in accounts.items():
        assert _tagged_roles(client("iam")) == [], side
        assert _tagged_log_groups(client("logs")) == [], side
        assert client("ec2").describe_network_interfaces(
            Filters=[{"Name": "vpc-id", "Values": vpcs[side]}])["NetworkInterfaces"] == [], side
    services = local.central_client("servicediscovery").list_services()["Services"]
    assert [s["Name"] for s in services if s["Arn"] in str(outputs["local-central"]["services"])] == []
    groups = local.provider_client("employee", "elbv2").describe_target_groups()["TargetGroups"]
    assert [g["TargetGroupName"] for g in groups if g["TargetGroupName"].startswith("local-")] == []
    # deleted endpoints stay listed a while with State "deleted", in AWS as in the emulator
    endpoints = [e for e in central_ec2.describe_vpc_endpoints()["VpcEndpoints"] if _env_tag(e) == "local"]
    assert [e["VpcEndpointId"] for e in endpoints if e["State"].lower() != "deleted"] == []
    assert central_ec2.describe_vpcs(Filters=tagged)["Vpcs"] == []
    assert central_ec2.describe_security_groups(Filters=tagged)["SecurityGroups"] == []
    api = local.central_client("apigatewayv2")
    assert api_id not in [a["ApiId"] for a in api.get_apis()["Items"]]
    assert [v["Name"] for v in api.get_vpc_links()["Items"] if v["Name"].startswith("local-")] == []
    namespaces = local.central_client("servicediscovery").list_namespaces()["Namespaces"]
    assert [n["Name"] for n in namespaces if n["Name"].startswith("local-")] == []

    provider_ec2 = local.provider_client("employee", "ec2")
    configs = provider_ec2.describe_vpc_endpoint_service_configurations()["ServiceConfigurations"]
    assert [c["ServiceId"] for c in configs if _env_tag(c) == "local"] == []
    assert provider_ec2.describe_vpcs(Filters=tagged)["Vpcs"] == []
    balancers = local.provider_client("employee", "elbv2").describe_load_balancers()["LoadBalancers"]
    assert [b["LoadBalancerName"] for b in balancers if b["LoadBalancerName"].startswith("local-")] == []
    ecs = local.provider_client("employee", "ecs")
    assert [c["clusterName"] for c in ecs.describe_clusters(clusters=ecs.list_clusters()["clusterArns"])["clusters"]
            if c["status"] == "ACTIVE" and c["clusterName"].startswith("local-")] == []


def _tagged_roles(iam: Any) -> list[str]:
    """IAM roles carrying this env's tag (IAM has no tag filter on ListRoles: read each role's tags)."""
    roles = [r["RoleName"] for r in iam.list_roles()["Roles"]]
    return [name for name in roles
            if {"Key": "crossgate:env", "Value": "local"} in iam.list_role_tags(RoleName=name)["Tags"]]


def _tagged_log_groups(logs: Any) -> list[str]:
    groups = [g["logGroupName"] for g in logs.describe_log_groups()["logGroups"]]
    return [name for name in groups
            if logs.list_tags_log_group(logGroupName=name)["tags"].get("crossgate:env") == "local"]


def _env_tag(described: dict[str, object]) -> str | None:
    tags = described.get("Tags") or []
    return next((t["Value"] for t in tags if isinstance(t, dict) and t.get("Key") == "crossgate:env"), None)
