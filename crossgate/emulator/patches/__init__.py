"""Small, documented corrections to moto 5.2.5 so the emulator answers the way AWS does.

Each patch exists because the real aws provider (5.100.0), run against unpatched moto, either
fails or shows a perpetual diff. Every patch is applied on the emulator side only, by the
child process of :class:`crossgate.emulator.Emulator`, before the server starts; the Terraform
modules never know they talk to an emulator.

Differences patched (one :class:`Patch` each, in :data:`PATCHES`):

* ECS CreateService drops ``availabilityZoneRebalancing``.
* EC2 endpoint service permissions lack ``ServicePermissionId``/``PrincipalType``/``ServiceId``.
* EC2 interface endpoint ENIs get random IPs outside their subnets; ``SubnetConfigurations``
  and ``ServiceRegion`` are ignored.
* EC2 DescribeVpcEndpointConnections is not implemented.
* ELBv2 load balancer ARNs say ``loadbalancer/app/`` for every type (AWS: ``net/`` for NLBs,
  ``gwy/`` for GWLBs).
* ELBv2 CreateLoadBalancer/CreateTargetGroup are not idempotent (AWS returns the existing one
  when name and settings match).
* ELBv2 ``EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic`` is neither stored nor returned.
* EC2 security group rules that reference a security group or a prefix list lose their
  ``Description`` (AuthorizeSecurityGroupIngress/Egress, DescribeSecurityGroupRules,
  ModifySecurityGroupRules).

* Cloud Map RegisterInstance with an existing InstanceId adds a second instance of that id
  (AWS updates the instance in place), so re-registering after a drift leaves duplicates.
* ELBv2 DescribeTargetHealth says ``healthy`` for every registered target at once (AWS health-checks
  it: initial, then healthy/unhealthy; draining after deregistration); answered from the emulator's
  own health checks of the local workloads (:mod:`crossgate.emulator.workloads.health`).

* API Gateway v2 UpdateStage and DeleteRouteSettings are not implemented: a stage's throttling,
  route settings, access logs, auto_deploy, variables or description cannot change in place.
* API Gateway v2 GetAuthorizers is not implemented (the list answers 500).
* API Gateway v2 domain name configurations lack ``apiGatewayDomainName``, ``hostedZoneId`` and
  ``domainNameStatus`` (a Route 53 alias to a custom domain has no target).
* API Gateway v2 domain names answer an empty ``mutualTlsAuthentication`` when mutual TLS is off (a re-plan
  wants to remove it), and UpdateDomainName is not implemented.
* Route 53 hosted zone ids are 22 random characters (AWS's begin with ``Z``).
* EC2 CreateVpcEndpoint ignores the endpoint service's allowed principals (any account connects) and
  its AcceptanceRequired (every endpoint ``available`` at once); Accept/RejectVpcEndpointConnections
  are not implemented.
* ECS ListTasks ignores ``serviceName`` and, without ``desiredStatus``, lists tasks of every status
  (AWS: RUNNING).
* ECS RegisterTaskDefinition in awsvpc mode accepts a hostPort that differs from its containerPort (AWS:
  ClientException) and answers no hostPort where it was left out (AWS: the containerPort), in
  DescribeTaskDefinition too; awsvpc tasks reserve their host ports on EC2 container instances (AWS: only
  host and bridge mode do).
* ECS RegisterTaskDefinition accepts container ``secrets`` without an ``executionRoleArn`` (AWS: ClientException).
* EFS PutBackupPolicy is not implemented (``aws_efs_backup_policy`` retries until it times out), and
  DescribeBackupPolicy cannot answer ``DISABLED``.
* EFS DeleteFileSystemPolicy is not implemented (destroying ``aws_efs_file_system_policy`` never ends).
* EC2 maps AZ names to AZ ids the same way in every account (AWS: per account in its oldest regions);
  DescribeVpcEndpointServices hides other accounts' services and gives no AZ ids; CreateVpcEndpoint accepts
  subnets in AZs the service's NLB does not cover.

Claims checked and found false (no patch needed):

* S3 conditional writes: moto 5.2.5 honours ``If-None-Match: *`` on PutObject (412
  PreconditionFailed when the key exists), which is all the S3 backend's ``use_lockfile``
  needs. ``tests/emulator/test_patches.py`` keeps that claim honest.
* Descriptions of CIDR security group rules (IPv4 and IPv6): moto 5.2.5 already stores,
  returns and modifies them; only rules with a group or prefix-list peer needed the patch.
* API Gateway v2 VPC links: moto 5.2.5 already answers CreateVpcLink/GetVpcLink with
  ``VpcLinkStatus`` AVAILABLE and ``VpcLinkVersion`` V2 (AWS: PENDING, then AVAILABLE), so the
  provider's wait for AVAILABLE ends at once; its model has no status attribute, which the data
  plane reads as AVAILABLE. ``tests/emulator/test_stage_and_link_patches.py`` pins that.
"""


from __future__ import annotations

from crossgate.emulator.patches import (
    apigatewayv2,
    availability_zones,
    ec2,
    ecs,
    efs,
    elbv2,
    route53,
    servicediscovery,
    target_health,
)
from crossgate.emulator.patches.base import Patch

