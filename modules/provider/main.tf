data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  fargate_enabled = var.fargate != null
  create_vpc      = local.fargate_enabled && var.vpc_id == null
  create_nat      = local.create_vpc && var.image_pull == "nat"
  create_vpce     = local.fargate_enabled && var.image_pull == "vpc_endpoints"

  # Fargate defaults come from the variable's optional() attributes; this local only
  # gives the rest of the file a non-null object to read in BYO mode.
  fargate = local.fargate_enabled ? var.fargate : {
    image             = ""
    cpu               = 256
    memory            = 512
    desired_count     = 0
    container_port    = 8080
    environment       = {}
    health_check_path = "/health"

    read_only_root_filesystem = true
    writable_paths            = []
    shared_storage            = null

    task_role_arn    = null
    secrets          = {}
    cpu_architecture = "X86_64"
  }

  # Shared storage (fargate.shared_storage): one EFS file system mounted at that path in every task.
  # A writable path equal to it gets the EFS volume instead of a task-storage bind mount.
  shared_storage     = local.fargate.shared_storage
  create_efs         = local.shared_storage != null
  task_storage_paths = [for p in local.fargate.writable_paths : p if !local.create_efs || p != try(local.shared_storage.path, "")]

  azs = local.create_vpc ? module.network[0].availability_zones : []

  zone_pairs      = min(length(data.aws_availability_zones.this.names), length(data.aws_availability_zones.this.zone_ids))
  zone_id_by_name = zipmap(slice(data.aws_availability_zones.this.names, 0, local.zone_pairs), slice(data.aws_availability_zones.this.zone_ids, 0, local.zone_pairs))

  vpc_id         = local.create_vpc ? module.network[0].vpc_id : (local.fargate_enabled ? var.vpc_id : null)
  vpc_cidr       = local.create_vpc ? module.network[0].vpc_cidr_block : (local.fargate_enabled ? data.aws_vpc.this[0].cidr_block : null)
  subnet_ids     = local.create_vpc ? module.network[0].subnet_ids : (local.fargate_enabled ? var.subnet_ids : null)
  nlb_arn        = local.fargate_enabled ? aws_lb.this[0].arn : var.nlb_arn
  region         = data.aws_region.current.name
  account_id     = data.aws_caller_identity.current.account_id
  public_cidr    = cidrsubnet(var.vpc_cidr, 4, 15)
  interface_vpce = local.create_vpce ? toset(["ecr.api", "ecr.dkr", "logs"]) : toset([])
}

################################################################################
# Endpoint service (always)
################################################################################

# This account's AZ names and ids: consumers in other accounts match the service's AZs by id.
data "aws_availability_zones" "this" {
  # checkov:skip=CKV_AWS_394:only read to translate the endpoint service's AZ names to AZ ids (output); no resource is placed by this list
  state = "available"
}

resource "aws_vpc_endpoint_service" "this" {
  # checkov:skip=CKV_AWS_123:acceptance_required is the caller's choice (default false): allowed_principals already limits connections to named IAM principals (no wildcard, validated), and manual acceptance would stop an automated deployment until someone accepts out of band
  acceptance_required        = var.acceptance_required
  network_load_balancer_arns = [local.nlb_arn]
  allowed_principals         = var.allowed_principals
  supported_regions          = var.supported_regions

  tags = merge(var.tags, { Name = var.name })

  lifecycle {
    precondition {
      condition     = (var.nlb_arn == null) != (var.fargate == null)
      error_message = "Set exactly one of nlb_arn (bring your own internal NLB) or fargate (demo ECS Fargate workload)."
    }
    precondition {
      condition     = var.vpc_id == null ? true : length(var.subnet_ids) > 0
      error_message = "vpc_id needs subnet_ids: the private subnets of that VPC for the NLB and the tasks."
    }
    precondition {
      condition     = !(var.image_pull == "nat" && var.vpc_id != null)
      error_message = "image_pull = \"nat\" creates a NAT gateway and is only available with a created VPC; with vpc_id use \"vpc_endpoints\" or \"none\"."
    }
    precondition {
      condition     = !var.enforce_security_group_inbound_rules_on_private_link_traffic || length(var.privatelink_client_cidrs) > 0
      error_message = "enforce_security_group_inbound_rules_on_private_link_traffic = true needs privatelink_client_cidrs (the consumers' client CIDRs), else all PrivateLink traffic is dropped."
    }
  }
}

