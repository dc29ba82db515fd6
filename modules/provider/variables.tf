################################################################################
# General
################################################################################

variable "name" {
  description = "DNS-safe name prefix for every resource (lowercase letters, digits, hyphens; starts with a letter; 1-24 characters so that derived names fit the 32-character NLB/target group limit)."
  type        = string

  validation {
    condition     = can(regex("^[a-z]([a-z0-9-]{0,22}[a-z0-9])?$", var.name))
    error_message = "name must be 1-24 characters of lowercase letters, digits and hyphens, start with a letter and not end with a hyphen."
  }
}

variable "tags" {
  description = "Tags applied to every resource that supports them."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for k, v in var.tags : length(k) >= 1 && length(k) <= 128 && length(v) <= 256])
    error_message = "Tag keys must be 1-128 characters and tag values at most 256 characters."
  }
}

################################################################################
# Endpoint service
################################################################################

variable "port" {
  description = "TCP port consumers connect to: the NLB listener port (in BYO mode, the port of the existing NLB's listener)."
  type        = number
  default     = 80

  validation {
    condition     = var.port >= 1 && var.port <= 65535 && floor(var.port) == var.port
    error_message = "port must be an integer between 1 and 65535."
  }
}

variable "allowed_principals" {
  description = "IAM principal ARNs allowed to create interface endpoints to the service, e.g. arn:aws:iam::123456789012:root (a whole account) or arn:aws:iam::123456789012:role/name. No wildcard."
  type        = list(string)

  validation {
    condition     = length(var.allowed_principals) > 0
    error_message = "allowed_principals must list at least one IAM principal ARN."
  }

  validation {
    condition     = alltrue([for p in var.allowed_principals : can(regex("^arn:aws(-cn|-us-gov)?:iam::[0-9]{12}:(root|(role|user)/[A-Za-z0-9+=,.@_/-]+)$", p))])
    error_message = "Each allowed principal must be an IAM ARN such as arn:aws:iam::123456789012:root or arn:aws:iam::123456789012:role/name; \"*\" and other wildcards are rejected."
  }
}

variable "acceptance_required" {
  description = "Whether each endpoint connection request must be accepted manually by the service owner."
  type        = bool
  default     = false

  validation {
    condition     = var.acceptance_required != null
    error_message = "acceptance_required must be true or false."
  }
}

variable "supported_regions" {
  description = "Extra regions from which consumers may connect (cross-region PrivateLink). Empty means same-region only."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for r in var.supported_regions : can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]+$", r))])
    error_message = "Each supported region must be an AWS region name such as eu-west-1."
  }
}

################################################################################
# Workload: bring your own NLB ...
################################################################################

variable "nlb_arn" {
  description = "ARN of an existing internal Network Load Balancer to expose (BYO mode). Exactly one of nlb_arn and fargate must be set."
  type        = string
  default     = null

  validation {
    condition     = var.nlb_arn == null ? true : can(regex("^arn:aws(-cn|-us-gov)?:elasticloadbalancing:[a-z0-9-]+:[0-9]{12}:loadbalancer/net/[A-Za-z0-9-]+/[a-z0-9]+$", var.nlb_arn))
    error_message = "nlb_arn must be a Network Load Balancer ARN (arn:aws:elasticloadbalancing:<region>:<account>:loadbalancer/net/<name>/<id>)."
  }
}

################################################################################
# ... or a demo ECS Fargate workload
################################################################################

