# A private VPC over az_count AZs (or the given AZ ids): one private subnet per AZ (no internet route; routing is the
# caller's), the default security group stripped of every rule, and optional VPC flow logs to
# CloudWatch Logs. Internal building block of modules/central and modules/provider.

data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  zone_names = data.aws_availability_zones.available.names
  zone_ids   = data.aws_availability_zones.available.zone_ids
  # AZ name <-> AZ id in this account (names differ between accounts, ids do not); min() keeps the maps
  # total should the two lists ever differ in length.
  zone_pairs      = min(length(local.zone_names), length(local.zone_ids))
  zone_id_by_name = zipmap(slice(local.zone_names, 0, local.zone_pairs), slice(local.zone_ids, 0, local.zone_pairs))
  zone_name_by_id = zipmap(slice(local.zone_ids, 0, local.zone_pairs), slice(local.zone_names, 0, local.zone_pairs))
  by_zone_id      = length(var.availability_zone_ids) > 0
  subnet_count    = local.by_zone_id ? length(var.availability_zone_ids) : var.az_count
  # Well-formed ids the region does not have (a malformed one is the variable's validation error alone).
  unknown_zone_ids = [for id in var.availability_zone_ids : id if can(regex("^[a-z]{2,6}[0-9]+-az[0-9]+$", id)) && !contains(local.zone_ids, id)]

  # By AZ id when given (this account's names of those ids), else the first az_count zones of the
  # name-sorted list; fewer when the region has fewer (then the precondition on aws_vpc.this reports it).
  availability_zones    = local.by_zone_id ? [for id in var.availability_zone_ids : lookup(local.zone_name_by_id, id, id)] : slice(local.zone_names, 0, min(var.az_count, length(local.zone_names)))
  availability_zone_ids = local.by_zone_id ? var.availability_zone_ids : [for name in local.availability_zones : lookup(local.zone_id_by_name, name, null)]
}

################################################################################
# VPC and private subnets
################################################################################

data "aws_availability_zones" "available" {
  # checkov:skip=CKV_AWS_394:only the first az_count zones of the name-sorted list are used (local.availability_zones), and a zone AWS adds later takes the next letter and sorts after them, so it cannot silently join the VPC; callers who must pin exact zones name them by AZ id (var.availability_zone_ids)
  state = "available"

  filter {
    name   = "opt-in-status"
    values = ["opt-in-not-required"]
  }
}

resource "aws_vpc" "this" {
  cidr_block           = var.cidr
  enable_dns_support   = true
  enable_dns_hostnames = true

  tags = merge(var.tags, { Name = var.name })

  lifecycle {
    precondition {
      condition     = local.by_zone_id || length(data.aws_availability_zones.available.names) >= var.az_count
      error_message = "The region has ${length(data.aws_availability_zones.available.names)} available AZs (${join(", ", data.aws_availability_zones.available.names)}) but az_count is ${var.az_count}; lower az_count."
    }

    precondition {
      condition     = length(local.unknown_zone_ids) == 0
      error_message = "The availability_zone_ids ${join(", ", local.unknown_zone_ids)} are not available AZ ids of this region (${join(", ", local.zone_ids)}); use AZ ids from that list (aws ec2 describe-availability-zones shows each id's name in this account)."
    }

    precondition {
      condition     = tonumber(split("/", var.cidr)[1]) + var.subnet_newbits <= 28
      error_message = "A /${split("/", var.cidr)[1]} VPC with subnet_newbits = ${var.subnet_newbits} gives subnets smaller than /28, the smallest AWS allows; use a larger cidr or fewer newbits."
    }
  }
}

# One private subnet per AZ: the count.index-th /(prefix + subnet_newbits) slice of the VPC CIDR.
# Placed by AZ id when availability_zone_ids is given (the same physical AZ in every account), else by name.
resource "aws_subnet" "this" {
  count = local.subnet_count

  vpc_id               = aws_vpc.this.id
  cidr_block           = cidrsubnet(var.cidr, var.subnet_newbits, count.index)
  availability_zone    = local.by_zone_id ? null : try(local.availability_zones[count.index], null)
  availability_zone_id = local.by_zone_id ? var.availability_zone_ids[count.index] : null

  tags = merge(var.tags, { Name = "${var.name}-private-${var.subnet_name_suffix == "zone" ? try(local.availability_zones[count.index], count.index) : count.index}" })
}

################################################################################
# Default security group: locked down
################################################################################

# The VPC's default security group with every rule removed, so nothing that lands in it by
# default (no security group given) can talk to anything.
resource "aws_default_security_group" "this" {
  vpc_id = aws_vpc.this.id

  tags = merge(var.tags, { Name = "${var.name}-default-deny" })
}

################################################################################
# VPC flow logs to CloudWatch Logs (on by default; var.flow_logs)
################################################################################

resource "aws_cloudwatch_log_group" "this" {
  # checkov:skip=CKV_AWS_338:retention is the caller's cost choice (flow_logs.retention_days, default 30 days; 365+ is accepted)
  # checkov:skip=CKV_AWS_158:KMS is optional (flow_logs.kms_key_arn); without it CloudWatch Logs still encrypts at rest with AWS-owned keys, and a customer managed key is a cost and key-policy decision for the caller
  count = var.flow_logs.enabled ? 1 : 0

  name              = "/vpc/${var.name}/flow-logs"
  retention_in_days = var.flow_logs.retention_days
  kms_key_id        = var.flow_logs.kms_key_arn

  tags = var.tags
}

resource "aws_iam_role" "this" {
  count = var.flow_logs.enabled ? 1 : 0

  name = "${var.name}-flow-logs"
  # Plain jsonencode (no aws_iam_policy_document): the policy stays a known value in mocked tests.
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "vpc-flow-logs.amazonaws.com" }
      Action    = "sts:AssumeRole"
      # Confused-deputy guard: only flow logs of this account may use the role.
      Condition = { StringEquals = { "aws:SourceAccount" = data.aws_caller_identity.current.account_id } }
    }]
  })

  tags = var.tags
}

resource "aws_iam_role_policy" "this" {
  count = var.flow_logs.enabled ? 1 : 0

  name = "deliver-to-${var.name}-flow-logs"
  role = aws_iam_role.this[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
        Resource = "${aws_cloudwatch_log_group.this[0].arn}:*"
      },
      {
        Effect   = "Allow"
        Action   = "logs:DescribeLogGroups"
        Resource = "arn:${data.aws_partition.current.partition}:logs:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:log-group:*"
      },
    ]
  })
}

resource "aws_flow_log" "this" {
  count = var.flow_logs.enabled ? 1 : 0

  vpc_id                   = aws_vpc.this.id
  traffic_type             = var.flow_logs.traffic_type
  log_destination_type     = "cloud-watch-logs"
  log_destination          = aws_cloudwatch_log_group.this[0].arn
  iam_role_arn             = aws_iam_role.this[0].arn
  max_aggregation_interval = 600

  tags = merge(var.tags, { Name = var.name })
}