################################################################################
# Network (Fargate mode, created VPC)
################################################################################

data "aws_vpc" "this" {
  count = local.fargate_enabled && !local.create_vpc ? 1 : 0

  id = var.vpc_id
}

# The created VPC: one /prefix+4 private subnet per AZ (slice 15 stays free for the NAT path's public
# subnet), locked-down default security group, flow logs (encrypted with log_kms_key_arn when set).
module "network" {
  source = "../private_network"
  count  = local.create_vpc ? 1 : 0

  name                  = var.name
  cidr                  = var.vpc_cidr
  az_count              = var.az_count
  availability_zone_ids = var.availability_zone_ids
  subnet_newbits        = 4
  subnet_name_suffix    = "zone"
  flow_logs             = merge(var.flow_logs, { kms_key_arn = var.log_kms_key_arn })

  tags = var.tags
}

resource "aws_route_table" "private" {
  count = local.create_vpc ? 1 : 0

  vpc_id = module.network[0].vpc_id

  tags = merge(var.tags, { Name = "${var.name}-private" })
}

resource "aws_route_table_association" "private" {
  count = length(local.azs)

  subnet_id      = module.network[0].subnet_ids[count.index]
  route_table_id = aws_route_table.private[0].id
}

# NAT path: one public subnet, one NAT gateway (a cost choice: no per-AZ redundancy).
resource "aws_internet_gateway" "this" {
  count = local.create_nat ? 1 : 0

  vpc_id = module.network[0].vpc_id

  tags = merge(var.tags, { Name = var.name })
}

resource "aws_subnet" "public" {
  count = local.create_nat ? 1 : 0

  vpc_id            = module.network[0].vpc_id
  cidr_block        = local.public_cidr
  availability_zone = local.azs[0]

  tags = merge(var.tags, { Name = "${var.name}-public-${local.azs[0]}" })
}

resource "aws_route_table" "public" {
  count = local.create_nat ? 1 : 0

  vpc_id = module.network[0].vpc_id

  tags = merge(var.tags, { Name = "${var.name}-public" })
}

resource "aws_route" "public_internet" {
  count = local.create_nat ? 1 : 0

  route_table_id         = aws_route_table.public[0].id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.this[0].id
}

resource "aws_route_table_association" "public" {
  count = local.create_nat ? 1 : 0

  subnet_id      = aws_subnet.public[0].id
  route_table_id = aws_route_table.public[0].id
}

resource "aws_eip" "nat" {
  count = local.create_nat ? 1 : 0

  domain = "vpc"

  tags = merge(var.tags, { Name = "${var.name}-nat" })

  depends_on = [aws_internet_gateway.this]
}

resource "aws_nat_gateway" "this" {
  count = local.create_nat ? 1 : 0

  allocation_id = aws_eip.nat[0].id
  subnet_id     = aws_subnet.public[0].id

  tags = merge(var.tags, { Name = var.name })
}

resource "aws_route" "private_nat" {
  count = local.create_nat ? 1 : 0

  route_table_id         = aws_route_table.private[0].id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.this[0].id
}

################################################################################
# VPC endpoints for image pull and logs (Fargate mode, image_pull = vpc_endpoints)
################################################################################

data "aws_route_table" "existing" {
  count = local.create_vpce && !local.create_vpc ? length(var.subnet_ids) : 0

  subnet_id = var.subnet_ids[count.index]
}

