"""Terraform type -> the IAM actions (and resource ARN patterns) managing it needs: the one hand-kept table.

``tests/test_iam.py`` synthesizes every shipped env and fails when a type its stacks manage is missing here,
so the table cannot fall behind the modules. Action names and resource types follow the AWS Service
Authorization Reference (https://docs.aws.amazon.com/service-authorization/latest/reference/, one page per
service, e.g. list_awselasticloadbalancingv2.html): where an action supports resource-level permissions and
the resource has a name crossgate chooses, the ARN is scoped by the env's name prefix (``{prefix}`` =
``<env>-``); where the ARN holds only an id AWS picks (EC2, API Gateway, Cloud Map, EFS) or the reference
lists no resource type (Describe*/List* reads, ecs:RegisterTaskDefinition), the action is granted on ``*``
and only the action list limits it.

Templates: ``{partition}``, ``{account}``, ``{region}`` (each region the account's stacks use), ``{prefix}``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Grant:
    """Some actions on some resources (ARN templates; ``*`` = every resource)."""

    actions: tuple[str, ...]
    resources: tuple[str, ...] = ("*",)


def _g(*actions: str, resources: tuple[str, ...] = ("*",)) -> Grant:
    return Grant(tuple(actions), resources)


_EC2_READ = _g("ec2:Describe*")  # EC2 Describe* actions support no resource-level permissions
_ELB_READ = _g("elasticloadbalancing:Describe*")
_IAM_ROLES = (
    "arn:{partition}:iam::{account}:role/{prefix}*",
    # the flow-logs role of modules/private_network is named "<name>-flow-logs" and its policy "deliver-to-..."
)
_LOG_GROUPS = (
    # /aws/apigateway/<env>-<api>/access, /vpc/<env>-<name>/flow-logs, /ecs/<env>-<service>
    "arn:{partition}:logs:{region}:{account}:log-group:*/{prefix}*",
    "arn:{partition}:logs:{region}:{account}:log-group:*/{prefix}*:*",
)
_ELB = (
    "arn:{partition}:elasticloadbalancing:{region}:{account}:loadbalancer/net/{prefix}*/*",
    "arn:{partition}:elasticloadbalancing:{region}:{account}:listener/net/{prefix}*/*/*",
    "arn:{partition}:elasticloadbalancing:{region}:{account}:targetgroup/{prefix}*/*",
)
_ECS = (
    "arn:{partition}:ecs:{region}:{account}:cluster/{prefix}*",
    "arn:{partition}:ecs:{region}:{account}:service/{prefix}*/*",
    "arn:{partition}:ecs:{region}:{account}:task-definition/{prefix}*:*",
)
# API Gateway's management actions are the HTTP verbs on resource paths (apigateway:POST on /apis, ...);
# the paths hold ids AWS picks, so they are scoped by region only.
_APIGATEWAY = _g("apigateway:GET", "apigateway:POST", "apigateway:PUT", "apigateway:PATCH", "apigateway:DELETE",
                 resources=("arn:{partition}:apigateway:{region}::/*",))


def _service_linked_role(service: str) -> Grant:
    """AWS creates a service's service-linked role on first use, as the caller: iam:CreateServiceLinkedRole."""
    return _g("iam:CreateServiceLinkedRole",
              resources=(f"arn:{{partition}}:iam::{{account}}:role/aws-service-role/{service}/*",))


