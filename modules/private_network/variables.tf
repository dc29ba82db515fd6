################################################################################
# General
################################################################################

variable "name" {
  description = "Name prefix of everything this module creates: the VPC's Name tag, subnets (<name>-private-<suffix>), the default security group (<name>-default-deny), the flow log group (/vpc/<name>/flow-logs) and its IAM role (<name>-flow-logs)."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-z]([a-z0-9-]{0,30}[a-z0-9])?$", var.name))
    error_message = "The name must be 1-32 characters of lowercase letters, digits and hyphens, start with a letter and not end with a hyphen; got \"${var.name}\"."
  }
}

variable "tags" {
  description = "Tags applied to every taggable resource (the VPC, subnets, default security group, flow log, its log group and IAM role)."
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    condition     = length(var.tags) <= 50 && alltrue([for k, v in var.tags : length(k) >= 1 && length(k) <= 128 && length(v) <= 256])
    error_message = "At most 50 tags (the AWS limit), with keys of 1-128 characters and values of at most 256 characters."
  }
}

################################################################################
# VPC and subnets
################################################################################

variable "cidr" {
  description = "IPv4 CIDR of the VPC, /16 to /24. DNS support and DNS hostnames are enabled (Interface endpoints and private DNS need them)."
  type        = string
  nullable    = false

  validation {
    condition     = can(cidrnetmask(var.cidr)) && try(tonumber(split("/", var.cidr)[1]) >= 16 && tonumber(split("/", var.cidr)[1]) <= 24, false)
    error_message = "The cidr must be an IPv4 CIDR with a prefix from /16 to /24, such as 10.10.0.0/16; got ${jsonencode(var.cidr)}."
  }
}

variable "az_count" {
  description = "Number of availability zones, one private subnet each: the first az_count zones (by name) of the region that need no opt-in."
  type        = number
  default     = 2
  nullable    = false

  validation {
    condition     = var.az_count >= 1 && var.az_count <= 6 && floor(var.az_count) == var.az_count
    error_message = "The az_count must be a whole number from 1 to 6; got ${var.az_count}."
  }
}

variable "availability_zone_ids" {
  description = "AZ ids (such as use1-az4) of the private subnets, one subnet each, in order; when set, az_count is ignored. An AZ name (us-east-1a) is a different physical AZ in each account of AWS's oldest regions, an AZ id is the same everywhere: name ids to line the subnets up with another account's (a PrivateLink endpoint can only use the AZ ids its service's NLB covers). Empty (default): the first az_count AZ names."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for id in var.availability_zone_ids : can(regex("^[a-z]{2,6}[0-9]+-az[0-9]+$", id))]) && length(distinct(var.availability_zone_ids)) == length(var.availability_zone_ids) && length(var.availability_zone_ids) <= 6
    error_message = "The availability_zone_ids must be at most 6 distinct AZ ids such as use1-az4; got ${jsonencode(var.availability_zone_ids)}."
  }
}

variable "subnet_newbits" {
  description = "Bits added to the VPC prefix for each subnet: subnet i is cidrsubnet(cidr, subnet_newbits, i), so 3 gives /prefix+3 subnets (8 slices), 4 gives /prefix+4 (16 slices; the slices after the first az_count stay free for the caller)."
  type        = number
  default     = 3
  nullable    = false

  validation {
    condition     = var.subnet_newbits >= 3 && var.subnet_newbits <= 8 && floor(var.subnet_newbits) == var.subnet_newbits
    error_message = "The subnet_newbits must be a whole number from 3 to 8 (at least 3 so that 6 AZs fit); got ${var.subnet_newbits}."
  }
}

variable "subnet_name_suffix" {
  description = "What ends each subnet's Name tag after <name>-private-: \"zone\" (the AZ name, such as us-east-1a) or \"index\" (0, 1, ...)."
  type        = string
  default     = "zone"
  nullable    = false

  validation {
    condition     = contains(["zone", "index"], var.subnet_name_suffix)
    error_message = "The subnet_name_suffix must be \"zone\" or \"index\"; got ${jsonencode(var.subnet_name_suffix)}."
  }
}

################################################################################
# Flow logs
################################################################################

variable "flow_logs" {
  description = "VPC flow logs to a CloudWatch log group: on by default. traffic_type ALL, ACCEPT or REJECT; retention_days a CloudWatch retention (0 = never expire); kms_key_arn optionally encrypts the log group. Cost: CloudWatch Logs ingestion (about $0.50/GB) and storage; set enabled = false to opt out."
  type = object({
    enabled        = optional(bool, true)
    traffic_type   = optional(string, "ALL")
    retention_days = optional(number, 30)
    kms_key_arn    = optional(string)
  })
  default  = {}
  nullable = false

  validation {
    condition     = contains(["ALL", "ACCEPT", "REJECT"], var.flow_logs.traffic_type)
    error_message = "The flow_logs.traffic_type must be ALL, ACCEPT or REJECT; got ${jsonencode(var.flow_logs.traffic_type)}."
  }

  validation {
    condition     = contains([0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.flow_logs.retention_days)
    error_message = "The flow_logs.retention_days must be a CloudWatch Logs retention: 0 (never expire), 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }

  validation {
    condition     = var.flow_logs.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.flow_logs.kms_key_arn))
    error_message = "The flow_logs.kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)."
  }
}