variable "fargate" {
  description = "Demo ECS Fargate workload behind a new internal NLB. Exactly one of nlb_arn and fargate must be set. Tasks never get a public IP. shared_storage (optional) mounts one encrypted Amazon EFS file system at path in every task, so that all tasks see the same files (a path also listed in writable_paths gets EFS instead of task storage): uid/gid (default 10001, the demo image's user) own the access point's root directory and every file written through it; backup turns on EFS automatic backups (AWS Backup, default on); kms_key_arn is a customer managed key (null = the AWS managed aws/elasticfilesystem key). task_role_arn (optional) is an IAM role of yours the tasks run as (not with shared_storage, whose mount needs the module's own task role). secrets maps environment variable names to the full ARN of a Secrets Manager secret or an SSM Parameter Store parameter, injected at task start (the execution role is granted read on exactly those ARNs; a customer managed KMS key on them also needs kms:Decrypt, which is yours to grant). cpu_architecture is X86_64 (default) or ARM64 (Graviton; the image must be built for it)."
  type = object({
    image             = string
    cpu               = optional(number, 256)
    memory            = optional(number, 512)
    desired_count     = optional(number, 2)
    container_port    = optional(number, 8080)
    environment       = optional(map(string), {})
    health_check_path = optional(string, "/health")

    read_only_root_filesystem = optional(bool, true)
    writable_paths            = optional(list(string), ["/data"])

    task_role_arn    = optional(string)
    secrets          = optional(map(string), {})
    cpu_architecture = optional(string, "X86_64")

    shared_storage = optional(object({
      path        = string
      uid         = optional(number, 10001)
      gid         = optional(number, 10001)
      backup      = optional(bool, true)
      kms_key_arn = optional(string)
    }))
  })
  default = null

  validation {
    condition     = var.fargate == null ? true : length(trimspace(var.fargate.image)) > 0
    error_message = "fargate.image must not be empty."
  }

  validation {
    condition = var.fargate == null ? true : contains(lookup({
      "256"   = [512, 1024, 2048]
      "512"   = [1024, 2048, 3072, 4096]
      "1024"  = [2048, 3072, 4096, 5120, 6144, 7168, 8192]
      "2048"  = [for gb in range(4, 17) : gb * 1024]
      "4096"  = [for gb in range(8, 31) : gb * 1024]
      "8192"  = [for gb in range(16, 61, 4) : gb * 1024]
      "16384" = [for gb in range(32, 121, 8) : gb * 1024]
    }, tostring(var.fargate.cpu), []), var.fargate.memory)
    error_message = "fargate.cpu/memory must be a valid Fargate combination (e.g. 256/512, 512/1024, 1024/2048)."
  }

  validation {
    condition     = var.fargate == null ? true : var.fargate.desired_count >= 0 && floor(var.fargate.desired_count) == var.fargate.desired_count
    error_message = "fargate.desired_count must be a non-negative integer."
  }

  validation {
    condition     = var.fargate == null ? true : var.fargate.container_port >= 1 && var.fargate.container_port <= 65535 && floor(var.fargate.container_port) == var.fargate.container_port
    error_message = "fargate.container_port must be an integer between 1 and 65535."
  }

  validation {
    condition     = var.fargate == null ? true : can(regex("^/[^[:space:]]*$", var.fargate.health_check_path)) && length(var.fargate.health_check_path) <= 1024
    error_message = "fargate.health_check_path must start with \"/\" and contain no spaces."
  }

  validation {
    condition     = var.fargate == null ? true : alltrue([for k in keys(var.fargate.environment) : can(regex("^[A-Za-z_][A-Za-z0-9_]*$", k))])
    error_message = "fargate.environment keys must be valid environment variable names."
  }

  validation {
    condition = var.fargate == null ? true : try(
      length(var.fargate.writable_paths) <= 10 &&
      length(distinct(var.fargate.writable_paths)) == length(var.fargate.writable_paths) &&
      alltrue([for p in var.fargate.writable_paths : can(regex("^/[A-Za-z0-9._/-]*[A-Za-z0-9._-]$", p)) && !contains(split("/", p), "..")]),
      false
    )
    error_message = "fargate.writable_paths must be at most 10 distinct absolute container paths such as /data or /tmp (no trailing slash, no \"..\", not \"/\")."
  }

  validation {
    condition = try(var.fargate.shared_storage, null) == null ? true : try(
      can(regex("^/[A-Za-z0-9._/-]*[A-Za-z0-9._-]$", var.fargate.shared_storage.path)) &&
      !contains(split("/", var.fargate.shared_storage.path), "..") &&
      length(var.fargate.shared_storage.path) <= 255,
      false
    )
    error_message = "fargate.shared_storage.path must be an absolute container path such as /data (no trailing slash, no \"..\", not \"/\", at most 255 characters)."
  }

  validation {
    condition = try(var.fargate.shared_storage, null) == null ? true : try(
      alltrue([for id in [var.fargate.shared_storage.uid, var.fargate.shared_storage.gid] : id >= 0 && id <= 4294967295 && floor(id) == id]),
      false
    )
    error_message = "fargate.shared_storage.uid and gid must be POSIX ids (integers from 0 to 4294967295)."
  }

  validation {
    condition     = try(var.fargate.task_role_arn, null) == null || can(regex("^arn:aws(-cn|-us-gov)?:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}$", try(var.fargate.task_role_arn, "")))
    error_message = "fargate.task_role_arn must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)."
  }

  validation {
    condition     = try(var.fargate.task_role_arn, null) == null || try(var.fargate.shared_storage, null) == null
    error_message = "fargate.task_role_arn and fargate.shared_storage exclude each other: the shared file system is mounted with the module's own task role; drop one of them."
  }

  validation {
    condition = var.fargate == null ? true : alltrue([
      for k, v in var.fargate.secrets : can(regex("^[A-Za-z_][A-Za-z0-9_]*$", k)) && can(regex("^arn:aws(-cn|-us-gov)?:(secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+|ssm:[a-z0-9-]+:[0-9]{12}:parameter/[A-Za-z0-9/_.-]+)$", v))
    ])
    error_message = "fargate.secrets must map environment variable names to the full ARN of a Secrets Manager secret (arn:aws:secretsmanager:<region>:<account>:secret:<name>) or an SSM parameter (arn:aws:ssm:<region>:<account>:parameter/<name>)."
  }

  validation {
    condition     = var.fargate == null ? true : length(setintersection(keys(var.fargate.secrets), keys(var.fargate.environment))) == 0
    error_message = "fargate.secrets and fargate.environment must not set the same variable; keep each name in one of them."
  }

  validation {
    condition     = var.fargate == null ? true : contains(["X86_64", "ARM64"], var.fargate.cpu_architecture)
    error_message = "fargate.cpu_architecture must be X86_64 or ARM64."
  }

  validation {
    condition     = try(var.fargate.shared_storage.kms_key_arn, null) == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", try(var.fargate.shared_storage.kms_key_arn, "")))
    error_message = "fargate.shared_storage.kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)."
  }
}