RESOURCES: dict[str, tuple[Grant, ...]] = {
    # --- EC2 / VPC (ids, not names: action-scoped) ---
    "aws_vpc": (_g("ec2:CreateVpc", "ec2:DeleteVpc", "ec2:ModifyVpcAttribute", "ec2:CreateTags", "ec2:DeleteTags"),
                _EC2_READ),
    "aws_subnet": (_g("ec2:CreateSubnet", "ec2:DeleteSubnet", "ec2:ModifySubnetAttribute", "ec2:CreateTags"),
                   _EC2_READ),
    "aws_route_table": (_g("ec2:CreateRouteTable", "ec2:DeleteRouteTable", "ec2:CreateTags"), _EC2_READ),
    "aws_route_table_association": (_g("ec2:AssociateRouteTable", "ec2:DisassociateRouteTable",
                                       "ec2:ReplaceRouteTableAssociation"), _EC2_READ),
    "aws_route": (_g("ec2:CreateRoute", "ec2:DeleteRoute", "ec2:ReplaceRoute"), _EC2_READ),
    "aws_internet_gateway": (_g("ec2:CreateInternetGateway", "ec2:DeleteInternetGateway", "ec2:AttachInternetGateway",
                                "ec2:DetachInternetGateway", "ec2:CreateTags"), _EC2_READ),
    "aws_eip": (_g("ec2:AllocateAddress", "ec2:ReleaseAddress", "ec2:DisassociateAddress", "ec2:CreateTags"),
                _EC2_READ),
    "aws_nat_gateway": (_g("ec2:CreateNatGateway", "ec2:DeleteNatGateway", "ec2:CreateTags"), _EC2_READ),
    "aws_security_group": (_g("ec2:CreateSecurityGroup", "ec2:DeleteSecurityGroup", "ec2:AuthorizeSecurityGroupEgress",
                              "ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress",
                              "ec2:RevokeSecurityGroupIngress", "ec2:CreateTags", "ec2:DeleteTags"), _EC2_READ),
    "aws_default_security_group": (_g("ec2:AuthorizeSecurityGroupEgress", "ec2:AuthorizeSecurityGroupIngress",
                                      "ec2:RevokeSecurityGroupEgress", "ec2:RevokeSecurityGroupIngress",
                                      "ec2:CreateTags", "ec2:DeleteTags"), _EC2_READ),
    "aws_vpc_security_group_ingress_rule": (_g("ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress",
                                               "ec2:ModifySecurityGroupRules", "ec2:CreateTags", "ec2:DeleteTags",
                                               "ec2:UpdateSecurityGroupRuleDescriptionsIngress"), _EC2_READ),
    "aws_vpc_security_group_egress_rule": (_g("ec2:AuthorizeSecurityGroupEgress", "ec2:RevokeSecurityGroupEgress",
                                              "ec2:ModifySecurityGroupRules", "ec2:CreateTags", "ec2:DeleteTags",
                                              "ec2:UpdateSecurityGroupRuleDescriptionsEgress"), _EC2_READ),
    "aws_vpc_endpoint": (_g("ec2:CreateVpcEndpoint", "ec2:DeleteVpcEndpoints", "ec2:ModifyVpcEndpoint",
                            "ec2:CreateTags", "ec2:DeleteTags"), _EC2_READ),
    "aws_vpc_endpoint_service": (_g("ec2:CreateVpcEndpointServiceConfiguration",
                                    "ec2:DeleteVpcEndpointServiceConfigurations",
                                    "ec2:ModifyVpcEndpointServiceConfiguration",
                                    "ec2:ModifyVpcEndpointServicePermissions",
                                    "ec2:AcceptVpcEndpointConnections", "ec2:RejectVpcEndpointConnections",
                                    "ec2:CreateTags", "ec2:DeleteTags"), _EC2_READ),
    "aws_flow_log": (_g("ec2:CreateFlowLogs", "ec2:DeleteFlowLogs", "ec2:CreateTags"), _EC2_READ,
                     # delivering to CloudWatch Logs passes the module's flow-logs role
                     _g("iam:PassRole", resources=_IAM_ROLES)),
    # --- Elastic Load Balancing (names crossgate picks: prefix-scoped) ---
    "aws_lb": (_g("elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:DeleteLoadBalancer",
                  "elasticloadbalancing:ModifyLoadBalancerAttributes", "elasticloadbalancing:SetSecurityGroups",
                  "elasticloadbalancing:SetSubnets", "elasticloadbalancing:AddTags",
                  "elasticloadbalancing:RemoveTags", resources=_ELB), _ELB_READ,
               _service_linked_role("elasticloadbalancing.amazonaws.com")),
    "aws_lb_listener": (_g("elasticloadbalancing:CreateListener", "elasticloadbalancing:DeleteListener",
                           "elasticloadbalancing:ModifyListener", "elasticloadbalancing:AddTags",
                           "elasticloadbalancing:RemoveTags", resources=_ELB), _ELB_READ),
    "aws_lb_target_group": (_g("elasticloadbalancing:CreateTargetGroup", "elasticloadbalancing:DeleteTargetGroup",
                               "elasticloadbalancing:ModifyTargetGroup",
                               "elasticloadbalancing:ModifyTargetGroupAttributes", "elasticloadbalancing:AddTags",
                               "elasticloadbalancing:RemoveTags", resources=_ELB), _ELB_READ),
    # --- ECS ---
    "aws_ecs_cluster": (_g("ecs:CreateCluster", "ecs:DeleteCluster", "ecs:UpdateCluster", "ecs:UpdateClusterSettings",
                           "ecs:PutClusterCapacityProviders", "ecs:TagResource", "ecs:UntagResource", resources=_ECS),
                        _g("ecs:DescribeClusters", "ecs:ListTagsForResource"),
                        _service_linked_role("ecs.amazonaws.com")),
    "aws_ecs_service": (_g("ecs:CreateService", "ecs:DeleteService", "ecs:UpdateService", "ecs:TagResource",
                           "ecs:UntagResource", resources=_ECS),
                        _g("ecs:DescribeServices", "ecs:ListTasks", "ecs:DescribeTasks")),
    # RegisterTaskDefinition/DescribeTaskDefinition list no resource type in the reference: "*"
    "aws_ecs_task_definition": (_g("ecs:RegisterTaskDefinition", "ecs:DeregisterTaskDefinition",
                                   "ecs:DescribeTaskDefinition", "ecs:DeleteTaskDefinitions", "ecs:TagResource"),
                                _g("iam:PassRole", resources=_IAM_ROLES)),
    # --- EFS (ids) ---
    "aws_efs_file_system": (_g("elasticfilesystem:CreateFileSystem", "elasticfilesystem:DeleteFileSystem",
                               "elasticfilesystem:UpdateFileSystem", "elasticfilesystem:PutLifecycleConfiguration",
                               "elasticfilesystem:TagResource", "elasticfilesystem:UntagResource",
                               "elasticfilesystem:DescribeFileSystems",
                               "elasticfilesystem:DescribeLifecycleConfiguration",
                               "elasticfilesystem:ListTagsForResource"),
                            _service_linked_role("elasticfilesystem.amazonaws.com")),
    "aws_efs_mount_target": (_g("elasticfilesystem:CreateMountTarget", "elasticfilesystem:DeleteMountTarget",
                                "elasticfilesystem:DescribeMountTargets",
                                "elasticfilesystem:DescribeMountTargetSecurityGroups",
                                "elasticfilesystem:ModifyMountTargetSecurityGroups"), _EC2_READ),
    "aws_efs_access_point": (_g("elasticfilesystem:CreateAccessPoint", "elasticfilesystem:DeleteAccessPoint",
                                "elasticfilesystem:DescribeAccessPoints", "elasticfilesystem:TagResource"),),
    "aws_efs_backup_policy": (_g("elasticfilesystem:PutBackupPolicy", "elasticfilesystem:DescribeBackupPolicy"),),
    "aws_efs_file_system_policy": (_g("elasticfilesystem:PutFileSystemPolicy",
                                      "elasticfilesystem:DescribeFileSystemPolicy",
                                      "elasticfilesystem:DeleteFileSystemPolicy"),),
    # --- CloudWatch Logs (names: prefix-scoped) ---
    "aws_cloudwatch_log_group": (_g("logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:PutRetentionPolicy",
                                    "logs:DeleteRetentionPolicy", "logs:AssociateKmsKey", "logs:DisassociateKmsKey",
                                    "logs:TagResource", "logs:UntagResource", "logs:TagLogGroup", "logs:UntagLogGroup",
                                    "logs:ListTagsForResource", "logs:ListTagsLogGroup", resources=_LOG_GROUPS),
                                 _g("logs:DescribeLogGroups")),
    # --- IAM (role names crossgate picks: prefix-scoped) ---
    "aws_iam_role": (_g("iam:CreateRole", "iam:DeleteRole", "iam:GetRole", "iam:UpdateRole",
                        "iam:UpdateAssumeRolePolicy", "iam:TagRole", "iam:UntagRole", "iam:ListRolePolicies",
                        "iam:ListAttachedRolePolicies", "iam:ListInstanceProfilesForRole", "iam:DeleteRolePolicy",
                        "iam:DetachRolePolicy", resources=_IAM_ROLES),),
    "aws_iam_role_policy": (_g("iam:PutRolePolicy", "iam:GetRolePolicy", "iam:DeleteRolePolicy",
                               "iam:ListRolePolicies", resources=_IAM_ROLES),),
    "aws_iam_role_policy_attachment": (_g("iam:AttachRolePolicy", "iam:DetachRolePolicy",
                                          "iam:ListAttachedRolePolicies", resources=_IAM_ROLES),),
    # --- Cloud Map (ids) ---
    "aws_service_discovery_http_namespace": (_g("servicediscovery:CreateHttpNamespace",
                                                "servicediscovery:DeleteNamespace",
                                                "servicediscovery:UpdateHttpNamespace", "servicediscovery:GetNamespace",
                                                "servicediscovery:GetOperation", "servicediscovery:ListNamespaces",
                                                "servicediscovery:TagResource", "servicediscovery:UntagResource",
                                                "servicediscovery:ListTagsForResource"),),
    "aws_service_discovery_service": (_g("servicediscovery:CreateService", "servicediscovery:DeleteService",
                                         "servicediscovery:UpdateService", "servicediscovery:GetService",
                                         "servicediscovery:TagResource", "servicediscovery:UntagResource",
                                         "servicediscovery:ListTagsForResource"),),
    "aws_service_discovery_instance": (_g("servicediscovery:RegisterInstance", "servicediscovery:DeregisterInstance",
                                          "servicediscovery:GetInstance", "servicediscovery:ListInstances",
                                          "servicediscovery:GetOperation"),),
    # --- API Gateway v2 ---
    "aws_apigatewayv2_api": (_APIGATEWAY,),
    "aws_apigatewayv2_api_mapping": (_APIGATEWAY,),
    "aws_apigatewayv2_authorizer": (_APIGATEWAY,),
    "aws_apigatewayv2_domain_name": (_APIGATEWAY,),
    "aws_apigatewayv2_integration": (_APIGATEWAY,),
    "aws_apigatewayv2_route": (_APIGATEWAY,),
    # access logging: "Permissions to activate logging" of API Gateway's "Configure logging for HTTP APIs"
    # (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging.html), Resource "*" as there
    "aws_apigatewayv2_stage": (_APIGATEWAY,
                               _g("logs:CreateLogDelivery", "logs:PutResourcePolicy", "logs:UpdateLogDelivery",
                                  "logs:DeleteLogDelivery", "logs:CreateLogGroup", "logs:DescribeResourcePolicies",
                                  "logs:GetLogDelivery", "logs:ListLogDeliveries"),
                               _g("logs:DescribeLogGroups", "logs:DescribeLogStreams", "logs:GetLogEvents",
                                  "logs:FilterLogEvents",
                                  resources=("arn:{partition}:logs:{region}:{account}:log-group:*",))),
    # a VPC link creates its ENIs through API Gateway's service-linked role
    "aws_apigatewayv2_vpc_link": (_APIGATEWAY, _service_linked_role("ops.apigateway.amazonaws.com")),
    # --- Lambda, Route 53 (only with a Lambda authorizer / a custom domain) ---
    "aws_lambda_permission": (_g("lambda:AddPermission", "lambda:RemovePermission", "lambda:GetPolicy",
                                 resources=("arn:{partition}:lambda:{region}:*:function:*",)),),
    "aws_route53_record": (_g("route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets",
                              "route53:GetHostedZone", resources=("arn:{partition}:route53:::hostedzone/*",)),
                           _g("route53:GetChange", resources=("arn:{partition}:route53:::change/*",))),
}

DATA_SOURCES: dict[str, tuple[Grant, ...]] = {
    "aws_availability_zones": (_g("ec2:DescribeAvailabilityZones"),),
    "aws_caller_identity": (),  # sts:GetCallerIdentity needs no permission
    "aws_iam_policy_document": (),  # rendered locally by the provider
    "aws_partition": (),
    "aws_region": (),
    "aws_lb": (_ELB_READ,),
    "aws_network_interface": (_g("ec2:DescribeNetworkInterfaces"),),
    "aws_route_table": (_g("ec2:DescribeRouteTables"),),
    "aws_vpc": (_EC2_READ,),
    "aws_subnet": (_EC2_READ,),
    "aws_vpc_endpoint_service": (_EC2_READ,),
}