resource "aws_security_group" "endpoints" {
  count = local.create_vpce ? 1 : 0

  name        = "${var.name}-endpoints"
  description = "Interface VPC endpoints used by the ${var.name} tasks (ECR, CloudWatch Logs)"
  vpc_id      = local.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-endpoints" })
}

resource "aws_vpc_security_group_ingress_rule" "endpoints_https_from_tasks" {
  count = local.create_vpce ? 1 : 0

  security_group_id            = aws_security_group.endpoints[0].id
  description                  = "HTTPS from the tasks"
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = aws_security_group.tasks[0].id

  tags = var.tags
}

resource "aws_vpc_endpoint" "interface" {
  for_each = local.interface_vpce

  vpc_id              = local.vpc_id
  service_name        = "com.amazonaws.${local.region}.${each.key}"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = local.subnet_ids
  security_group_ids  = [aws_security_group.endpoints[0].id]
  private_dns_enabled = true

  tags = merge(var.tags, { Name = "${var.name}-${each.key}" })
}

resource "aws_vpc_endpoint" "s3" {
  count = local.create_vpce ? 1 : 0

  vpc_id            = local.vpc_id
  service_name      = "com.amazonaws.${local.region}.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = local.create_vpc ? aws_route_table.private[*].id : distinct(data.aws_route_table.existing[*].id)

  tags = merge(var.tags, { Name = "${var.name}-s3" })
}

################################################################################
# Security groups (Fargate mode)
#
# NLB SG: listener port from the VPC CIDR (in-VPC clients); PrivateLink traffic is
# only evaluated when enforce_security_group_inbound_rules_on_private_link_traffic
# is on, and then its source is the consumer's client IP (privatelink_client_cidrs).
# Task SG: container port only from the NLB SG. Traffic and health checks that the
# NLB forwards come from the NLB's own ENIs, which carry that SG.
# EFS SG (shared_storage): NFS only from the task SG (and the tasks' NFS egress to it).
# No rule anywhere admits 0.0.0.0/0.
################################################################################

resource "aws_security_group" "nlb" {
  count = local.fargate_enabled ? 1 : 0

  name        = "${var.name}-nlb"
  description = "Internal NLB of ${var.name}: listener port from the VPC (and PrivateLink clients when enforced)"
  vpc_id      = local.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-nlb" })
}

resource "aws_vpc_security_group_ingress_rule" "nlb_from_vpc" {
  count = local.fargate_enabled ? 1 : 0

  security_group_id = aws_security_group.nlb[0].id
  description       = "Listener port from the VPC CIDR"
  ip_protocol       = "tcp"
  from_port         = var.port
  to_port           = var.port
  cidr_ipv4         = local.vpc_cidr

  tags = var.tags
}

resource "aws_vpc_security_group_ingress_rule" "nlb_from_privatelink" {
  count = local.fargate_enabled && var.enforce_security_group_inbound_rules_on_private_link_traffic ? length(var.privatelink_client_cidrs) : 0

  security_group_id = aws_security_group.nlb[0].id
  description       = "Listener port from PrivateLink clients"
  ip_protocol       = "tcp"
  from_port         = var.port
  to_port           = var.port
  cidr_ipv4         = var.privatelink_client_cidrs[count.index]

  tags = var.tags
}

resource "aws_vpc_security_group_egress_rule" "nlb_to_tasks" {
  count = local.fargate_enabled ? 1 : 0

  security_group_id            = aws_security_group.nlb[0].id
  description                  = "Traffic and health checks to the tasks"
  ip_protocol                  = "tcp"
  from_port                    = local.fargate.container_port
  to_port                      = local.fargate.container_port
  referenced_security_group_id = aws_security_group.tasks[0].id

  tags = var.tags
}

resource "aws_security_group" "tasks" {
  count = local.fargate_enabled ? 1 : 0

  name        = "${var.name}-tasks"
  description = "Fargate tasks of ${var.name}: container port from the NLB only"
  vpc_id      = local.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-tasks" })
}