variable "vpc_cidr" {
  description = "CIDR of the VPC created for the Fargate workload when vpc_id is null. Subnets are carved as /(prefix+4) blocks."
  type        = string
  default     = "10.20.0.0/16"

  validation {
    condition     = can(cidrhost(var.vpc_cidr, 0)) && tonumber(try(split("/", var.vpc_cidr)[1], "0")) >= 16 && tonumber(try(split("/", var.vpc_cidr)[1], "0")) <= 24
    error_message = "vpc_cidr must be an IPv4 CIDR with a prefix length between /16 and /24."
  }
}

variable "az_count" {
  description = "Number of availability zones (one private subnet each) for the created VPC. Consumers can only use the endpoint service in AZs the NLB covers."
  type        = number
  default     = 2

  validation {
    condition     = var.az_count >= 1 && var.az_count <= 6 && floor(var.az_count) == var.az_count
    error_message = "az_count must be an integer between 1 and 6."
  }
}

variable "availability_zone_ids" {
  description = "AZ ids (such as use1-az4) of the created VPC's subnets, one each, in order; replaces az_count. The NLB, hence the endpoint service, covers exactly these AZs, and consumers in other accounts match them by AZ id (AZ names differ between accounts). Empty (default): the first az_count AZ names."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for id in var.availability_zone_ids : can(regex("^[a-z]{2,6}[0-9]+-az[0-9]+$", id))]) && length(distinct(var.availability_zone_ids)) == length(var.availability_zone_ids) && length(var.availability_zone_ids) <= 6
    error_message = "The availability_zone_ids must be at most 6 distinct AZ ids such as use1-az4; got ${jsonencode(var.availability_zone_ids)}."
  }
}

variable "vpc_id" {
  description = "Existing VPC for the Fargate workload (with subnet_ids). Null creates a VPC from vpc_cidr and az_count."
  type        = string
  default     = null

  validation {
    condition     = var.vpc_id == null ? true : can(regex("^vpc-[0-9a-f]{8,17}$", var.vpc_id))
    error_message = "vpc_id must look like vpc-0123456789abcdef0."
  }
}

variable "subnet_ids" {
  description = "Existing private subnets (in vpc_id, ideally one per AZ) for the NLB and the Fargate tasks. Required with vpc_id, ignored otherwise."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for s in var.subnet_ids : can(regex("^subnet-[0-9a-f]{8,17}$", s))]) && length(distinct(var.subnet_ids)) == length(var.subnet_ids)
    error_message = "subnet_ids must be distinct ids like subnet-0123456789abcdef0."
  }
}

