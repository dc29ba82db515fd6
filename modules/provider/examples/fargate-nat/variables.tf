variable "region" {
  description = "Region of the provider account deployment."
  type        = string
  default     = "us-east-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]+$", var.region))
    error_message = "region must be an AWS region name such as us-east-1."
  }
}

variable "allowed_principals" {
  description = "IAM principals (e.g. the central account root) allowed to connect to the endpoint service."
  type        = list(string)
  default     = ["arn:aws:iam::111111111111:root"]

  validation {
    condition     = length(var.allowed_principals) > 0
    error_message = "allowed_principals must not be empty."
  }
}

variable "image" {
  description = "Container image of the workload; any registry, since the tasks pull through the NAT gateway."
  type        = string
  default     = "public.ecr.aws/nginx/nginx:stable"

  validation {
    condition     = length(var.image) > 0
    error_message = "image must not be empty."
  }
}

variable "central_vpc_cidrs" {
  description = "CIDRs of the central account's endpoint subnets: the only PrivateLink clients the NLB security group admits."
  type        = list(string)
  default     = ["10.10.0.0/16"]

  validation {
    condition     = length(var.central_vpc_cidrs) > 0
    error_message = "central_vpc_cidrs must not be empty: with enforcement on, no client could connect."
  }
}
