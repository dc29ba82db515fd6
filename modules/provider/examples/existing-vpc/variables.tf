variable "region" {
  description = "Region of the existing VPC."
  type        = string
  default     = "us-east-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]+$", var.region))
    error_message = "region must be an AWS region name such as us-east-1."
  }
}

variable "vpc_id" {
  description = "Existing VPC of the workload."
  type        = string
  default     = "vpc-0123456789abcdef0"
}

variable "subnet_ids" {
  description = "Existing private subnets of the NLB and the tasks, one per AZ; they must already reach ECR and CloudWatch Logs."
  type        = list(string)
  default     = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]
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
  description = "Container image of the workload (reachable from the subnets)."
  type        = string
  default     = "222222222222.dkr.ecr.us-east-1.amazonaws.com/ledger:latest"

  validation {
    condition     = length(var.image) > 0
    error_message = "image must not be empty."
  }
}
