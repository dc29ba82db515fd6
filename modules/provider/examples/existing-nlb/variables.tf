variable "region" {
  description = "Region of the existing NLB."
  type        = string
  default     = "us-east-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]+$", var.region))
    error_message = "region must be an AWS region name such as us-east-1."
  }
}

variable "nlb_name" {
  description = "Name of the existing internal Network Load Balancer."
  type        = string
  default     = "inventory-internal"

  validation {
    condition     = can(regex("^[A-Za-z0-9-]{1,32}$", var.nlb_name))
    error_message = "nlb_name must be a load balancer name (1-32 letters, digits, hyphens)."
  }
}

variable "port" {
  description = "Port of the existing NLB's TCP listener."
  type        = number
  default     = 80

  validation {
    condition     = var.port >= 1 && var.port <= 65535
    error_message = "port must be between 1 and 65535."
  }
}

variable "allowed_principals" {
  description = "IAM principals allowed to connect to the endpoint service."
  type        = list(string)
  default     = ["arn:aws:iam::111111111111:root"]

  validation {
    condition     = length(var.allowed_principals) > 0
    error_message = "allowed_principals must not be empty."
  }
}

variable "supported_regions" {
  description = "Extra consumer regions (cross-region PrivateLink)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for r in var.supported_regions : can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]+$", r))])
    error_message = "Each supported region must be an AWS region name."
  }
}
