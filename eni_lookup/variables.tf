variable "network_interface_ids" {
  description = "The network interface (ENI) ids of one Interface VPC endpoint: pass the endpoint's `network_interface_ids` as is (a set is fine). Unknown until the endpoint exists."
  type        = list(string)

  validation {
    condition     = alltrue([for id in var.network_interface_ids : can(regex("^eni-[0-9a-f]{8,17}$", id))])
    error_message = "Every network interface id must look like eni-0123456789abcdef0; got ${jsonencode(var.network_interface_ids)}."
  }
}

variable "expected_count" {
  description = "How many ENIs the endpoint must have: one per subnet it was created in. Known at plan time, so it keys the lookup."
  type        = number

  validation {
    condition     = var.expected_count >= 1 && var.expected_count <= 16 && floor(var.expected_count) == var.expected_count
    error_message = "The expected_count must be a whole number from 1 to 16 (one ENI per endpoint subnet); got ${var.expected_count}."
  }
}

variable "expected_ips" {
  description = "Pinned private IPv4 addresses of the endpoint, one per subnet in subnet order; [] (default) when the IPs are not pinned. When set, the lookup fails unless the ENIs hold exactly these IPs."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for ip in var.expected_ips : can(regex("^((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$", ip))])
    error_message = "Every expected IP must be a dotted IPv4 address such as 10.0.1.10; got ${jsonencode(var.expected_ips)}."
  }

  validation {
    condition     = length(distinct(var.expected_ips)) == length(var.expected_ips)
    error_message = "The expected IPs must be distinct (one per subnet); got ${jsonencode(var.expected_ips)}."
  }
}