resource "aws_vpc_security_group_ingress_rule" "tasks_from_nlb" {
  count = local.fargate_enabled ? 1 : 0

  security_group_id            = aws_security_group.tasks[0].id
  description                  = "Container port from the NLB (traffic and health checks)"
  ip_protocol                  = "tcp"
  from_port                    = local.fargate.container_port
  to_port                      = local.fargate.container_port
  referenced_security_group_id = aws_security_group.nlb[0].id

  tags = var.tags
}

resource "aws_vpc_security_group_egress_rule" "tasks_nfs" {
  count = local.create_efs ? 1 : 0

  security_group_id            = aws_security_group.tasks[0].id
  description                  = "NFS to the shared EFS mount targets"
  ip_protocol                  = "tcp"
  from_port                    = 2049
  to_port                      = 2049
  referenced_security_group_id = aws_security_group.efs[0].id

  tags = var.tags
}

resource "aws_vpc_security_group_egress_rule" "tasks_https" {
  count = local.fargate_enabled ? 1 : 0

  security_group_id = aws_security_group.tasks[0].id
  description       = "HTTPS to ECR, S3 and CloudWatch Logs (endpoints or NAT)"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"

  tags = var.tags
}

################################################################################
# Internal NLB (Fargate mode)
################################################################################

resource "aws_lb" "this" {
  # checkov:skip=CKV_AWS_91:NLB access logs are only written for TLS listeners; this NLB forwards plain TCP (TLS, if any, ends at the workload) and the API Gateway access logs record every request at the front door
  # checkov:skip=CKV_AWS_150:the demo workload's NLB lives and dies with this module (terraform destroy must work, and the endpoint service is replaced with it anyway); long-lived NLBs belong in BYO mode (nlb_arn) with their own protection
  # checkov:skip=CKV2_AWS_20:an internal Network Load Balancer with a TCP listener: there is no HTTP listener to redirect to HTTPS
  count = local.fargate_enabled ? 1 : 0

  name                             = var.name
  internal                         = true
  load_balancer_type               = "network"
  subnets                          = local.subnet_ids
  security_groups                  = [aws_security_group.nlb[0].id]
  enable_cross_zone_load_balancing = true

  enforce_security_group_inbound_rules_on_private_link_traffic = var.enforce_security_group_inbound_rules_on_private_link_traffic ? "on" : "off"

  tags = merge(var.tags, { Name = var.name })
}

resource "aws_lb_target_group" "this" {
  count = local.fargate_enabled ? 1 : 0

  name                 = var.name
  target_type          = "ip"
  protocol             = "TCP"
  port                 = local.fargate.container_port
  vpc_id               = local.vpc_id
  deregistration_delay = 30

  health_check {
    enabled             = true
    protocol            = "HTTP"
    port                = "traffic-port"
    path                = local.fargate.health_check_path
    matcher             = "200"
    interval            = 10
    healthy_threshold   = 2
    unhealthy_threshold = 2
  }

  tags = merge(var.tags, { Name = var.name })
}

resource "aws_lb_listener" "this" {
  count = local.fargate_enabled ? 1 : 0

  load_balancer_arn = aws_lb.this[0].arn
  port              = var.port
  protocol          = "TCP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.this[0].arn
  }

  tags = merge(var.tags, { Name = var.name })
}

################################################################################
# Shared storage on Amazon EFS (Fargate mode, fargate.shared_storage)
#
# Each Fargate task has its own ephemeral storage: with desired_count > 1 behind the
# NLB, a write that lands on one task is invisible to the next request served by
# another. One EFS file system, mounted by every task through one access point
# (fixed POSIX user, its own root directory), gives them the same files.
# Encrypted at rest (KMS) and in transit (TLS, enforced by the file system policy);
# mounted with the task role (IAM authorization), reachable only from the task SG.
################################################################################