variable "image_pull" {
  description = "How Fargate tasks reach ECR and CloudWatch Logs: \"vpc_endpoints\" (interface endpoints for ecr.api, ecr.dkr, logs + S3 gateway; private ECR images only), \"nat\" (one NAT gateway + public subnet; created VPC only; any registry) or \"none\" (the existing VPC already provides a path)."
  type        = string
  default     = "vpc_endpoints"

  validation {
    condition     = contains(["vpc_endpoints", "nat", "none"], var.image_pull)
    error_message = "image_pull must be one of \"vpc_endpoints\", \"nat\" or \"none\"."
  }
}

variable "log_retention_days" {
  description = "Retention of the Fargate workload's CloudWatch log group, in days (a value CloudWatch accepts; 0 = never expire)."
  type        = number
  default     = 30

  validation {
    condition     = contains([0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of the values CloudWatch Logs accepts (0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)."
  }
}

variable "log_kms_key_arn" {
  description = "KMS key ARN encrypting the module's CloudWatch log groups (the tasks' logs and the VPC flow logs). Null (default) keeps CloudWatch Logs' default encryption with AWS-owned keys; a customer managed key costs about $1/month plus requests, and its key policy must allow logs.<region>.amazonaws.com."
  type        = string
  default     = null

  validation {
    condition     = var.log_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.log_kms_key_arn))
    error_message = "log_kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)."
  }
}

variable "container_insights" {
  description = "CloudWatch Container Insights on the ECS cluster (Fargate mode): \"enabled\" (default), \"enhanced\" (per-task/container metrics, more custom metrics to pay for) or \"disabled\" (no Container Insights cost)."
  type        = string
  default     = "enabled"

  validation {
    condition     = contains(["enabled", "enhanced", "disabled"], var.container_insights)
    error_message = "container_insights must be \"enabled\", \"enhanced\" or \"disabled\"."
  }
}

variable "flow_logs" {
  description = "VPC flow logs of the created VPC (Fargate mode without vpc_id) to a CloudWatch log group: on by default. traffic_type ALL, ACCEPT or REJECT; retention_days a CloudWatch retention (0 = never expire). Cost: CloudWatch Logs ingestion (about $0.50/GB) and storage; set enabled = false to opt out. Encrypted with log_kms_key_arn when set."
  type = object({
    enabled        = optional(bool, true)
    traffic_type   = optional(string, "ALL")
    retention_days = optional(number, 30)
  })
  default  = {}
  nullable = false

  validation {
    condition     = contains(["ALL", "ACCEPT", "REJECT"], var.flow_logs.traffic_type)
    error_message = "flow_logs.traffic_type must be ALL, ACCEPT or REJECT."
  }

  validation {
    condition     = contains([0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.flow_logs.retention_days)
    error_message = "flow_logs.retention_days must be one of the values CloudWatch Logs accepts (0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)."
  }
}

################################################################################
# NLB security group and PrivateLink traffic
################################################################################

variable "enforce_security_group_inbound_rules_on_private_link_traffic" {
  description = "Whether the created NLB's security group inbound rules also filter PrivateLink traffic. Off by default: PrivateLink access is governed by allowed_principals, and with it on AWS evaluates the consumers' own client IPs (other accounts' CIDRs, listed in privatelink_client_cidrs)."
  type        = bool
  default     = false

  validation {
    condition     = var.enforce_security_group_inbound_rules_on_private_link_traffic != null
    error_message = "enforce_security_group_inbound_rules_on_private_link_traffic must be true or false."
  }
}

variable "privatelink_client_cidrs" {
  description = "Consumer client CIDRs (e.g. the central VPC's subnets) admitted on the listener port when enforce_security_group_inbound_rules_on_private_link_traffic is true."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for c in var.privatelink_client_cidrs : can(regex("^[0-9]{1,3}(\\.[0-9]{1,3}){3}/[0-9]{1,2}$", c)) && can(cidrhost(c, 0)) && try(tonumber(split("/", c)[1]) > 0, false)])
    error_message = "privatelink_client_cidrs must be IPv4 CIDRs and must not be 0.0.0.0/0 (no /0 prefix at all)."
  }
}
