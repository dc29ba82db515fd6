"""One emulator env turning on every per-env module setting at once, deployed, each read back with boto3.

Custom domain (ACM certificate, Route 53 zone, mTLS truststore), CORS, tags, flow logs on both sides,
Container Insights, a container port other than the listener's, a task role, secrets from Secrets Manager
and SSM, ARM64 and image_pull none: the env file sets them under the modules' names and AWS (the emulator)
holds them after the apply.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import yaml

from crossgate.config import Credentials
from crossgate.ops.aws_sessions import AccountSessions
from tests.e2e.conftest import Deployment, deploy, hop

pytestmark = [pytest.mark.e2e, pytest.mark.terraform]

REGION = "us-west-1"
CENTRAL = Credentials(account_id="111111111111", region=REGION,
                      role_arn="arn:aws:iam::111111111111:role/crossgate-deployer")
PROVIDER = Credentials(account_id="222222222222", region=REGION,
                       role_arn="arn:aws:iam::222222222222:role/crossgate-deployer")
DOMAIN = "api.reach.example.com"
LISTENER_PORT, CONTAINER_PORT = 8080, 9000
LOCAL_COMMAND = ["{python}", "-m", "service", "--host", "{host}", "--port", "{port}"]


def prerequisites(sessions: AccountSessions) -> dict[str, str]:
    """What a platform team has before the env file names it: a certificate, a hosted zone, a truststore,
    a task role and the secrets."""
    certificate = sessions.client(CENTRAL, "acm").request_certificate(DomainName=DOMAIN)["CertificateArn"]
    zone = sessions.client(CENTRAL, "route53").create_hosted_zone(
        Name="reach.example.com", CallerReference=str(time.time()))["HostedZone"]["Id"].split("/")[-1]
    s3 = sessions.client(CENTRAL, "s3")
    s3.create_bucket(Bucket="reach-truststores", CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_object(Bucket="reach-truststores", Key="api/truststore.pem", Body=b"-----BEGIN CERTIFICATE-----\n")
    role = sessions.client(PROVIDER, "iam").create_role(RoleName="employee-app", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                "Principal": {"Service": "ecs-tasks.amazonaws.com"}}]}))["Role"]["Arn"]
    secret = sessions.client(PROVIDER, "secretsmanager").create_secret(
        Name="employee/db", SecretString="s3cret")["ARN"]
    ssm = sessions.client(PROVIDER, "ssm")
    ssm.put_parameter(Name="/employee/api-key", Value="k3y", Type="SecureString")
    parameter = ssm.get_parameter(Name="/employee/api-key")["Parameter"]["ARN"]
    return {"certificate": certificate, "zone": zone, "role": role, "secret": secret, "parameter": parameter}


def env_data(made: dict[str, str]) -> dict[str, Any]:
    return {
        "target": "emulator",
        "central": {
            "account_id": CENTRAL.account_id, "region": REGION, "role_arn": CENTRAL.role_arn,
            "network": {"cidr": "10.61.0.0/16", "az_count": 2},
            "api": {"name": "reach-api", "throttling": {"rate_limit": 50, "burst_limit": 100},
                    "cors": {"allow_origins": ["https://app.example.com"], "allow_methods": ["GET", "POST"],
                             "allow_headers": ["authorization"], "max_age": 300}},
            "custom_domain": {"domain_name": DOMAIN, "certificate_arn": made["certificate"],
                              "route53_zone_id": made["zone"],
                              "mtls_truststore_uri": "s3://reach-truststores/api/truststore.pem"},
            "flow_logs": {"traffic_type": "REJECT", "retention_days": 7},
            "tags": {"team": "platform"},
        },
        "services": {"employee": {
            "account_id": PROVIDER.account_id, "region": REGION, "role_arn": PROVIDER.role_arn,
            "port": LISTENER_PORT, "routes": ["ANY /employees", "ANY /employees/{proxy+}"],
            "authorization": "none",
            "network": {"cidr": "10.62.0.0/16", "az_count": 2},
            "flow_logs": {"traffic_type": "ACCEPT", "retention_days": 14},
            "tags": {"team": "people"},
            "workload": {"fargate": {
                "image": "222222222222.dkr.ecr.us-west-1.amazonaws.com/employee:1.0.0", "desired_count": 1,
                "container_port": CONTAINER_PORT, "task_role_arn": made["role"],
                "secrets": {"DB_PASSWORD": made["secret"], "API_KEY": made["parameter"]},
                "cpu_architecture": "ARM64", "image_pull": "none", "container_insights": "disabled",
                "emulator_command": LOCAL_COMMAND,
            }},
        }},
    }


@pytest.fixture(scope="module")
def reach(emulator_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Deployment, dict[str, str]]]:
    folder = tmp_path_factory.mktemp("reach-env")
    made = prerequisites(AccountSessions(emulator_url=emulator_url))
    env_path = folder / "reach.yaml"
    env_path.write_text(yaml.safe_dump(env_data(made)))
    deployment = deploy(env_path, emulator_url, folder / "cdktf.out")
    try:
        yield deployment, made
    finally:
        deployment.orchestrator.run("destroy")


def test_both_stacks_apply(reach: tuple[Deployment, dict[str, str]]) -> None:
    deployment, _ = reach
    assert {o.stack: o.status for o in deployment.outcomes} == {
        "reach-provider-employee": "applied", "reach-central": "applied"}, deployment.outcomes


def test_custom_domain_api_mapping_and_alias_record(reach: tuple[Deployment, dict[str, str]]) -> None:
    deployment, made = reach
    api_id = deployment.outputs()["reach-central"]["api_id"]
    gateway = deployment.central_client("apigatewayv2")
    domain = gateway.get_domain_name(DomainName=DOMAIN)
    (configuration,) = domain["DomainNameConfigurations"]
    assert configuration["CertificateArn"] == made["certificate"] and configuration["EndpointType"] == "REGIONAL"
    assert domain["MutualTlsAuthentication"]["TruststoreUri"] == "s3://reach-truststores/api/truststore.pem"
    (mapping,) = gateway.get_api_mappings(DomainName=DOMAIN)["Items"]
    assert (mapping["ApiId"], mapping["Stage"]) == (api_id, "$default")
    records = deployment.central_client("route53").list_resource_record_sets(HostedZoneId=made["zone"])
    (alias,) = [r for r in records["ResourceRecordSets"] if r["Name"].rstrip(".") == DOMAIN and r["Type"] == "A"]
    assert alias["AliasTarget"]["DNSName"].rstrip(".") == configuration["ApiGatewayDomainName"]
    assert alias["AliasTarget"]["HostedZoneId"] == configuration["HostedZoneId"]


def test_cors_throttling_and_tags_on_the_api(reach: tuple[Deployment, dict[str, str]]) -> None:
    deployment, _ = reach
    api_id = deployment.outputs()["reach-central"]["api_id"]
    gateway = deployment.central_client("apigatewayv2")
    api = gateway.get_api(ApiId=api_id)
    cors = api["CorsConfiguration"]
    assert cors["AllowOrigins"] == ["https://app.example.com"] and sorted(cors["AllowMethods"]) == ["GET", "POST"]
    assert cors["AllowHeaders"] == ["authorization"] and cors["MaxAge"] == 300
    assert api["Tags"]["team"] == "platform"
    stage = gateway.get_stage(ApiId=api_id, StageName="$default")
    assert (stage["DefaultRouteSettings"]["ThrottlingRateLimit"],
            stage["DefaultRouteSettings"]["ThrottlingBurstLimit"]) == (50, 100)


def _vpc_of(deployment: Deployment, client: Any, cidr: str) -> str:
    (vpc,) = client.describe_vpcs(Filters=[{"Name": "cidr", "Values": [cidr]}])["Vpcs"]
    return str(vpc["VpcId"])


def test_flow_logs_on_both_sides(reach: tuple[Deployment, dict[str, str]]) -> None:
    deployment, _ = reach
    for client, cidr, traffic in ((deployment.central_client("ec2"), "10.61.0.0/16", "REJECT"),
                                  (deployment.provider_client("employee", "ec2"), "10.62.0.0/16", "ACCEPT")):
        vpc = _vpc_of(deployment, client, cidr)
        (flow_log,) = client.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [vpc]}])["FlowLogs"]
        assert flow_log["TrafficType"] == traffic


def test_provider_tags_insights_and_no_image_pull_endpoints(reach: tuple[Deployment, dict[str, str]]) -> None:
    deployment, _ = reach
    ecs = deployment.provider_client("employee", "ecs")
    (cluster,) = ecs.describe_clusters(clusters=["reach-employee"], include=["SETTINGS", "TAGS"])["clusters"]
    assert {"name": "containerInsights", "value": "disabled"} in cluster["settings"]
    assert {"key": "team", "value": "people"} in cluster["tags"]
    ec2 = deployment.provider_client("employee", "ec2")
    vpc = _vpc_of(deployment, ec2, "10.62.0.0/16")
    endpoints = ec2.describe_vpc_endpoints(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["VpcEndpoints"]
    assert endpoints == [], "image_pull none: no ECR/logs/S3 endpoints"


def test_task_definition_port_role_secrets_and_architecture(reach: tuple[Deployment, dict[str, str]]) -> None:
    deployment, made = reach
    ecs = deployment.provider_client("employee", "ecs")
    definition = ecs.describe_task_definition(taskDefinition="reach-employee")["taskDefinition"]
    assert definition["taskRoleArn"] == made["role"]
    assert definition["runtimePlatform"] == {"cpuArchitecture": "ARM64", "operatingSystemFamily": "LINUX"}
    (container,) = definition["containerDefinitions"]
    (mapping,) = container["portMappings"]
    assert mapping["containerPort"] == CONTAINER_PORT
    # awsvpc: the module leaves hostPort out and AWS answers it equal to the container port (the emulator's
    # ecs-awsvpc-host-ports patch; tests/emulator/test_awsvpc_host_ports_patch.py).
    assert mapping["hostPort"] == CONTAINER_PORT
    assert container["secrets"] == [{"name": "API_KEY", "valueFrom": made["parameter"]},
                                    {"name": "DB_PASSWORD", "valueFrom": made["secret"]}]
    elbv2 = deployment.provider_client("employee", "elbv2")
    nlb_arn = deployment.outputs()["reach-provider-employee"]["nlb_arn"]
    (listener,) = elbv2.describe_listeners(LoadBalancerArn=nlb_arn)["Listeners"]
    assert listener["Port"] == LISTENER_PORT
    (group,) = elbv2.describe_target_groups(LoadBalancerArn=nlb_arn)["TargetGroups"]
    assert group["Port"] == CONTAINER_PORT


def test_a_request_crosses_the_listener_to_the_container_port(reach: tuple[Deployment, dict[str, str]]) -> None:
    deployment, _ = reach
    url = deployment.gateway_url()
    deadline = time.monotonic() + 120
    while True:
        response = httpx.get(f"{url}/employees", timeout=10)
        if response.status_code == 200 or time.monotonic() > deadline:
            break
        time.sleep(2)
    assert response.status_code == 200, (response.status_code, hop(response), response.text)