resource "aws_efs_file_system" "shared" {
  # checkov:skip=CKV_AWS_184:the file system is always encrypted with KMS; the key is the AWS managed aws/elasticfilesystem key unless the caller sets fargate.shared_storage.kms_key_arn, since a customer managed key is a cost and key-policy decision for the caller
  count = local.create_efs ? 1 : 0

  creation_token   = "${var.name}-shared"
  encrypted        = true
  kms_key_id       = local.shared_storage.kms_key_arn
  performance_mode = "generalPurpose"
  throughput_mode  = "bursting"

  # Files unread for 30 days move to Infrequent Access (cheaper storage, per-access fee);
  # a file read again moves back to Standard.
  lifecycle_policy {
    transition_to_ia = "AFTER_30_DAYS"
  }
  lifecycle_policy {
    transition_to_primary_storage_class = "AFTER_1_ACCESS"
  }

  tags = merge(var.tags, { Name = "${var.name}-shared" })
}

resource "aws_efs_backup_policy" "shared" {
  count = local.create_efs ? 1 : 0

  file_system_id = aws_efs_file_system.shared[0].id

  backup_policy {
    status = local.shared_storage.backup ? "ENABLED" : "DISABLED"
  }
}

resource "aws_security_group" "efs" {
  count = local.create_efs ? 1 : 0

  name        = "${var.name}-efs"
  description = "EFS mount targets of ${var.name}: NFS from the tasks only"
  vpc_id      = local.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-efs" })
}

resource "aws_vpc_security_group_ingress_rule" "efs_nfs_from_tasks" {
  count = local.create_efs ? 1 : 0

  security_group_id            = aws_security_group.efs[0].id
  description                  = "NFS from the tasks"
  ip_protocol                  = "tcp"
  from_port                    = 2049
  to_port                      = 2049
  referenced_security_group_id = aws_security_group.tasks[0].id

  tags = var.tags
}

# One mount target per workload subnet (EFS allows one per AZ: give subnets in distinct AZs).
resource "aws_efs_mount_target" "shared" {
  count = local.create_efs ? length(local.subnet_ids) : 0

  file_system_id  = aws_efs_file_system.shared[0].id
  subnet_id       = local.subnet_ids[count.index]
  security_groups = [aws_security_group.efs[0].id]
}

# Every task mounts through this access point: requests run as uid/gid, confined to /<name>,
# which EFS creates on first use owned by uid/gid.
resource "aws_efs_access_point" "shared" {
  count = local.create_efs ? 1 : 0

  file_system_id = aws_efs_file_system.shared[0].id

  posix_user {
    uid = local.shared_storage.uid
    gid = local.shared_storage.gid
  }

  root_directory {
    path = "/${var.name}"

    creation_info {
      owner_uid   = local.shared_storage.uid
      owner_gid   = local.shared_storage.gid
      permissions = "0750"
    }
  }

  tags = merge(var.tags, { Name = "${var.name}-shared" })
}

data "aws_iam_policy_document" "efs" {
  count = local.create_efs ? 1 : 0

  statement {
    sid       = "TaskRoleThroughTheAccessPoint"
    actions   = ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"]
    resources = [aws_efs_file_system.shared[0].arn]
    principals {
      type        = "AWS"
      identifiers = [aws_iam_role.task[0].arn]
    }
    condition {
      test     = "StringEquals"
      variable = "elasticfilesystem:AccessPointArn"
      values   = [aws_efs_access_point.shared[0].arn]
    }
    condition {
      test     = "Bool"
      variable = "elasticfilesystem:AccessedViaMountTarget"
      values   = ["true"]
    }
  }

  statement {
    sid       = "DenyWithoutTls"
    effect    = "Deny"
    actions   = ["*"]
    resources = [aws_efs_file_system.shared[0].arn]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_efs_file_system_policy" "shared" {
  count = local.create_efs ? 1 : 0

  file_system_id = aws_efs_file_system.shared[0].id
  policy         = data.aws_iam_policy_document.efs[0].json
}

# The task role (only with shared storage: the demo workload calls no AWS API otherwise).
# EFS IAM authorization mounts with it; its trust is limited to this account's ECS tasks.
data "aws_iam_policy_document" "task_assume" {
  count = local.create_efs ? 1 : 0

  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${data.aws_partition.current.partition}:ecs:${local.region}:${local.account_id}:*"]
    }
  }
}