PATCHES: tuple[Patch, ...] = (
    Patch(
        "ecs-availability-zone-rebalancing",
        "CreateService keeps availabilityZoneRebalancing (AWS default ENABLED)",
        ecs.patch_ecs_availability_zone_rebalancing,
    ),
    Patch(
        "endpoint-service-permission-ids",
        "endpoint service permissions carry ServicePermissionId/PrincipalType/ServiceId",
        ec2.patch_endpoint_service_permissions,
    ),
    Patch(
        "vpc-endpoint-addressing",
        "interface endpoint ENIs get in-subnet or pinned IPs; ServiceRegion is stored",
        ec2.patch_vpc_endpoint_addressing,
    ),
    Patch(
        "availability-zones-per-account",
        "AZ names map to AZ ids per account (deterministic); CreateSubnet by name or AvailabilityZoneId uses that map",
        availability_zones.patch_availability_zones_per_account,
    ),
    Patch(
        "endpoint-service-zones-for-consumers",
        "DescribeVpcEndpointServices shows allowed foreign services in the caller's AZ names (+ ids); "
        "interface endpoints only in AZ ids the service serves",
        availability_zones.patch_endpoint_service_zones_for_consumers,
    ),
    Patch(
        "describe-vpc-endpoint-connections",
        "DescribeVpcEndpointConnections is implemented",
        ec2.patch_describe_vpc_endpoint_connections,
    ),
    Patch(
        "vpc-endpoint-service-permissions-enforced",
        "CreateVpcEndpoint to another account's service needs an allowed principal admitting the caller",
        ec2.patch_vpc_endpoint_service_permissions_enforced,
    ),
    Patch(
        "vpc-endpoint-acceptance",
        "endpoints to AcceptanceRequired services wait in pendingAcceptance; Accept/RejectVpcEndpointConnections",
        ec2.patch_vpc_endpoint_acceptance,
    ),
    Patch(
        "elbv2-load-balancer-arn-kind",
        "load balancer ARNs say net/ for NLBs and gwy/ for GWLBs, not app/ for every type",
        elbv2.patch_elbv2_load_balancer_arn_kind,
    ),
    Patch(
        "elbv2-idempotent-create",
        "CreateLoadBalancer/CreateTargetGroup with an existing name and the same settings return the existing one",
        elbv2.patch_elbv2_idempotent_create,
    ),
    Patch(
        "elbv2-enforce-privatelink-inbound-rules",
        "NLBs keep EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic (default on with security groups)",
        elbv2.patch_elbv2_enforce_privatelink_inbound_rules,
    ),
    Patch(
        "security-group-rule-descriptions",
        "rules referencing a security group or prefix list keep and return their description",
        ec2.patch_security_group_rule_descriptions,
    ),
    Patch(
        "cloud-map-register-upsert",
        "RegisterInstance with an existing InstanceId updates that instance instead of adding a duplicate",
        servicediscovery.patch_cloud_map_register_upsert,
    ),
    Patch(
        "elbv2-real-target-health",
        "DescribeTargetHealth reports the emulator's health checks of the local workloads (moto: always healthy)",
        target_health.patch_elbv2_target_health,
    ),
    Patch(
        "apigatewayv2-update-stage",
        "UpdateStage and DeleteRouteSettings are implemented (stage throttling, logs, variables change in place)",
        apigatewayv2.patch_apigatewayv2_update_stage,
    ),
    Patch(
        "apigatewayv2-get-authorizers",
        "GetAuthorizers is implemented (moto answers the list with 500)",
        apigatewayv2.patch_apigatewayv2_get_authorizers,
    ),
    Patch(
        "apigatewayv2-domain-name-targets",
        "domain name configurations carry apiGatewayDomainName, hostedZoneId and domainNameStatus AVAILABLE",
        apigatewayv2.patch_apigatewayv2_domain_name_targets,
    ),
    Patch(
        "apigatewayv2-domain-name-mtls",
        "domain names answer mutualTlsAuthentication only when mutual TLS is on (moto: {} for every domain)",
        apigatewayv2.patch_apigatewayv2_domain_name_mtls,
    ),
    Patch(
        "apigatewayv2-update-domain-name",
        "UpdateDomainName is implemented (a custom domain's certificate, policy or mutual TLS changes in place)",
        apigatewayv2.patch_apigatewayv2_update_domain_name,
    ),
    Patch(
        "route53-zone-ids",
        "hosted zone ids begin with Z as AWS's do",
        route53.patch_route53_zone_ids,
    ),
    Patch(
        "ecs-list-tasks-filters",
        "ListTasks filters by serviceName and lists desiredStatus RUNNING tasks unless told otherwise",
        ecs.patch_ecs_list_tasks_filters,
    ),
    Patch(
        "ecs-awsvpc-host-ports",
        "awsvpc task definitions refuse a hostPort other than the containerPort and answer hostPort = containerPort",
        ecs.patch_ecs_awsvpc_host_ports,
    ),
    Patch(
        "ecs-secrets-need-an-execution-role",
        "RegisterTaskDefinition refuses container secrets without an executionRoleArn (AWS: ClientException)",
        ecs.patch_ecs_secrets_need_an_execution_role,
    ),
    Patch(
        "efs-put-backup-policy",
        "PutBackupPolicy is implemented; DescribeBackupPolicy answers the status last put (DISABLED too)",
        efs.patch_efs_put_backup_policy,
    ),
    Patch(
        "efs-delete-file-system-policy",
        "DeleteFileSystemPolicy is implemented (the default policy applies again)",
        efs.patch_efs_delete_file_system_policy,
    ),
)


def apply_all() -> tuple[str, ...]:
    """Apply every patch (idempotent) and return their names, for the launcher's log line."""
    for patch in PATCHES:
        patch.apply()
    return tuple(p.name for p in PATCHES)