resource "aws_iam_role" "task" {
  count = local.create_efs ? 1 : 0

  name               = "${var.name}-ecs-task"
  assume_role_policy = data.aws_iam_policy_document.task_assume[0].json

  tags = var.tags
}

data "aws_iam_policy_document" "task_efs" {
  count = local.create_efs ? 1 : 0

  statement {
    sid       = "MountAndWriteThroughTheAccessPoint"
    actions   = ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"]
    resources = [aws_efs_file_system.shared[0].arn]
    condition {
      test     = "StringEquals"
      variable = "elasticfilesystem:AccessPointArn"
      values   = [aws_efs_access_point.shared[0].arn]
    }
  }
}

resource "aws_iam_role_policy" "task_efs" {
  count = local.create_efs ? 1 : 0

  name   = "efs-shared-storage"
  role   = aws_iam_role.task[0].id
  policy = data.aws_iam_policy_document.task_efs[0].json
}

################################################################################
# ECS Fargate workload
################################################################################

resource "aws_cloudwatch_log_group" "this" {
  # checkov:skip=CKV_AWS_338:retention is the caller's cost choice (log_retention_days, default 30 days; 365+ is accepted)
  # checkov:skip=CKV_AWS_158:KMS is optional (log_kms_key_arn); without it CloudWatch Logs still encrypts at rest with AWS-owned keys, and a customer managed key is a cost and key-policy decision for the caller
  count = local.fargate_enabled ? 1 : 0

  name              = "/ecs/${var.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.log_kms_key_arn

  tags = var.tags
}

data "aws_iam_policy_document" "ecs_tasks_assume" {
  count = local.fargate_enabled ? 1 : 0

  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "execution" {
  count = local.fargate_enabled ? 1 : 0

  name               = "${var.name}-ecs-execution"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume[0].json

  tags = var.tags
}

resource "aws_iam_role_policy_attachment" "execution" {
  count = local.fargate_enabled ? 1 : 0

  role       = aws_iam_role.execution[0].name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

# Secrets in the task definition are read by the execution role, so it may read exactly those ARNs
# ("Required IAM permissions for Amazon ECS secrets":
# https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html).
locals {
  secret_arns    = sort(distinct(values(local.fargate.secrets)))
  sm_secret_arns = [for arn in local.secret_arns : arn if can(regex(":secretsmanager:", arn))]
  ssm_param_arns = [for arn in local.secret_arns : arn if can(regex(":ssm:", arn))]
}

data "aws_iam_policy_document" "execution_secrets" {
  count = local.fargate_enabled && length(local.secret_arns) > 0 ? 1 : 0

  dynamic "statement" {
    for_each = length(local.sm_secret_arns) > 0 ? [1] : []
    content {
      sid       = "ReadTheTaskSecrets"
      actions   = ["secretsmanager:GetSecretValue"]
      resources = local.sm_secret_arns
    }
  }

  dynamic "statement" {
    for_each = length(local.ssm_param_arns) > 0 ? [1] : []
    content {
      sid       = "ReadTheTaskParameters"
      actions   = ["ssm:GetParameters"]
      resources = local.ssm_param_arns
    }
  }
}

resource "aws_iam_role_policy" "execution_secrets" {
  count = local.fargate_enabled && length(local.secret_arns) > 0 ? 1 : 0

  name   = "task-secrets"
  role   = aws_iam_role.execution[0].id
  policy = data.aws_iam_policy_document.execution_secrets[0].json
}

resource "aws_ecs_cluster" "this" {
  count = local.fargate_enabled ? 1 : 0

  name = var.name

  setting {
    name  = "containerInsights"
    value = var.container_insights
  }

  tags = var.tags
}

resource "aws_ecs_task_definition" "this" {
  count = local.fargate_enabled ? 1 : 0

  family                   = var.name
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = tostring(local.fargate.cpu)
  memory                   = tostring(local.fargate.memory)
  execution_role_arn       = aws_iam_role.execution[0].arn
  task_role_arn            = local.create_efs ? aws_iam_role.task[0].arn : local.fargate.task_role_arn

  # Fargate Linux tasks run on X86_64 or ARM64 (Graviton); operatingSystemFamily LINUX is Fargate's default made
  # explicit (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RuntimePlatform.html).
  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = local.fargate.cpu_architecture
  }

  # Writable paths under a read-only root filesystem: one Fargate task-storage bind mount each
  # (ephemeral, gone with the task, like the container's writable layer). When the image declares
  # the path as a VOLUME, Fargate copies its content and ownership into the mount.
  dynamic "volume" {
    for_each = local.task_storage_paths

    content {
      name = "writable-${volume.key}"
    }
  }

  # Shared storage: the EFS file system through the access point (which fixes the root
  # directory, so none is set here), TLS in transit, mounted with the task role.
  dynamic "volume" {
    for_each = local.create_efs ? [local.shared_storage] : []

    content {
      name = "shared"

      efs_volume_configuration {
        file_system_id     = aws_efs_file_system.shared[0].id
        transit_encryption = "ENABLED"

        authorization_config {
          access_point_id = aws_efs_access_point.shared[0].id
          iam             = "ENABLED"
        }
      }
    }
  }

  container_definitions = jsonencode([{
    name                   = var.name
    image                  = local.fargate.image
    essential              = true
    readonlyRootFilesystem = local.fargate.read_only_root_filesystem
    mountPoints = concat(
      [for i, p in local.task_storage_paths : { sourceVolume = "writable-${i}", containerPath = p, readOnly = false }],
      local.create_efs ? [{ sourceVolume = "shared", containerPath = local.shared_storage.path, readOnly = false }] : [],
    )
    portMappings = [{
      containerPort = local.fargate.container_port
      protocol      = "tcp"
    }]
    environment = [for k in sort(keys(local.fargate.environment)) : { name = k, value = local.fargate.environment[k] }]
    # Injected by the agent at task start from Secrets Manager / SSM; valueFrom is the full ARN
    # (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Secret.html).
    secrets = [for k in sort(keys(local.fargate.secrets)) : { name = k, valueFrom = local.fargate.secrets[k] }]
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        "awslogs-group"         = aws_cloudwatch_log_group.this[0].name
        "awslogs-region"        = local.region
        "awslogs-stream-prefix" = var.name
      }
    }
  }])

  tags = var.tags
}

resource "aws_ecs_service" "this" {
  count = local.fargate_enabled ? 1 : 0

  name            = var.name
  cluster         = aws_ecs_cluster.this[0].arn
  task_definition = aws_ecs_task_definition.this[0].arn
  desired_count   = local.fargate.desired_count
  launch_type     = "FARGATE"

  network_configuration {
    subnets          = local.subnet_ids
    security_groups  = [aws_security_group.tasks[0].id]
    assign_public_ip = false
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.this[0].arn
    container_name   = var.name
    container_port   = local.fargate.container_port
  }

  tags = var.tags

  depends_on = [
    aws_lb_listener.this,
    aws_iam_role_policy_attachment.execution,
    aws_iam_role_policy.execution_secrets,
    aws_vpc_endpoint.interface,
    aws_vpc_endpoint.s3,
    aws_route.private_nat,
    aws_efs_mount_target.shared,
    aws_efs_file_system_policy.shared,
    aws_iam_role_policy.task_efs,
    aws_vpc_security_group_ingress_rule.efs_nfs_from_tasks,
    aws_vpc_security_group_egress_rule.tasks_nfs,
  ]
}
